/**
 * `link` and `dlink`: keep properties of two widgets in step, in the kernel (like ipywidgets'
 * `link`/`dlink`).
 * @module
 */
import type { Widget } from "./widget.js";

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
