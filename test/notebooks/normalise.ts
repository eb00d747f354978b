// What "the same outputs" means for two runs of a notebook: every code cell's outputs and
// execution count, with timings masked, widget model ids renamed in order of appearance (they are
// random per run), and the widget state (also with renamed ids) alongside.

import { tmpdir } from "node:os";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Out = { [k: string]: Json };
export interface NotebookLike {
  cells: { cell_type: string; outputs?: Out[]; execution_count?: number | null; source?: string | string[] }[];
  metadata?: { [k: string]: Json };
}

const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";
const WIDGET_STATE = "application/vnd.jupyter.widget-state+json";
const MODEL_ID = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/g;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A folder made by mkdtemp (name + 6 random characters) under the OS temp dir, /tmp or /var/tmp. */
const TMP_FOLDER = new RegExp(`(?:${[...new Set([tmpdir(), "/tmp", "/var/tmp"])].map(escapeRegExp).join("|")})\\/[\\w.-]+-[A-Za-z0-9]{6}(?=\\/|\\b)`, "g");

/**
 * What legitimately differs between two runs becomes a placeholder: durations ("1.23 s", "850 ms",
 * "0:00:03") → "<time>", rates ("12.5 tiles/s") → "<rate>", the port of a server a notebook starts
 * on 127.0.0.1 → "<port>", and temporary folders made with mkdtemp under the OS temp dir → "<tmp>".
 */
export function maskTimings(text: string): string {
  return text
    .replace(/\b(127\.0\.0\.1|localhost):\d+/g, "$1:<port>")
    .replace(TMP_FOLDER, "<tmp>")
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|µs|us|s|sec|seconds|min)\b/g, "<time>")
    .replace(/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, "<time>")
    .replace(/\b\d+(?:\.\d+)?\s?[A-Za-z]+\/s\b/g, "<rate>");
}

function joinLines(v: Json): Json {
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return (v as string[]).join("");
  if (Array.isArray(v)) return v.map(joinLines);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "traceback" ? x : joinLines(x)]));
  return v;
}

function mapStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), mapStrings(x, f)]));
  return v;
}

/** Model ids in a deterministic order: views in cell order, then the models they reference (depth first), then the rest by content. */
function orderIds(nb: NotebookLike): string[] {
  const state = ((nb.metadata?.["widgets"] as Out | undefined)?.[WIDGET_STATE] as Out | undefined)?.["state"] as { [id: string]: Json } | undefined ?? {};
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    order.push(id);
    const s = state[id];
    if (s !== undefined) for (const m of JSON.stringify(s).matchAll(MODEL_ID)) visit(m[0]);
  };
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const view = (o["data"] as Out | undefined)?.[WIDGET_VIEW] as Out | undefined;
      if (view && typeof view["model_id"] === "string") visit(view["model_id"]);
      for (const m of JSON.stringify(o).matchAll(MODEL_ID)) visit(m[0]);
    }
  }
  const rest = Object.keys(state).filter((id) => !seen.has(id));
  const canon = (id: string) => JSON.stringify(state[id]).replace(MODEL_ID, (x) => (seen.has(x) ? `W${order.indexOf(x)}` : "W?"));
  rest.sort((a, b) => (canon(a) < canon(b) ? -1 : canon(a) > canon(b) ? 1 : 0));
  for (const id of rest) visit(id);
  return order;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k]!)]));
  return v;
}

/**
 * Consecutive stream outputs of the same name joined into one, as Jupyter front ends show them
 * (`ai4eo run` joins them when saving; nbclient keeps one output per message).
 */
function coalesceStreams(outputs: Out[]): Out[] {
  const out: Out[] = [];
  for (const o of outputs) {
    const last = out[out.length - 1];
    if (last && o["output_type"] === "stream" && last["output_type"] === "stream" && last["name"] === o["name"]) {
      out[out.length - 1] = { ...last, text: String(last["text"]) + String(o["text"]) };
    } else out.push(o);
  }
  return out;
}

/** The comparable form of a notebook run (keys sorted, so key order does not matter). */
export function normaliseRun(nb: NotebookLike): { cells: Json[]; widgets: Json } {
  const ids = new Map(orderIds(nb).map((id, i) => [id, `W${i}`]));
  const f = (s: string): string => maskTimings(s.replace(MODEL_ID, (x) => ids.get(x) ?? x));
  const cells = nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => ({
      execution_count: c.execution_count ?? null,
      outputs: coalesceStreams((c.outputs ?? []).map((o) => {
        const { transient: _t, ...rest } = joinLines(o) as Out;
        return mapStrings(rest, f) as Out;
      })),
    }));
  const state = structuredClone(((nb.metadata?.["widgets"] as Out | undefined)?.[WIDGET_STATE] as Out | undefined)?.["state"] ?? null) as { [id: string]: Out } | null;
  // A binary buffer's place in the state is either absent or null depending on the client (both
  // mean "the buffer at this path"); mark it the same way.
  for (const entry of Object.values(state ?? {})) {
    for (const buf of (entry["buffers"] as { path: (string | number)[] }[] | undefined) ?? []) {
      let at = entry["state"] as Json;
      for (const k of buf.path.slice(0, -1)) at = (at as Out | null)?.[k] ?? null;
      if (at !== null && typeof at === "object") (at as Out)[String(buf.path[buf.path.length - 1])] = "<buffer>";
    }
  }
  return sortKeys({ cells, widgets: mapStrings(state as Json, f) }) as { cells: Json[]; widgets: Json };
}

/** Error outputs and stderr streams of a run, as readable lines (empty when clean). */
export function errorOutputs(nb: NotebookLike): string[] {
  const found: string[] = [];
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      if (o["output_type"] === "error") {
        // eslint-disable-next-line no-control-regex
        const tb = ((o["traceback"] as string[] | undefined) ?? []).join("\n").replace(/\u001b\[[0-9;]*m/g, "");
        found.push(`cell ${i + 1}: ${String(o["ename"])}: ${String(o["evalue"])}\n${tb}`);
      }
      if (o["output_type"] === "stream" && o["name"] === "stderr") found.push(`cell ${i + 1} wrote to stderr: ${String(joinLines(o["text"] ?? ""))}`);
    }
  });
  return found;
}

/** The first difference between two normalised runs, as a path and the two values (for messages). */
export function firstDifference(a: Json, b: Json, path = "$"): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Out)[k] ?? null, (b as Out)[k] ?? null, `${path}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: Json) => { const s = JSON.stringify(v) ?? "undefined"; return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s; };
  return `${path}: ${show(a)} != ${show(b)}`;
}
