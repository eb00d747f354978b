/**
 * The process-wide store of live widgets (shared by every copy of the "ai4eo" package a kernel
 * loads) and the `jupyter.widget.control` comm target through which a front end or a headless
 * runner asks for the state of every widget at once (protocol 2.1.0 `request_states`).
 * @module
 */
import type { CommRegistry } from "../jupyter/comm-types.js";
import { removeBuffers } from "./wire.js";
import type { Widget } from "./widget.js";

const STORE_KEY = Symbol.for("ai4eo.widgets.store");
const CONTROL_KEY = Symbol.for("ai4eo.widgets.controlRegistries");

/** The comm target for all-widget state requests. */
export const WIDGET_CONTROL_TARGET = "jupyter.widget.control";

/** Every widget created in this process and not closed, by model id. */
export function widgetStore(): Map<string, Widget<object>> {
  const g = globalThis as Record<symbol, unknown>;
  let m = g[STORE_KEY] as Map<string, Widget<object>> | undefined;
  if (!m) g[STORE_KEY] = m = new Map();
  return m;
}

/**
 * The full state of every open widget, as one `update_states` payload: `states` (per model id:
 * model name/module/version and state), `buffer_paths` into it, and the binary `buffers`.
 * @example
 * ```ts
 * const { states, buffer_paths, buffers } = allWidgetStates();
 * ```
 */
export function allWidgetStates(): { states: Record<string, unknown>; buffer_paths: (string | number)[][]; buffers: Uint8Array[] } {
  const full: Record<string, unknown> = {};
  for (const [id, w] of widgetStore()) {
    const s = w.snapshot();
    const state = s.state;
    // put the buffers back so that removeBuffers below computes paths relative to the whole payload
    s.buffer_paths.forEach((p, i) => {
      let o = state as Record<string | number, unknown>;
      for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
      o[p[p.length - 1]!] = s.buffers[i];
    });
    full[id] = { model_name: s.model_name, model_module: s.model_module, model_module_version: s.model_module_version, state };
  }
  const split = removeBuffers(full);
  return { states: split.state, buffer_paths: split.buffer_paths, buffers: split.buffers };
}

/** Register the `jupyter.widget.control` target on `registry` once. */
export function ensureControlTarget(registry: CommRegistry): void {
  const g = globalThis as Record<symbol, unknown>;
  let done = g[CONTROL_KEY] as WeakSet<CommRegistry> | undefined;
  if (!done) g[CONTROL_KEY] = done = new WeakSet();
  if (done.has(registry)) return;
  done.add(registry);
  registry.registerTarget(WIDGET_CONTROL_TARGET, (comm) => {
    comm.onMsg((msg) => {
      if (msg.data?.["method"] !== "request_states") {
        console.warn(`ai4eo widgets: ${WIDGET_CONTROL_TARGET} got unknown method ${JSON.stringify(msg.data?.["method"])}; ignored.`);
        return;
      }
      const { states, buffer_paths, buffers } = allWidgetStates();
      comm.send({ method: "update_states", states, buffer_paths }, buffers);
    });
  });
}
