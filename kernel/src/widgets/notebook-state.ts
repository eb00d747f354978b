/**
 * The widget state saved in notebook metadata (`metadata.widgets["application/vnd.jupyter.widget-state+json"]`,
 * schema v2 of @jupyter-widgets/schema), built from an `update_states` payload or from this process.
 * @module
 */
import { putBuffers } from "./wire.js";
import { allWidgetStates } from "./widget-store.js";

/** The notebook-metadata key of saved widget state. */
export const WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json";

/** One saved model. */
export interface SavedModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: { path: (string | number)[]; data: string; encoding: "base64" }[];
}

/** The saved widget state of a notebook. */
export interface NotebookWidgetState {
  version_major: 2;
  version_minor: 0;
  state: Record<string, SavedModel>;
}

/**
 * Turn an `update_states` reply of the `jupyter.widget.control` comm (its data and buffers) into
 * the notebook-metadata form, with buffers base64-encoded (the on-disk form; the live path stays binary).
 * `ai4eo run` uses this after executing the last cell.
 * @example
 * ```ts
 * nb.metadata.widgets = { [WIDGET_STATE_MIME]: notebookWidgetState(reply.data, reply.buffers) };
 * ```
 */
export function notebookWidgetState(
  data: { states: Record<string, unknown>; buffer_paths?: (string | number)[][] },
  buffers: Uint8Array[] = [],
): NotebookWidgetState {
  const states = JSON.parse(JSON.stringify(data.states)) as Record<string, { model_name: string; model_module: string; model_module_version: string; state: Record<string, unknown> }>;
  const out: Record<string, SavedModel> = {};
  const perModel = new Map<string, { path: (string | number)[]; data: string; encoding: "base64" }[]>();
  (data.buffer_paths ?? []).forEach((p, i) => {
    const [id, where, ...rest] = p;
    const buf = buffers[i];
    if (typeof id !== "string" || where !== "state" || rest.length === 0 || !buf) {
      throw new TypeError(`update_states buffer_paths[${i}] = ${JSON.stringify(p)} is not of the form [model_id, "state", ...].`);
    }
    let list = perModel.get(id);
    if (!list) perModel.set(id, (list = []));
    list.push({ path: rest, data: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("base64"), encoding: "base64" });
  });
  for (const [id, m] of Object.entries(states)) {
    const saved: SavedModel = { model_name: m.model_name, model_module: m.model_module, model_module_version: m.model_module_version, state: m.state };
    const bufs = perModel.get(id);
    if (bufs) saved.buffers = bufs;
    out[id] = saved;
  }
  return { version_major: 2, version_minor: 0, state: out };
}

/**
 * The saved-state form of every widget alive in this process (for a runner that executes cells in
 * the same process, or a plain Node script that exports a page).
 * @example
 * ```ts
 * const state = currentNotebookWidgetState();
 * ```
 */
export function currentNotebookWidgetState(): NotebookWidgetState {
  const { states, buffer_paths, buffers } = allWidgetStates();
  return notebookWidgetState({ states, buffer_paths }, buffers);
}

/** Decode a saved model's base64 buffers back into its state (for tests and tools). */
export function restoreSavedModel(model: SavedModel): Record<string, unknown> {
  const state = JSON.parse(JSON.stringify(model.state)) as Record<string, unknown>;
  const bufs = model.buffers ?? [];
  return putBuffers(state, bufs.map((b) => b.path), bufs.map((b) => new Uint8Array(Buffer.from(b.data, "base64"))));
}
