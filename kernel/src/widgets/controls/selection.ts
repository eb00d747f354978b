/**
 * Selection controls: Dropdown, ToggleButtons, SelectMultiple. As in ipywidgets 8, the browser
 * sees only the option labels and the selected index; the option values stay in the kernel.
 * @module
 */
import { isBool, isInt, isString, listOf, nullable, oneOf } from "../checks.js";
import { WidgetPropertyError } from "../errors.js";
import { type Change, type PropertySpec, type WidgetOptions } from "../widget.js";
import {
  controlIdentity, descriptionInit, descriptionSpecs,
  type DescriptionOptions, type DescriptionProps, type STYLE_FIELDS, DescriptionWidget,
} from "./common.js";

/** An option: a string (label = value) or a `[label, value]` pair. */
export type OptionInput<V> = string | readonly [string, V];

/** Options of selection controls. */
export interface SelectionOptions<V> extends DescriptionOptions {
  /** The choices: strings, or `[label, value]` pairs. Required. */
  options: readonly OptionInput<V>[];
  /** Initial value; default the first option (SelectMultiple: none). */
  value?: V;
  /** Default false. */
  disabled?: boolean;
}

function normalise<V>(kind: string, options: readonly OptionInput<V>[]): [string, V][] {
  if (!Array.isArray(options)) throw new WidgetPropertyError(kind, "options", "a list of strings or [label, value] pairs", options);
  return options.map((o) => {
    if (typeof o === "string") return [o, o as unknown as V];
    if (Array.isArray(o) && o.length === 2 && typeof o[0] === "string") return [o[0], o[1]] as [string, V];
    throw new WidgetPropertyError(kind, "options", "a list of strings or [label, value] pairs", o);
  });
}

/** Synced fields of single-selection controls. */
export interface SingleSelectionProps extends DescriptionProps {
  _options_labels: string[];
  index: number | null;
  disabled: boolean;
}

/** Base class of single-selection controls: kernel-side `value`, `label`, `options`. */
export class SingleSelection<V, P extends SingleSelectionProps = SingleSelectionProps> extends DescriptionWidget<P> {
  #options: [string, V][];
  declare index: number | null;

  protected constructor(kind: string, model: string, view: string, style: keyof typeof STYLE_FIELDS,
    extraSpecs: Record<string, PropertySpec>, extraInit: Record<string, unknown>, o: SelectionOptions<V>) {
    const opts = normalise(kind, o.options);
    let index: number | null = opts.length > 0 ? 0 : null;
    if (o.value !== undefined) {
      index = opts.findIndex(([, v]) => Object.is(v, o.value));
      if (index < 0) throw new WidgetPropertyError(kind, "value", `one of the option values (${opts.map(([l]) => l).join(", ")})`, o.value);
    }
    const specs = {
      ...descriptionSpecs(),
      _options_labels: { check: listOf(isString), viewWritable: false },
      index: { check: (v: unknown) => (v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < this_len()) ? undefined : `null or an option index 0..${this_len() - 1}`) },
      disabled: { check: isBool },
      ...extraSpecs,
    };
    let len = opts.length;
    const this_len = (): number => len;
    super(kind, controlIdentity(model, view), specs as never, {
      ...descriptionInit(o, style), _options_labels: opts.map(([l]) => l), index, disabled: o.disabled ?? false, ...extraInit,
    } as never, o as WidgetOptions);
    this.#options = opts;
    this.#setLen = (n) => (len = n);
  }

  readonly #setLen: (n: number) => void;

  /** The selected value (kernel-side), or `null` when nothing is selected. */
  get value(): V | null {
    const i = this.get("index");
    return i === null ? null : this.#options[i]![1];
  }
  set value(v: V | null) {
    if (v === null) { this.set({ index: null } as Partial<P>); return; }
    const i = this.#options.findIndex(([, x]) => Object.is(x, v));
    if (i < 0) throw new WidgetPropertyError(this.kind, "value", `one of the option values (${this.#options.map(([l]) => l).join(", ")})`, v);
    this.set({ index: i } as Partial<P>);
  }

  /** The selected label, or `null`. */
  get label(): string | null {
    const i = this.get("index");
    return i === null ? null : this.#options[i]![0];
  }

  /** The options as `[label, value]` pairs. Setting them resets the selection to the first. */
  get options(): [string, V][] {
    return this.#options.map(([l, v]) => [l, v]);
  }
  set options(o: readonly OptionInput<V>[]) {
    const opts = normalise(this.kind, o);
    this.#options = opts;
    this.#setLen(opts.length);
    this.set({ _options_labels: opts.map(([l]) => l), index: opts.length > 0 ? 0 : null } as Partial<P>);
  }

  /** Observe a synced field, or the kernel-side `value`/`label` (derived from `index`). */
  override observe<K extends keyof P & string>(name: K | "value" | "label", fn: (change: Change<never, this>) => void): () => void {
    if (name === "value" || name === "label") {
      return super.observe("index" as K, (c) => {
        const pick = (i: unknown): unknown => (i === null || i === undefined ? null : this.#options[i as number]?.[name === "value" ? 1 : 0] ?? null);
        fn({ ...c, name, old: pick(c.old) as never, new: pick(c.new) as never });
      });
    }
    return super.observe(name, fn as never);
  }

  protected override fallbackText(): string {
    return `${this.kind}(options=[${this.#options.map(([l]) => JSON.stringify(l)).join(", ")}], value=${this.label === null ? "null" : JSON.stringify(this.label)})`;
  }
}

/**
 * A drop-down list.
 * @example
 * ```ts
 * const idx = new Dropdown({ options: ["NDVI", "NDWI", "NBR"], value: "NDVI", description: "index" });
 * const cm = new Dropdown({ options: [["viridis", 0], ["magma", 1]] });
 * ```
 */
export class Dropdown<V = string> extends SingleSelection<V> {
  constructor(options: SelectionOptions<V>) {
    super("Dropdown", "DropdownModel", "DropdownView", "DescriptionStyleModel", {}, {}, options);
  }
}

/** Options of ToggleButtons. */
export interface ToggleButtonsOptions<V> extends SelectionOptions<V> {
  /** Tooltip per option; default none. */
  tooltips?: string[];
  /** Font Awesome icon name per option; default none. */
  icons?: string[];
  /** "", "primary", "success", "info", "warning" or "danger"; default "". */
  button_style?: "" | "primary" | "success" | "info" | "warning" | "danger";
}

/**
 * A row of toggle buttons, one selected.
 * @example
 * ```ts
 * const mode = new ToggleButtons({ options: ["RGB", "False colour", "NDVI"], button_style: "info" });
 * ```
 */
export class ToggleButtons<V = string> extends SingleSelection<V, SingleSelectionProps & { tooltips: string[]; icons: string[]; button_style: string }> {
  constructor(options: ToggleButtonsOptions<V>) {
    super("ToggleButtons", "ToggleButtonsModel", "ToggleButtonsView", "ToggleButtonsStyleModel", {
      tooltips: { check: listOf(isString) }, icons: { check: listOf(isString) },
      button_style: { check: oneOf("", "primary", "success", "info", "warning", "danger") },
    }, { tooltips: options.tooltips ?? [], icons: options.icons ?? [], button_style: options.button_style ?? "" }, options);
  }
}

/** Synced fields of SelectMultiple. */
export interface SelectMultipleProps extends DescriptionProps {
  _options_labels: string[];
  index: number[];
  rows: number | null;
  disabled: boolean;
}

/** Options of SelectMultiple. */
export interface SelectMultipleOptions<V> extends Omit<SelectionOptions<V>, "value"> {
  /** Initially selected values; default none. */
  value?: V[];
  /** Visible rows; default as many as the browser chooses. */
  rows?: number | null;
}

/**
 * A list box where several options can be selected.
 * @example
 * ```ts
 * const bands = new SelectMultiple({ options: [["B2 blue", 2], ["B3 green", 3], ["B4 red", 4]], value: [4, 3, 2] });
 * bands.value; // [4, 3, 2] in option order: [2, 3, 4]
 * ```
 */
export class SelectMultiple<V = string> extends DescriptionWidget<SelectMultipleProps> {
  #options: [string, V][];
  declare index: number[];

  constructor(o: SelectMultipleOptions<V>) {
    const opts = normalise("SelectMultiple", o.options);
    const index = (o.value ?? []).map((v) => {
      const i = opts.findIndex(([, x]) => Object.is(x, v));
      if (i < 0) throw new WidgetPropertyError("SelectMultiple", "value", `values from the options (${opts.map(([l]) => l).join(", ")})`, v);
      return i;
    }).sort((a, b) => a - b);
    let len = opts.length;
    super("SelectMultiple", controlIdentity("SelectMultipleModel", "SelectMultipleView"), {
      ...descriptionSpecs(),
      _options_labels: { check: listOf(isString), viewWritable: false },
      index: { check: (v) => (Array.isArray(v) && v.every((i) => Number.isInteger(i) && i >= 0 && i < len) ? undefined : `a list of option indices 0..${len - 1}`) },
      rows: { check: nullable(isInt) },
      disabled: { check: isBool },
    }, { ...descriptionInit(o, "DescriptionStyleModel"), _options_labels: opts.map(([l]) => l), index, rows: o.rows ?? null, disabled: o.disabled ?? false }, o);
    this.#options = opts;
    this.#setLen = (n) => (len = n);
  }

  readonly #setLen: (n: number) => void;

  /** The selected values, in option order. */
  get value(): V[] {
    return this.get("index").map((i) => this.#options[i]![1]);
  }
  set value(vs: V[]) {
    if (!Array.isArray(vs)) throw new WidgetPropertyError(this.kind, "value", "a list of option values", vs);
    const idx = vs.map((v) => {
      const i = this.#options.findIndex(([, x]) => Object.is(x, v));
      if (i < 0) throw new WidgetPropertyError(this.kind, "value", `values from the options (${this.#options.map(([l]) => l).join(", ")})`, v);
      return i;
    });
    this.set({ index: [...new Set(idx)].sort((a, b) => a - b) });
  }

  /** The selected labels. */
  get label(): string[] {
    return this.get("index").map((i) => this.#options[i]![0]);
  }

  /** The options as `[label, value]` pairs; setting them clears the selection. */
  get options(): [string, V][] {
    return this.#options.map(([l, v]) => [l, v]);
  }
  set options(o: readonly OptionInput<V>[]) {
    const opts = normalise(this.kind, o);
    this.#options = opts;
    this.#setLen(opts.length);
    this.set({ _options_labels: opts.map(([l]) => l), index: [] });
  }

  /** Observe a synced field, or the kernel-side `value` (derived from `index`). */
  override observe<K extends keyof SelectMultipleProps & string>(name: K | "value", fn: (change: Change<never, this>) => void): () => void {
    if (name === "value") {
      const pick = (i: unknown): unknown => (Array.isArray(i) ? i.map((k) => this.#options[k as number]?.[1]) : []);
      return super.observe("index", (c) => fn({ ...c, name, old: pick(c.old) as never, new: pick(c.new) as never }));
    }
    return super.observe(name, fn as never);
  }

  protected override fallbackText(): string {
    return `SelectMultiple(options=[${this.#options.map(([l]) => JSON.stringify(l)).join(", ")}], value=[${this.label.map((l) => JSON.stringify(l)).join(", ")}])`;
  }
}

