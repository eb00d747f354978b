/**
 * Collects Jupyter widget state from iopub comm traffic (target `jupyter.widget`, protocol 2.x),
 * for saving in a notebook's metadata as `application/vnd.jupyter.widget-state+json`.
 *
 * @example
 * ```ts
 * const widgets = new WidgetStateCollector();
 * client.onIopub((m) => widgets.observe(m));
 * nb.metadata.widgets = widgets.notebookMetadata(); // undefined when no widget was created
 * ```
 * @module
 */
import type { JupyterMessage } from "../jupyter/wire.js";

/** One saved widget model, as the widget-state schema (version 2.0) describes it. */
export interface SavedWidget {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: { path: (string | number)[]; data: string; encoding: "base64" }[];
}

type Path = (string | number)[];

function setAt(obj: Record<string, unknown>, path: Path, value: unknown): void {
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    let next = cur[k];
    if (next === null || typeof next !== "object") {
      next = typeof path[i + 1] === "number" ? [] : {};
      cur[k] = next;
    }
    cur = next as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/** Walks a state object and takes out every binary value, returning the JSON part and the buffers. */
function splitBuffers(value: unknown, path: Path, out: { path: Path; data: Uint8Array }[]): unknown {
  if (value instanceof Uint8Array) {
    out.push({ path, data: value });
    return undefined;
  }
  if (Array.isArray(value)) return value.map((v, i) => splitBuffers(v, [...path, i], out));
  if (value !== null && typeof value === "object") {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = splitBuffers(v, [...path, k], out);
      if (s !== undefined || !(v instanceof Uint8Array)) r[k] = s;
    }
    return r;
  }
  return value;
}

/** Keeps the latest state of every live widget model seen on iopub. */
export class WidgetStateCollector {
  readonly #models = new Map<string, { state: Record<string, unknown> }>();
  readonly targetName: string;

  /** @param targetName the comm target of widget models. Default "jupyter.widget". */
  constructor(targetName = "jupyter.widget") {
    this.targetName = targetName;
  }

  /** Feeds one iopub message (others than comm_open/comm_msg/comm_close are ignored). */
  observe(msg: JupyterMessage): void {
    const c = msg.content as { comm_id?: string; target_name?: string; data?: { state?: Record<string, unknown>; buffer_paths?: Path[]; method?: string } };
    const id = c.comm_id;
    if (!id) return;
    switch (msg.header.msg_type) {
      case "comm_open": {
        if (c.target_name !== this.targetName) return;
        const state = { ...(c.data?.state ?? {}) };
        this.#place(state, c.data?.buffer_paths ?? [], msg.buffers);
        this.#models.set(id, { state });
        return;
      }
      case "comm_msg": {
        const model = this.#models.get(id);
        if (!model || c.data?.method !== "update") return;
        const patch = { ...(c.data.state ?? {}) };
        this.#place(patch, c.data.buffer_paths ?? [], msg.buffers);
        Object.assign(model.state, patch);
        return;
      }
      case "comm_close":
        this.#models.delete(id);
        return;
    }
  }

  #place(state: Record<string, unknown>, paths: Path[], buffers: Uint8Array[]): void {
    paths.forEach((p, i) => {
      const b = buffers[i];
      if (b && p.length > 0) setAt(state, p, new Uint8Array(b));
    });
  }

  /** The number of live widget models. */
  get size(): number {
    return this.#models.size;
  }

  /** The saved state of every live model. */
  state(): Record<string, SavedWidget> {
    const out: Record<string, SavedWidget> = {};
    for (const [id, { state }] of this.#models) {
      const buffers: { path: Path; data: Uint8Array }[] = [];
      const json = splitBuffers(state, [], buffers) as Record<string, unknown>;
      out[id] = {
        model_name: String(state._model_name ?? ""),
        model_module: String(state._model_module ?? ""),
        model_module_version: String(state._model_module_version ?? ""),
        state: json,
        ...(buffers.length > 0
          ? { buffers: buffers.map((b) => ({ path: b.path, data: Buffer.from(b.data).toString("base64"), encoding: "base64" as const })) }
          : {}),
      };
    }
    return out;
  }

  /** The notebook `metadata.widgets` value, or undefined when no widget is live. */
  notebookMetadata(): Record<string, unknown> | undefined {
    if (this.#models.size === 0) return undefined;
    return { "application/vnd.jupyter.widget-state+json": { version_major: 2, version_minor: 0, state: this.state() } };
  }
}
