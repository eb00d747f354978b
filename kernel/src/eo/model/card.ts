/**
 * Model cards: what a model expects (bands, patch size, normalization) and what it gives (classes,
 * regressed quantity), how it was trained and how well it does. Read from the ONNX
 * `metadata_props` key `ai4eo.card` or from a sidecar `<model>.card.json`.
 * @module
 */
import { ModelCardError } from "./errors.js";
import { findBand, getSensor } from "../sensors/sensor.js";

/** What a model does. */
export type ModelTask = "classification" | "segmentation" | "regression";

/** One output class. */
export interface ModelClass {
  index: number;
  name: string;
  /** CSS colour for maps, e.g. `"#1f4e9c"`. */
  color?: string;
  description?: string;
}

/** Per-band normalization applied to raw pixel values before the model sees them. */
export type Normalization =
  /** `x' = (x - mean[b]) / std[b]` */
  | { type: "meanstd"; mean: number[]; std: number[]; appliesTo?: string }
  /** `x' = x * scale[b] + offset[b]` */
  | { type: "scaleoffset"; scale: number[]; offset: number[]; appliesTo?: string }
  /** no change */
  | { type: "none"; appliesTo?: string };

/** The model's tensor input. */
export interface ModelCardInput {
  /** ONNX input name. */
  name: string;
  /** Only float32 is supported. */
  dtype: "float32";
  layout: "NCHW";
  /** Fixed `[height, width]` of a patch, or null for fully convolutional models (any size). */
  patchSize: [number, number] | null;
  /** Pixels at each tile edge that lack full context (fully convolutional models); default 0. */
  halo?: number;
  note?: string;
}

/** The model's primary output. */
export interface ModelCardOutput {
  /** ONNX output name. */
  name: string;
  /** `logits` (softmax gives probabilities), `probabilities`, `value` (regression) or `mean-logvar`. */
  kind: "logits" | "probabilities" | "value" | "mean-logvar";
  /** `NK` (one prediction per patch), `NKHW` (per pixel), `N2HW` (mean, log-variance per pixel), `N1HW`, `N1`, `N2`. */
  layout: "NK" | "NKHW" | "N1" | "N2" | "N1HW" | "N2HW";
  /** Regression: the quantity, e.g. "elevation". */
  quantity?: string;
  /** Regression: its unit, e.g. "m". */
  unit?: string;
  note?: string;
}

/** A model card (schema `ai4eo.model-card/1`). Unknown extra fields are kept. */
export interface ModelCard {
  schema?: string;
  name: string;
  version?: string;
  task: ModelTask;
  summary?: string;
  /** Stated limits of the model, e.g. "demonstration baseline". */
  disclaimer?: string;
  sensor?: string;
  /** Id of a registered sensor (see `getSensor`, e.g. "landsat-7-etm"); its band names, common names and aliases then match too. */
  sensorId?: string;
  /** Band identifiers in input order, e.g. `["B1", "B2", "B3"]`. */
  bands: string[];
  /** Common band names in input order, e.g. `["blue", "green", "red"]` (also accepted when matching). */
  bandNames?: string[];
  normalization: Normalization;
  input: ModelCardInput;
  output: ModelCardOutput;
  /** Classes, for classification and segmentation. */
  classes?: ModelClass[];
  /** Set when the graph has a boolean input that keeps Dropout active. */
  mcDropout?: { input: string; p?: number; note?: string } | null;
  training?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  /** Held-out metrics, e.g. `{ overallAccuracy: 0.9 }` or `{ rmse: 11.8 }`. */
  metrics?: Record<string, unknown>;
  licence?: string;
  authors?: string;
  [extra: string]: unknown;
}

const TASKS: readonly ModelTask[] = ["classification", "segmentation", "regression"];
const KINDS = ["logits", "probabilities", "value", "mean-logvar"] as const;
const LAYOUTS = ["NK", "NKHW", "N1", "N2", "N1HW", "N2HW"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function numbers(v: unknown, n: number, field: string, source: string, positive = false): number[] {
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== "number" || !Number.isFinite(x) || (positive && x <= 0))) {
    throw new ModelCardError(
      `Model card ${source}: "${field}" must be ${n} finite${positive ? " positive" : ""} numbers (one per band), got ${JSON.stringify(v)}.`,
      source, field,
    );
  }
  return v as number[];
}

/**
 * Checks a parsed JSON value and returns it as a {@link ModelCard}.
 * @param value the parsed card JSON
 * @param source where it came from, for error messages (file name or "metadata_props")
 * @throws {ModelCardError} naming the field that is missing or wrong
 * @example
 * ```ts
 * const card = parseModelCard(JSON.parse(readFileSync("data/models/olinda-segmenter.card.json", "utf8")), "olinda-segmenter.card.json");
 * card.bands; // ["B1", "B2", "B3", "B4", "B5", "B7"]
 * ```
 */
export function parseModelCard(value: unknown, source: string): ModelCard {
  const need = (cond: boolean, field: string, what: string): void => {
    if (!cond) throw new ModelCardError(`Model card ${source}: "${field}" ${what}. See data/models/*.card.json for a complete example.`, source, field);
  };
  need(isRecord(value), "(root)", "must be a JSON object");
  const c = value as Record<string, unknown>;
  need(typeof c.name === "string" && c.name.length > 0, "name", "must be a non-empty string");
  need(TASKS.includes(c.task as ModelTask), "task", `must be one of ${TASKS.join(", ")} (got ${JSON.stringify(c.task)})`);
  need(Array.isArray(c.bands) && c.bands.length > 0 && c.bands.every((b) => typeof b === "string"), "bands", "must list the input band names in order");
  const bands = c.bands as string[];
  if (c.bandNames !== undefined) {
    need(Array.isArray(c.bandNames) && c.bandNames.length === bands.length && c.bandNames.every((b) => typeof b === "string"),
      "bandNames", `must be ${bands.length} strings, one per band`);
  }
  if (c.sensorId !== undefined) {
    need(typeof c.sensorId === "string", "sensorId", "must be a sensor id string");
    let sensor;
    try {
      sensor = getSensor(c.sensorId as string);
    } catch (e) {
      throw new ModelCardError(`Model card ${source}: ${(e as Error).message}`, source, "sensorId");
    }
    for (const b of bands) {
      try {
        findBand(sensor, b);
      } catch {
        throw new ModelCardError(`Model card ${source}: band "${b}" is not a band of sensor ${sensor.id} (${sensor.bands.map((x) => x.name).join(", ")}).`, source, "bands");
      }
    }
  }
  need(isRecord(c.normalization), "normalization", 'must be an object, e.g. {"type": "meanstd", "mean": [...], "std": [...]}');
  const norm = c.normalization as Record<string, unknown>;
  if (norm.type === "meanstd") {
    numbers(norm.mean, bands.length, "normalization.mean", source);
    numbers(norm.std, bands.length, "normalization.std", source, true);
  } else if (norm.type === "scaleoffset") {
    numbers(norm.scale, bands.length, "normalization.scale", source);
    numbers(norm.offset, bands.length, "normalization.offset", source);
  } else need(norm.type === "none", "normalization.type", `must be "meanstd", "scaleoffset" or "none" (got ${JSON.stringify(norm.type)})`);
  need(isRecord(c.input), "input", 'must be an object with "name", "dtype", "layout", "patchSize"');
  const input = c.input as Record<string, unknown>;
  need(typeof input.name === "string", "input.name", "must name the ONNX input");
  need(input.dtype === "float32", "input.dtype", `must be "float32" (got ${JSON.stringify(input.dtype)})`);
  need(input.layout === "NCHW", "input.layout", `must be "NCHW" (got ${JSON.stringify(input.layout)})`);
  need(input.patchSize === null || input.patchSize === undefined ||
    (Array.isArray(input.patchSize) && input.patchSize.length === 2 && input.patchSize.every((v) => Number.isInteger(v) && (v as number) > 0)),
  "input.patchSize", "must be [height, width] in pixels, or null for any size");
  if (input.patchSize === undefined) input.patchSize = null;
  need(input.halo === undefined || (Number.isInteger(input.halo) && (input.halo as number) >= 0), "input.halo", "must be a non-negative integer");
  need(isRecord(c.output), "output", 'must be an object with "name", "kind", "layout"');
  const output = c.output as Record<string, unknown>;
  need(typeof output.name === "string", "output.name", "must name the ONNX output");
  need(KINDS.includes(output.kind as never), "output.kind", `must be one of ${KINDS.join(", ")} (got ${JSON.stringify(output.kind)})`);
  need(LAYOUTS.includes(output.layout as never), "output.layout", `must be one of ${LAYOUTS.join(", ")} (got ${JSON.stringify(output.layout)})`);
  if (c.task !== "regression") {
    need(Array.isArray(c.classes) && c.classes.length > 0, "classes", `must list the classes of a ${String(c.task)} model`);
    (c.classes as unknown[]).forEach((k, i) => {
      need(isRecord(k) && k.index === i && typeof k.name === "string", `classes[${i}]`, `must be {"index": ${i}, "name": "..."}`);
    });
  }
  if (c.task === "classification") need(input.patchSize !== null, "input.patchSize", "must be fixed for a patch classifier");
  if (c.mcDropout !== undefined && c.mcDropout !== null) {
    need(isRecord(c.mcDropout) && typeof (c.mcDropout as Record<string, unknown>).input === "string", "mcDropout.input", "must name the boolean ONNX input");
  }
  return c as unknown as ModelCard;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(4);
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The headline metrics of a card (numbers only), e.g. `[["overallAccuracy", 0.89], ...]`. */
function headline(card: ModelCard): [string, number][] {
  return Object.entries(card.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === "number");
}

/**
 * The card as Markdown (what `text/markdown` shows).
 * @example
 * ```ts
 * console.log(cardMarkdown(model.card));
 * ```
 */
export function cardMarkdown(card: ModelCard): string {
  const lines: string[] = [`### ${card.name}${card.version ? ` v${card.version}` : ""} — ${card.task}`];
  if (card.summary) lines.push("", card.summary);
  if (card.disclaimer) lines.push("", `> **Note:** ${card.disclaimer}`);
  lines.push("", "| | |", "|---|---|");
  if (card.sensor) lines.push(`| Sensor | ${card.sensor} |`);
  lines.push(`| Bands (in order) | ${card.bands.map((b, i) => (card.bandNames?.[i] ? `${b} (${card.bandNames[i]})` : b)).join(", ")} |`);
  lines.push(`| Input | \`${card.input.name}\` float32 NCHW, ${card.input.patchSize ? `${card.input.patchSize[0]}×${card.input.patchSize[1]} patches` : `any size${card.input.halo ? `, halo ${card.input.halo} px` : ""}`} |`);
  const n = card.normalization;
  lines.push(`| Normalization | ${n.type === "meanstd" ? `(x − mean) / std, mean [${n.mean.map((v) => v.toFixed(2)).join(", ")}], std [${n.std.map((v) => v.toFixed(2)).join(", ")}]` : n.type === "scaleoffset" ? `x · scale + offset, scale [${n.scale.join(", ")}], offset [${n.offset.join(", ")}]` : "none"} |`);
  lines.push(`| Output | \`${card.output.name}\` ${card.output.kind} ${card.output.layout}${card.output.quantity ? `: ${card.output.quantity}${card.output.unit ? ` (${card.output.unit})` : ""}` : ""} |`);
  if (card.classes) lines.push(`| Classes | ${card.classes.map((c) => `${c.index} ${c.name}`).join(", ")} |`);
  if (card.mcDropout) lines.push(`| MC dropout | input \`${card.mcDropout.input}\`${card.mcDropout.p !== undefined ? `, p = ${card.mcDropout.p}` : ""} |`);
  const split = typeof card.evaluation?.split === "string" ? ` (${card.evaluation.split} split)` : "";
  const h = headline(card);
  if (h.length) lines.push(`| Metrics${split} | ${h.map(([k, v]) => `${k} ${fmt(v)}`).join(", ")} |`);
  if (card.licence) lines.push(`| Licence | ${card.licence} |`);
  return lines.join("\n");
}

/**
 * The card as an HTML table (what `text/html` shows), with class colour swatches.
 * @example
 * ```ts
 * const html = cardHtml(model.card);
 * ```
 */
export function cardHtml(card: ModelCard): string {
  const row = (k: string, v: string): string => `<tr><th style="text-align:left;vertical-align:top">${esc(k)}</th><td style="text-align:left">${v}</td></tr>`;
  const rows: string[] = [];
  if (card.sensor) rows.push(row("Sensor", esc(card.sensor)));
  rows.push(row("Bands (in order)", esc(card.bands.map((b, i) => (card.bandNames?.[i] ? `${b} (${card.bandNames[i]})` : b)).join(", "))));
  rows.push(row("Input", esc(`${card.input.name}: float32 NCHW, ${card.input.patchSize ? `${card.input.patchSize[0]}×${card.input.patchSize[1]} patches` : `any size${card.input.halo ? `, halo ${card.input.halo} px` : ""}`}`)));
  const n = card.normalization;
  rows.push(row("Normalization", esc(n.type === "meanstd" ? `(x − mean) / std; mean [${n.mean.map((v) => v.toFixed(2)).join(", ")}]; std [${n.std.map((v) => v.toFixed(2)).join(", ")}]` : n.type === "scaleoffset" ? `x·scale + offset` : "none")));
  rows.push(row("Output", esc(`${card.output.name}: ${card.output.kind} ${card.output.layout}${card.output.quantity ? ` — ${card.output.quantity}${card.output.unit ? ` (${card.output.unit})` : ""}` : ""}`)));
  if (card.classes) {
    rows.push(row("Classes", card.classes.map((c) =>
      `<span style="white-space:nowrap"><span style="display:inline-block;width:0.9em;height:0.9em;background:${esc(c.color ?? "#888")};vertical-align:middle"></span> ${c.index} ${esc(c.name)}</span>`).join(" &nbsp; ")));
  }
  if (card.mcDropout) rows.push(row("MC dropout", esc(`input ${card.mcDropout.input}${card.mcDropout.p !== undefined ? `, p = ${card.mcDropout.p}` : ""}`)));
  const h = headline(card);
  const split = typeof card.evaluation?.split === "string" ? ` (${card.evaluation.split})` : "";
  if (h.length) rows.push(row(`Metrics${split}`, esc(h.map(([k, v]) => `${k} ${fmt(v)}`).join(", "))));
  if (card.licence) rows.push(row("Licence", esc(card.licence)));
  return `<div class="ai4eo-model-card"><h4>${esc(card.name)}${card.version ? ` v${esc(card.version)}` : ""} — ${esc(card.task)}</h4>` +
    (card.summary ? `<p>${esc(card.summary)}</p>` : "") +
    (card.disclaimer ? `<p style="border-left:3px solid #c90;padding-left:0.5em"><b>Note:</b> ${esc(card.disclaimer)}</p>` : "") +
    `<table>${rows.join("")}</table></div>`;
}
