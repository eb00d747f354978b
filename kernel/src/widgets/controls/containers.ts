/**
 * Containers: HBox, VBox, Tab, Accordion (@jupyter-widgets/controls 5).
 * @module
 */
import { isInt, isString, listOf, nullable, oneOf } from "../checks.js";
import { Widget, widgetListSpec, type PropertySpec } from "../widget.js";
import { controlIdentity, domInit, domSpecs, DOMWidget, type DOMProps, type DOMWidgetOptions } from "./common.js";

const isWidgetList = (v: unknown): string | undefined =>
  Array.isArray(v) && v.every((w) => w instanceof Widget) ? undefined : "a list of widgets";

/** Synced fields of boxes. */
export interface BoxProps extends DOMProps { children: Widget<object>[]; box_style: string }

/** Options of boxes. */
export interface BoxOptions extends DOMWidgetOptions {
  /** "", "success", "info", "warning" or "danger"; default "". */
  box_style?: "" | "success" | "info" | "warning" | "danger";
}

function boxSpecs(): { [K in keyof BoxProps]: PropertySpec } {
  return { ...domSpecs(), children: widgetListSpec(isWidgetList), box_style: { check: oneOf("", "success", "info", "warning", "danger") } };
}

/**
 * Widgets side by side.
 * @example
 * ```ts
 * new HBox([new Label({ value: "band" }), new IntSlider({ min: 1, max: 8 })]);
 * ```
 */
export class HBox extends DOMWidget<BoxProps> {
  declare children: Widget<object>[];

  constructor(children: Widget<object>[] = [], options: BoxOptions = {}) {
    super("HBox", controlIdentity("HBoxModel", "HBoxView"), boxSpecs(),
      { ...domInit(options), children, box_style: options.box_style ?? "" }, options);
  }
}

/**
 * Widgets stacked vertically.
 * @example
 * ```ts
 * new VBox([slider, plot]);
 * ```
 */
export class VBox extends DOMWidget<BoxProps> {
  declare children: Widget<object>[];

  constructor(children: Widget<object>[] = [], options: BoxOptions = {}) {
    super("VBox", controlIdentity("VBoxModel", "VBoxView"), boxSpecs(),
      { ...domInit(options), children, box_style: options.box_style ?? "" }, options);
  }
}

/** Synced fields of Tab and Accordion. */
export interface SelectionContainerProps extends BoxProps { titles: string[]; selected_index: number | null }

/** Options of Tab and Accordion. */
export interface SelectionContainerOptions extends BoxOptions {
  /** One title per child; default "". */
  titles?: string[];
  /** Open child; default 0 for Tab, none (null) for Accordion. */
  selected_index?: number | null;
}

function selSpecs(): { [K in keyof SelectionContainerProps]: PropertySpec } {
  return { ...boxSpecs(), titles: { check: listOf(isString) }, selected_index: { check: nullable(isInt) } };
}

/**
 * Children in tabs.
 * @example
 * ```ts
 * new Tab([rgbPlot, ndviPlot], { titles: ["RGB", "NDVI"] });
 * ```
 */
export class Tab extends DOMWidget<SelectionContainerProps> {
  declare children: Widget<object>[];
  declare titles: string[];
  declare selected_index: number | null;

  constructor(children: Widget<object>[] = [], options: SelectionContainerOptions = {}) {
    super("Tab", controlIdentity("TabModel", "TabView"), selSpecs(), {
      ...domInit(options), children, box_style: options.box_style ?? "",
      titles: options.titles ?? children.map(() => ""), selected_index: options.selected_index ?? (children.length ? 0 : null),
    }, options);
  }
}

/**
 * Children in collapsible sections.
 * @example
 * ```ts
 * new Accordion([metadataTable, histogram], { titles: ["Metadata", "Histogram"], selected_index: 1 });
 * ```
 */
export class Accordion extends DOMWidget<SelectionContainerProps> {
  declare children: Widget<object>[];
  declare titles: string[];
  declare selected_index: number | null;

  constructor(children: Widget<object>[] = [], options: SelectionContainerOptions = {}) {
    super("Accordion", controlIdentity("AccordionModel", "AccordionView"), selSpecs(), {
      ...domInit(options), children, box_style: options.box_style ?? "",
      titles: options.titles ?? children.map(() => ""), selected_index: options.selected_index ?? null,
    }, options);
  }
}
