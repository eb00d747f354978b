/**
 * Pieces shared by the standard controls: model identities of @jupyter-widgets/controls 5, the
 * `Layout` and `Style` models, and the property specs every DOM/description widget has.
 * @module
 */
import { isBool, isString, listOf, nullable, type Check } from "../checks.js";
import { Widget, widgetSpec, type ModelIdentity, type PropertySpec, type WidgetOptions } from "../widget.js";
import { BASE_MODULE_VERSION, CONTROLS_MODULE_VERSION } from "../version.js";

/** Identity of a @jupyter-widgets/controls model. */
export function controlIdentity(model: string, view: string | null): ModelIdentity {
  return {
    modelName: model, modelModule: "@jupyter-widgets/controls", modelModuleVersion: CONTROLS_MODULE_VERSION,
    viewName: view, viewModule: "@jupyter-widgets/controls", viewModuleVersion: CONTROLS_MODULE_VERSION,
  };
}

const LAYOUT_FIELDS = [
  "align_content", "align_items", "align_self", "border_top", "border_right", "border_bottom", "border_left",
  "bottom", "display", "flex", "flex_flow", "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows",
  "grid_column", "grid_gap", "grid_row", "grid_template_areas", "grid_template_columns", "grid_template_rows",
  "height", "justify_content", "justify_items", "left", "margin", "max_height", "max_width", "min_height",
  "min_width", "object_fit", "object_position", "order", "overflow", "padding", "right", "top", "visibility", "width",
] as const;

/** CSS layout properties of a widget (all optional CSS strings, as in ipywidgets' `Layout`). */
export type LayoutProps = { [K in (typeof LAYOUT_FIELDS)[number]]: string | null };

/**
 * The layout of a widget (CSS size, margins, flex/grid placement): a @jupyter-widgets/base LayoutModel.
 * @example
 * ```ts
 * const s = new IntSlider({ layout: { width: "300px" } });
 * s.layout.width = "50%";
 * ```
 */
export class Layout extends Widget<LayoutProps> {
  declare width: string | null;
  declare height: string | null;
  declare margin: string | null;
  declare padding: string | null;
  declare display: string | null;
  declare flex_flow: string | null;
  declare justify_content: string | null;
  declare align_items: string | null;

  /** @param props CSS values by ipywidgets name (e.g. `{ width: "300px" }`); default all unset. */
  constructor(props: Partial<LayoutProps> = {}, options: WidgetOptions = {}) {
    const specs = Object.fromEntries(LAYOUT_FIELDS.map((k) => [k, { check: nullable(isString) }])) as { [K in keyof LayoutProps]: PropertySpec };
    const init = Object.fromEntries(LAYOUT_FIELDS.map((k) => [k, props[k] ?? null])) as LayoutProps;
    super("Layout", {
      modelName: "LayoutModel", modelModule: "@jupyter-widgets/base", modelModuleVersion: BASE_MODULE_VERSION,
      viewName: "LayoutView", viewModule: "@jupyter-widgets/base", viewModuleVersion: BASE_MODULE_VERSION,
    }, specs, init, options);
  }
}

/** Style properties (CSS-ish strings, e.g. `description_width`, `handle_color`, `button_color`). */
export type StyleProps = Record<string, string | null>;

/**
 * The style of a control (a @jupyter-widgets/controls `*StyleModel`): colours, description width, fonts.
 * @example
 * ```ts
 * const s = new FloatSlider({ style: { handle_color: "orange", description_width: "120px" } });
 * ```
 */
export class Style extends Widget<StyleProps> {
  /**
   * @param model the style model name, e.g. "SliderStyleModel"
   * @param fields the style fields this model has
   * @param props initial values; default all unset
   */
  constructor(model: string, fields: readonly string[], props: StyleProps = {}, options: WidgetOptions = {}) {
    for (const k of Object.keys(props)) {
      if (!fields.includes(k)) throw new TypeError(`${model} has no style field "${k}"; valid fields: ${fields.join(", ")}.`);
    }
    const specs = Object.fromEntries(fields.map((k) => [k, { check: nullable(isString) }]));
    const init = Object.fromEntries(fields.map((k) => [k, props[k] ?? null]));
    super(model.replace(/Model$/, ""), { ...controlIdentity(model, "StyleView"), viewModule: "@jupyter-widgets/base", viewModuleVersion: BASE_MODULE_VERSION }, specs, init, options);
  }
}

/** Style fields of each style model (ipywidgets 8 names). */
export const STYLE_FIELDS = {
  DescriptionStyleModel: ["description_width"],
  SliderStyleModel: ["description_width", "handle_color"],
  ButtonStyleModel: ["button_color", "font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"],
  CheckboxStyleModel: ["background", "description_width"],
  ToggleButtonsStyleModel: ["button_width", "description_width", "font_weight"],
  TextStyleModel: ["background", "description_width", "font_size", "text_color"],
  LabelStyleModel: ["background", "description_width", "font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"],
  HTMLStyleModel: ["background", "description_width", "font_size", "text_color"],
} as const;

/** Options every DOM widget accepts. */
export interface DOMWidgetOptions extends WidgetOptions {
  /** CSS layout (a {@link Layout} or its properties); default a fresh empty Layout. */
  layout?: Layout | Partial<LayoutProps>;
  /** Tooltip text; default none. */
  tooltip?: string | null;
}

/** Options of widgets with a description label. */
export interface DescriptionOptions extends DOMWidgetOptions {
  /** Label shown before the control; default "". */
  description?: string;
  /** Treat the description as HTML; default false. */
  description_allow_html?: boolean;
  /** Style (a {@link Style} or its properties); default a fresh style of the control's kind. */
  style?: Style | StyleProps;
}

/** Synced fields of every DOM widget. */
export interface DOMProps {
  layout: Layout;
  tooltip: string | null;
  tabbable: boolean | null;
  _dom_classes: string[];
}

/** Synced fields of every description widget. */
export interface DescriptionProps extends DOMProps {
  description: string;
  description_allow_html: boolean;
  style: Style;
}

/**
 * A widget with the DOM fields (ipywidgets' `DOMWidget`): its `layout` and `tooltip` are typed
 * properties, so `w.layout.width = "50%"` type-checks in a cell as it runs (the accessors exist on
 * every widget; this only declares them).
 * @example
 * ```ts
 * const box = new HBox([new Button({ description: "run" })]);
 * box.layout.width = "50%";
 * box.tooltip = "the controls of this notebook";
 * ```
 */
export abstract class DOMWidget<S extends DOMProps> extends Widget<S> {
  declare layout: Layout;
  declare tooltip: string | null;
}

/**
 * A control with a description and a style (ipywidgets' `DescriptionWidget`): `description`,
 * `style` and the DOM fields are typed properties.
 * @example
 * ```ts
 * const s = new IntSlider({ description: "k", max: 10 });
 * s.layout.width = "300px";
 * s.style.set({ handle_color: "orange" });
 * s.description = "neighbours";
 * ```
 */
export abstract class DescriptionWidget<S extends DescriptionProps> extends DOMWidget<S> {
  declare description: string;
  declare description_allow_html: boolean;
  declare style: Style;
}

const isLayout: Check = (v) => (v instanceof Layout ? undefined : "a Layout");
const isStyle: Check = (v) => (v instanceof Style ? undefined : "a Style");

/** Specs of the DOM fields. */
export function domSpecs(): { [K in keyof DOMProps]: PropertySpec } {
  return {
    layout: widgetSpec(isLayout),
    tooltip: { check: nullable(isString) },
    tabbable: { check: nullable(isBool) },
    _dom_classes: { check: listOf(isString) },
  };
}

/** Specs of the description fields. */
export function descriptionSpecs(): { [K in keyof DescriptionProps]: PropertySpec } {
  return { ...domSpecs(), description: { check: isString }, description_allow_html: { check: isBool }, style: widgetSpec(isStyle) };
}

/** Initial DOM field values (creates the Layout model first, as the view needs it). */
export function domInit(o: DOMWidgetOptions): DOMProps {
  const layout = o.layout instanceof Layout ? o.layout : new Layout(o.layout ?? {}, { registry: o.registry });
  return { layout, tooltip: o.tooltip ?? null, tabbable: null, _dom_classes: [] };
}

/** Initial description field values (creates Layout and Style models first). */
export function descriptionInit(o: DescriptionOptions, styleModel: keyof typeof STYLE_FIELDS): DescriptionProps {
  const style = o.style instanceof Style ? o.style : new Style(styleModel, STYLE_FIELDS[styleModel], o.style ?? {}, { registry: o.registry });
  return { ...domInit(o), description: o.description ?? "", description_allow_html: o.description_allow_html ?? false, style };
}
