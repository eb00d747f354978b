/**
 * `link` and `dlink` keep properties of two widgets in step in the kernel (like ipywidgets'
 * `link`/`dlink`); `jslink`/`jsdlink` do it in the browser (also in exported pages).
 * @module
 */
import { Widget, widgetRef, type WidgetOptions } from "./widget.js";
import { WidgetPropertyError } from "./errors.js";
import { controlIdentity } from "./controls/common.js";

/** A `[widget, property]` pair. */
export type Endpoint<W extends Widget<object> = Widget<object>> = readonly [W, string];

function getProp(w: Widget<object>, name: string): unknown {
  return (w as unknown as Record<string, unknown>)[name];
}
function setProp(w: Widget<object>, name: string, v: unknown): void {
  (w as unknown as Record<string, unknown>)[name] = v;
}
function watch(w: Widget<object>, name: string, fn: (v: unknown) => void): () => void {
  return (w.observe as (n: string, f: (c: { new: unknown }) => void) => () => void).call(w, name, (c) => fn(c.new));
}

/**
 * Link two properties both ways: a change of either sets the other. The target takes the source's
 * value at once. Returns a function that removes the link.
 * @example
 * ```ts
 * const a = new IntSlider(); const b = new IntSlider();
 * const unlink = link([a, "value"], [b, "value"]);
 * a.value = 7; // b.value === 7
 * ```
 */
export function link(source: Endpoint, target: Endpoint): () => void {
  let busy = false;
  const guard = (f: () => void): void => {
    if (busy) return;
    busy = true;
    try { f(); } finally { busy = false; }
  };
  guard(() => setProp(target[0], target[1], getProp(source[0], source[1])));
  const u1 = watch(source[0], source[1], (v) => guard(() => setProp(target[0], target[1], v)));
  const u2 = watch(target[0], target[1], (v) => guard(() => setProp(source[0], source[1], v)));
  return () => { u1(); u2(); };
}

/**
 * Link one way: a change of the source sets the target, through an optional `transform`
 * (default identity). Returns a function that removes the link.
 * @example
 * ```ts
 * dlink([slider, "value"], [label, "value"], (v) => `k = ${v}`);
 * ```
 */
export function dlink(source: Endpoint, target: Endpoint, transform: (v: never) => unknown = (v) => v): () => void {
  const t = transform as (v: unknown) => unknown;
  setProp(target[0], target[1], t(getProp(source[0], source[1])));
  return watch(source[0], source[1], (v) => setProp(target[0], target[1], t(v)));
}

/**
 * A link kept by the browser (@jupyter-widgets/controls `LinkModel` / `DirectionalLinkModel`):
 * it works without a kernel too, e.g. in pages written by `ai4eo export`. Link synced fields only
 * (for a Dropdown, `index`, not `value`). `close()` removes it.
 */
export class BrowserLink extends Widget<{ source: [Widget<object>, string]; target: [Widget<object>, string] }> {
  constructor(model: "LinkModel" | "DirectionalLinkModel", source: Endpoint, target: Endpoint, options: WidgetOptions = {}) {
    const check = (v: unknown) => (Array.isArray(v) && v.length === 2 && v[0] instanceof Widget && typeof v[1] === "string" ? undefined : "a [widget, field name] pair");
    const spec = { check, viewWritable: false, toJson: (v: unknown) => [widgetRef((v as [Widget<object>, string])[0]), (v as [Widget<object>, string])[1]] };
    for (const [w, name] of [source, target]) {
      if (!(name in (w.snapshot().state))) throw new WidgetPropertyError("jslink", name, `a synced field of ${w.kind} (${Object.keys(w.snapshot().state).filter((k) => !k.startsWith("_")).join(", ")})`, name);
    }
    super(model === "LinkModel" ? "jslink" : "jsdlink", { ...controlIdentity(model, null) }, { source: spec, target: spec },
      { source: [source[0], source[1]], target: [target[0], target[1]] }, options);
  }
}

/**
 * Link two synced fields both ways in the browser (works in exported pages without a kernel).
 * @example
 * ```ts
 * jslink([a, "value"], [b, "value"]);
 * ```
 */
export function jslink(source: Endpoint, target: Endpoint, options: WidgetOptions = {}): BrowserLink {
  return new BrowserLink("LinkModel", source, target, options);
}

/**
 * Link one way in the browser: changes of `source` set `target` (works in exported pages).
 * @example
 * ```ts
 * jsdlink([slider, "value"], [progress, "value"]);
 * ```
 */
export function jsdlink(source: Endpoint, target: Endpoint, options: WidgetOptions = {}): BrowserLink {
  return new BrowserLink("DirectionalLinkModel", source, target, options);
}
