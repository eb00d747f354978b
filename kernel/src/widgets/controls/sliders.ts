/**
 * Slider controls: IntSlider, FloatSlider, IntRangeSlider (@jupyter-widgets/controls 5 models).
 * @module
 */
import { isBool, isInt, isNumber, isString, listOf, oneOf, type Check } from "../checks.js";
import { WidgetPropertyError } from "../errors.js";
import { Widget, type PropertySpec } from "../widget.js";
import {
  controlIdentity, descriptionInit, descriptionSpecs,
  type DescriptionOptions, type DescriptionProps, DescriptionWidget,
} from "./common.js";

/** Synced fields shared by sliders (besides `value`). */
interface SliderCommon extends DescriptionProps {
  min: number;
  max: number;
  step: number;
  orientation: "horizontal" | "vertical";
  readout: boolean;
  readout_format: string;
  continuous_update: boolean;
  disabled: boolean;
  behavior: string;
}

/** Options of a slider. */
export interface SliderOptions<V> extends DescriptionOptions {
  /** Initial value; default `min` (range: `[min, max]`... the middle half, as ipywidgets). */
  value?: V;
  /** Default 0. */
  min?: number;
  /** Default 100 (FloatSlider: 10). */
  max?: number;
  /** Distance between values, above 0 (IntSlider, IntRangeSlider: a whole number); default 1 (FloatSlider: 0.1). */
  step?: number;
  /** Default "horizontal". */
  orientation?: "horizontal" | "vertical";
  /** Show the value next to the slider; default true. */
  readout?: boolean;
  /** d3-format of the readout; default "d" (FloatSlider: ".2f"). */
  readout_format?: string;
  /** Send values while dragging (true) or on release (false); default true. */
  continuous_update?: boolean;
  /** Default false. */
  disabled?: boolean;
}

/** A slider's step: a finite number above 0, whole for integer sliders (0 or NaN would stall the slider). */
function stepCheck(ints: boolean): Check {
  const what = ints ? "a whole number above 0, e.g. 1" : "a finite number above 0, e.g. 0.1";
  return (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 && (!ints || Number.isInteger(v)) ? undefined : what);
}

function sliderSpecs(ints: boolean): { [K in keyof SliderCommon]: PropertySpec } {
  const numCheck = ints ? isInt : isNumber;
  return {
    ...descriptionSpecs(),
    min: { check: numCheck }, max: { check: numCheck }, step: { check: stepCheck(ints) },
    orientation: { check: oneOf("horizontal", "vertical") }, readout: { check: isBool },
    readout_format: { check: isString }, continuous_update: { check: isBool }, disabled: { check: isBool },
    behavior: { check: oneOf("drag-tap", "drag-snap", "tap", "drag", "snap") },
  };
}

function sliderInit<V>(o: SliderOptions<V>, d: { max: number; step: number; format: string }): SliderCommon {
  return {
    ...descriptionInit(o, "SliderStyleModel"),
    min: o.min ?? 0, max: o.max ?? d.max, step: o.step ?? d.step,
    orientation: o.orientation ?? "horizontal", readout: o.readout ?? true, readout_format: o.readout_format ?? d.format,
    continuous_update: o.continuous_update ?? true, disabled: o.disabled ?? false, behavior: "drag-tap",
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Synced fields of IntSlider. */
export interface IntSliderProps extends SliderCommon { value: number }

/**
 * A slider for integers.
 * @example
 * ```ts
 * const k = new IntSlider({ value: 5, min: 1, max: 15, description: "kernel size" });
 * k.observe("value", ({ new: v }) => console.log(v));
 * ```
 */
export class IntSlider extends DescriptionWidget<IntSliderProps> {
  declare value: number;
  declare min: number;
  declare max: number;
  declare step: number;
  declare disabled: boolean;

  constructor(options: SliderOptions<number> = {}) {
    const init = { ...sliderInit(options, { max: 100, step: 1, format: "d" }), value: options.value ?? options.min ?? 0 };
    super("IntSlider", controlIdentity("IntSliderModel", "IntSliderView"),
      { ...sliderSpecs(true), value: { check: isInt } }, { ...init, value: clamp(init.value, init.min, init.max) }, options);
  }

  /** Sets fields; `value` is clamped into `[min, max]` as in ipywidgets. */
  override set(values: Partial<IntSliderProps>): void {
    super.set(clampValue(this, values));
  }
}

/** Synced fields of FloatSlider. */
export interface FloatSliderProps extends SliderCommon { value: number }

/**
 * A slider for real numbers.
 * @example
 * ```ts
 * const t = new FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.05, description: "threshold" });
 * ```
 */
export class FloatSlider extends DescriptionWidget<FloatSliderProps> {
  declare value: number;
  declare min: number;
  declare max: number;
  declare step: number;
  declare disabled: boolean;

  constructor(options: SliderOptions<number> = {}) {
    const init = { ...sliderInit(options, { max: 10, step: 0.1, format: ".2f" }), value: options.value ?? options.min ?? 0 };
    super("FloatSlider", controlIdentity("FloatSliderModel", "FloatSliderView"),
      { ...sliderSpecs(false), value: { check: isNumber } }, { ...init, value: clamp(init.value, init.min, init.max) }, options);
  }

  /** Sets fields; `value` is clamped into `[min, max]` as in ipywidgets. */
  override set(values: Partial<FloatSliderProps>): void {
    super.set(clampValue(this, values));
  }
}

function clampValue<P extends { value: number; min: number; max: number }>(w: Widget<P>, values: Partial<P>): Partial<P> {
  const min = values.min ?? w.get("min");
  const max = values.max ?? w.get("max");
  if (typeof min === "number" && typeof max === "number" && min > max) {
    throw new WidgetPropertyError(w.kind, "min", `at most max (${max})`, min);
  }
  const v = values.value ?? (values.min !== undefined || values.max !== undefined ? w.get("value") : undefined);
  if (typeof v === "number" && typeof min === "number" && typeof max === "number") {
    const c = clamp(v, min, max);
    if (c !== w.get("value") || values.value !== undefined) return { ...values, value: c };
  }
  return values;
}

/** Synced fields of IntRangeSlider. */
export interface IntRangeSliderProps extends SliderCommon { value: [number, number] }

/**
 * A slider selecting an integer range `[lo, hi]`.
 * @example
 * ```ts
 * const rows = new IntRangeSlider({ value: [100, 300], min: 0, max: 1000, description: "rows" });
 * ```
 */
export class IntRangeSlider extends DescriptionWidget<IntRangeSliderProps> {
  declare value: [number, number];
  declare min: number;
  declare max: number;

  constructor(options: SliderOptions<[number, number]> = {}) {
    const common = sliderInit(options, { max: 100, step: 1, format: "d" });
    const span = common.max - common.min;
    const value = options.value ?? [Math.round(common.min + span * 0.25), Math.round(common.min + span * 0.75)];
    super("IntRangeSlider", controlIdentity("IntRangeSliderModel", "IntRangeSliderView"), {
      ...sliderSpecs(true),
      value: { check: (v) => (listOf(isInt, 2)(v) === undefined && (v as number[])[0]! <= (v as number[])[1]! ? undefined : "a list [lo, hi] of 2 integers with lo ≤ hi") },
    }, { ...common, value }, options);
  }
}
