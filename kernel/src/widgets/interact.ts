/**
 * `interact(fn, params)`: build controls for a function's parameters and re-run it whenever one
 * changes, showing its result in an Output widget below the controls (like ipywidgets' `interact`).
 * @module
 */
import { Widget } from "./widget.js";
import { WidgetPropertyError } from "./errors.js";
import { Checkbox, Text } from "./controls/simple.js";
import { Dropdown } from "./controls/selection.js";
import { FloatSlider, IntSlider } from "./controls/sliders.js";
import { VBox } from "./controls/containers.js";
import { Output } from "./controls/output.js";
import type { CommRegistry } from "../jupyter/comm-types.js";

/**
 * How a parameter is given: a control; `[min, max]` or `[min, max, step]` (an IntSlider when all
 * are integers, else a FloatSlider); a list of strings or `[label, value]` pairs (a Dropdown); a
 * boolean (a Checkbox); a string (a Text field).
 */
export type InteractAbbrev =
  | Widget<object>
  | readonly [number, number] | readonly [number, number, number]
  | readonly (string | readonly [string, unknown])[]
  | boolean | string;

/** The widget `interact` returns: the controls, the output, and a way to re-run. */
export class Interactive extends VBox {
  /** The controls, by parameter name. */
  readonly controls: Record<string, Widget<object>>;
  /** Where the function's result and console output go. */
  readonly out: Output;
  readonly #run: () => Promise<void>;

  /** @internal use {@link interact}. */
  constructor(controls: Record<string, Widget<object>>, out: Output, run: () => Promise<void>, registry?: CommRegistry | null) {
    super([...Object.values(controls), out], { registry, layout: undefined });
    this.controls = controls;
    this.out = out;
    this.#run = run;
  }

  /** Run the function again with the current values (resolves when it finished). */
  update(): Promise<void> {
    return this.#run();
  }
}

/** Make the control for one abbreviation. */
export function controlFor(name: string, a: InteractAbbrev, registry?: CommRegistry | null): Widget<object> {
  if (a instanceof Widget) return a;
  const opt = { description: name, registry };
  if (typeof a === "boolean") return new Checkbox({ ...opt, value: a });
  if (typeof a === "string") return new Text({ ...opt, value: a });
  if (Array.isArray(a) && (a.length === 2 || a.length === 3) && a.every((x) => typeof x === "number")) {
    const [min, max, step] = a as number[];
    if (!(min! < max!)) throw new WidgetPropertyError("interact", name, "[min, max] with min < max", a);
    const ints = (a as number[]).every(Number.isInteger);
    const value = ints ? Math.round((min! + max!) / 2) : (min! + max!) / 2;
    return ints
      ? new IntSlider({ ...opt, min, max, step: step ?? 1, value })
      : new FloatSlider({ ...opt, min, max, step: step ?? (max! - min!) / 100, value });
  }
  if (Array.isArray(a) && a.length > 0) return new Dropdown({ ...opt, options: a as (string | [string, unknown])[] });
  throw new WidgetPropertyError("interact", name, "a widget, [min, max(, step)], a list of options, a boolean or a string", a);
}

function valueOf(w: Widget<object>): unknown {
  return (w as unknown as { value?: unknown }).value;
}

/**
 * Build controls for `params`, call `fn` with their values now and on every change, and show its
 * result (and what it logs) in an Output under the controls. Calls never overlap: a change during
 * a run queues one more run.
 * @example
 * ```ts
 * interact(({ threshold, index }) => `${index} > ${threshold}`, { threshold: [0, 1, 0.05], index: ["NDVI", "NDWI"] });
 * ```
 */
export function interact<P extends Record<string, InteractAbbrev>>(
  fn: (values: { [K in keyof P]: any }) => unknown,
  params: P,
  options: { registry?: CommRegistry | null } = {},
): Interactive {
  const controls: Record<string, Widget<object>> = {};
  for (const [k, a] of Object.entries(params)) controls[k] = controlFor(k, a, options.registry);
  const out = new Output({ registry: options.registry });
  let running: Promise<void> | undefined;
  let again = false;
  const runOnce = async (): Promise<void> => {
    const values = Object.fromEntries(Object.entries(controls).map(([k, w]) => [k, valueOf(w)])) as { [K in keyof P]: unknown };
    out.clearOutput();
    try {
      const result = await out.capture(() => fn(values));
      if (result !== undefined) out.appendDisplayData(result);
    } catch (e) {
      out.appendStderr(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    }
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again);
      running = undefined;
    })();
    return running;
  };
  const w = new Interactive(controls, out, run, options.registry);
  for (const c of Object.values(controls)) {
    const name = "value" in (c as object) ? "value" : undefined;
    if (name) (c.observe as (n: string, f: () => void) => () => void).call(c, name, () => void run());
  }
  void run();
  return w;
}
