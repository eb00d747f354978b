/**
 * A patch benchmark dataset (EuroSAT, So2Sat LCZ42, a manifest, the Olinda benchmark): samples with
 * labels and splits, reproducible splitting, per-band statistics, batching, a sample grid and an
 * arquero table. Loaders describe a dataset as data (entries + a `load` function).
 * @module
 */
import type { ColumnTable } from "arquero";
import { arquero, pngEncoder } from "../lazy-deps.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";
import type { Raster } from "../raster/raster.js";
import type { Bounds, Window } from "../raster/types.js";
import type { Normalization } from "../model/card.js";
import type { Tensor } from "../model/tensor.js";
import { DatasetError, SampleReadError } from "./errors.js";
import { assignSplits, seededRandom, seededShuffle, type SplitOptions } from "./splits.js";

/** One sample as listed (pixels not yet read). */
export interface DatasetEntry {
  id: string;
  /** Class index, or null when unlabelled. */
  label: number | null;
  /** Split name ("train", "val", "test", …) or null. */
  split: string | null;
  /** File the pixels come from, if any. */
  path?: string;
  /** Pixel window inside `path`, if the sample is part of a larger raster. */
  window?: Window;
  /** Footprint in the data's CRS, when known (used for spatial splits). */
  bounds?: Bounds | null;
}

/** A sample with its pixels. */
export interface Sample extends DatasetEntry {
  raster: Raster;
}

/** What a loader gives to build a {@link PatchDataset}. */
export interface PatchDatasetInit {
  name: string;
  /** Class names by index. */
  classes: string[];
  /** Band names in the order the samples hold them. */
  bands: string[];
  entries: DatasetEntry[];
  /** Reads the pixels of one entry. */
  load: (entry: DatasetEntry, signal?: AbortSignal) => Promise<Raster>;
  /** Band numbers (1-based) shown as red, green, blue in the sample grid. Default the first three. */
  rgb?: [number, number, number];
  /** Releases open files. */
  close?: () => Promise<void>;
  /** Free text: source, licence, layout. */
  description?: string;
  /** Size [height, width] every sample must have (another size is a {@link SampleReadError}); null or absent: any. */
  patchSize?: readonly [number, number] | null;
  /** Added to the error of a sample with another band count: how to tell the loader the right one. */
  bandsHint?: string;
}

/** A sample that could not be read and was left out. */
export interface SampleProblem {
  id: string;
  path?: string;
  message: string;
}

/** Options of {@link PatchDataset.samples}. */
export interface SamplesOptions {
  /** "report" (default): leave unreadable samples out and list them in `problems`; "throw": stop at the first. */
  onError?: "report" | "throw";
  /** Aborts between samples. */
  signal?: AbortSignal;
  /** Visit samples in a seeded random order (seed) instead of dataset order. Default: dataset order. */
  shuffleSeed?: number;
}

/** Options of {@link PatchDataset.batches}. */
export interface BatchOptions extends SamplesOptions {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Normalization applied to the pixels (e.g. a model card's, or `bandStats()`). Default none. */
  normalization?: Normalization;
}

/** One batch: an N×C×H×W float32 tensor, labels (−1 where unknown) and ids. */
export interface Batch {
  tensor: Tensor;
  labels: Int32Array;
  ids: string[];
}

/** Per-band statistics over a dataset's pixels. */
export interface BandStatistics {
  bands: string[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** Pixels per band that entered the statistics. */
  pixels: number;
  /** As a `meanstd` normalization, ready for a model card. */
  normalization: Normalization;
}

/** The largest thumbnail side {@link PatchDataset.sampleGrid} draws (patch side × scale). */
export const MAX_THUMBNAIL_SIDE = 4096;

/**
 * A patch dataset. Built by `openEuroSat`, `openSo2Sat`, `openManifest` (or directly from
 * entries and a load function). Iterating it yields samples; unreadable samples are reported in
 * {@link PatchDataset.problems} and skipped unless `onError: "throw"`.
 *
 * @example
 * ```ts
 * const ds = await openEuroSat("EuroSAT_MS");
 * const split = ds.withRandomSplit({ seed: 42 });
 * const stats = await split.split("train").bandStats();
 * for await (const b of split.split("train").batches({ batchSize: 64, normalization: stats.normalization })) train(b);
 * ds.toTable().groupby("class").count();
 * ```
 */
export class PatchDataset implements AsyncIterable<Sample> {
  readonly name: string;
  readonly classes: string[];
  readonly bands: string[];
  readonly entries: readonly DatasetEntry[];
  readonly description: string;
  /** Samples that could not be read so far (filled while iterating). */
  readonly problems: SampleProblem[];
  readonly #init: PatchDatasetInit;

  constructor(init: PatchDatasetInit, problems: SampleProblem[] = []) {
    this.#init = init;
    this.name = init.name;
    this.classes = init.classes;
    this.bands = init.bands;
    this.entries = init.entries;
    this.description = init.description ?? "";
    this.problems = problems;
  }

  /** Number of samples. */
  get length(): number {
    return this.entries.length;
  }

  /** Split names present, in first-seen order. */
  get splits(): string[] {
    return [...new Set(this.entries.map((e) => e.split).filter((s): s is string => s !== null))];
  }

  #derive(entries: DatasetEntry[]): PatchDataset {
    return new PatchDataset({ ...this.#init, entries }, this.problems);
  }

  /**
   * Reads sample `i` (throws on failure).
   * @throws {SampleReadError} naming the sample and file
   * @example
   * ```ts
   * const s = await ds.get(0);
   * s.raster.width; // 64
   * ```
   */
  async get(i: number, signal?: AbortSignal): Promise<Sample> {
    const e = this.entries[i];
    if (!e) throw new DatasetError(`Sample ${i} is out of range: ${this.name} has ${this.length} samples.`, "");
    try {
      const raster = await this.#init.load(e, signal);
      if (raster.count !== this.bands.length) {
        throw new SampleReadError(`Sample ${e.id}${e.path ? ` (${e.path})` : ""} has ${raster.count} bands; ${this.name} samples have ${this.bands.length} (${this.bands.join(", ")}).${this.#init.bandsHint ? ` ${this.#init.bandsHint}` : ""}`, e.id, e.path);
      }
      const size = this.#init.patchSize;
      if (size && (raster.height !== size[0] || raster.width !== size[1])) {
        throw new SampleReadError(`Sample ${e.id}${e.path ? ` (${e.path})` : ""} is ${raster.height}×${raster.width} pixels; ${this.name} samples are ${size[0]}×${size[1]}.`, e.id, e.path);
      }
      return { ...e, raster };
    } catch (err) {
      if (err instanceof SampleReadError || (err as Error)?.name === "AbortError") throw err;
      throw new SampleReadError(`Cannot read sample ${e.id}${e.path ? ` from ${e.path}` : ""}: ${(err as Error).message}`, e.id, e.path, { cause: err });
    }
  }

  /**
   * The samples with their pixels, in order (or seeded shuffled order). Unreadable samples are
   * skipped and listed in `problems` (one warning line each), unless `onError: "throw"`.
   * @example
   * ```ts
   * const res = await classify(model, ds.split("test").samples());
   * ```
   */
  async *samples(options: SamplesOptions = {}): AsyncGenerator<Sample> {
    const order = options.shuffleSeed === undefined
      ? this.entries.map((_, i) => i)
      : seededShuffle(this.entries.map((_, i) => i), seededRandom(options.shuffleSeed));
    for (const i of order) {
      options.signal?.throwIfAborted();
      try {
        yield await this.get(i, options.signal);
      } catch (err) {
        if (options.onError === "throw" || !(err instanceof SampleReadError)) throw err;
        // (each unreadable sample is listed and warned about once, however often it is visited)
        const e = err;
        if (!this.problems.some((p) => p.id === e.id && p.path === e.path)) {
          this.problems.push({ id: e.id, path: e.path, message: e.message });
          process.emitWarning(e.message, { code: "AI4EO_SAMPLE_SKIPPED" });
        }
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Sample> {
    return this.samples();
  }

  /**
   * Only the samples of one split.
   * @example
   * ```ts
   * const test = ds.split("test");
   * ```
   */
  split(name: string): PatchDataset {
    return this.#derive(this.entries.filter((e) => e.split === name));
  }

  /**
   * The samples for which `predicate` is true.
   * @example
   * ```ts
   * const forest = ds.filter((e) => ds.classes[e.label!] === "Forest");
   * ```
   */
  filter(predicate: (entry: DatasetEntry, index: number) => boolean): PatchDataset {
    return this.#derive(this.entries.filter(predicate));
  }

  /**
   * A copy with new seeded splits: stratified by class, or spatially disjoint blocks with
   * `blockSize` (needs sample footprints).
   * @example
   * ```ts
   * const s = ds.withRandomSplit({ ratios: { train: 0.7, test: 0.3 }, seed: 1 });
   * ```
   */
  withRandomSplit(options: SplitOptions = {}): PatchDataset {
    const names = assignSplits(this.entries.map((e) => e.label), this.entries.map((e) => e.bounds ?? null), options);
    return this.#derive(this.entries.map((e, i) => ({ ...e, split: names[i]! })));
  }

  /**
   * The samples as an arquero table: id, label, class, split, path, window and footprint columns.
   * @example
   * ```ts
   * ds.toTable().groupby("split", "class").count();
   * ```
   */
  toTable(): ColumnTable {
    const e = this.entries;
    return arquero().table({
      id: e.map((x) => x.id),
      label: e.map((x) => x.label),
      class: e.map((x) => (x.label === null ? null : this.classes[x.label] ?? null)),
      split: e.map((x) => x.split),
      path: e.map((x) => x.path ?? null),
      col: e.map((x) => x.window?.col ?? null),
      row: e.map((x) => x.window?.row ?? null),
      minx: e.map((x) => x.bounds?.minX ?? null),
      miny: e.map((x) => x.bounds?.minY ?? null),
      maxx: e.map((x) => x.bounds?.maxX ?? null),
      maxy: e.map((x) => x.bounds?.maxY ?? null),
    });
  }

  /**
   * Per-band mean, standard deviation (population), min and max over all pixels of (up to
   * `maxSamples` seeded-random) samples. NaN pixels are skipped.
   * @example
   * ```ts
   * const { normalization } = await ds.split("train").bandStats();
   * ```
   */
  async bandStats(options: { maxSamples?: number; seed?: number; signal?: AbortSignal } = {}): Promise<BandStatistics> {
    const c = this.bands.length;
    const sum = new Float64Array(c);
    const sq = new Float64Array(c);
    const min = new Array<number>(c).fill(Infinity);
    const max = new Array<number>(c).fill(-Infinity);
    const cnt = new Float64Array(c);
    let ds: PatchDataset = this;
    if (options.maxSamples !== undefined && !(Number.isInteger(options.maxSamples) && options.maxSamples > 0)) {
      throw new DatasetError(`bandStats: maxSamples must be a positive integer; got ${options.maxSamples}.`, "");
    }
    if (options.maxSamples !== undefined && options.maxSamples < this.length) {
      const pick = seededShuffle(this.entries, seededRandom(options.seed ?? 0)).slice(0, options.maxSamples);
      ds = this.#derive(pick);
    }
    // two-level sums per sample keep float64 error small
    let read = 0;
    const problemsBefore = new Set(this.problems.map((p) => p.id));
    for await (const s of ds.samples({ signal: options.signal })) {
      read++;
      for (let b = 0; b < c; b++) {
        const a = s.raster.band(b + 1);
        let s1 = 0;
        let s2 = 0;
        let n = 0;
        let lo = min[b]!;
        let hi = max[b]!;
        for (let i = 0; i < a.length; i++) {
          const v = a[i]!;
          if (v !== v) continue;
          s1 += v;
          s2 += v * v;
          n++;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        sum[b]! += s1;
        sq[b]! += s2;
        cnt[b]! += n;
        min[b] = lo;
        max[b] = hi;
      }
    }
    const empty = cnt.findIndex((v) => v === 0);
    if (c === 0 || empty >= 0) {
      const skipped = ds.entries.filter((e) => this.problems.some((p) => p.id === e.id) || problemsBefore.has(e.id)).length;
      const why = ds.length === 0 ? "it has no samples (an empty split or filter? check the split name)"
        : read === 0 ? `none of its ${ds.length} samples could be read (${skipped} skipped: see problems${this.problems[0] ? `; the first: ${this.problems[0].message}` : ""})`
          : c === 0 ? "it has no bands" : `band ${this.bands[empty]} is NaN in every pixel of the ${read} samples read`;
      throw new DatasetError(`No readable pixels in ${this.name}: ${why}. Cannot compute band statistics.`, "");
    }
    const mean = Array.from(sum, (v, b) => v / cnt[b]!);
    const std = Array.from(sq, (v, b) => Math.sqrt(Math.max(0, v / cnt[b]! - mean[b]! ** 2)));
    return { bands: this.bands.slice(), mean, std, min, max, pixels: cnt[0]!, normalization: { type: "meanstd", mean, std: std.map((s) => (s > 0 ? s : 1)) } };
  }

  /**
   * Batches of samples as N×C×H×W float32 tensors (normalized when asked), with labels and ids.
   * All samples must share one size.
   * @example
   * ```ts
   * for await (const { tensor, labels } of ds.batches({ batchSize: 64, normalization: model.card.normalization })) {
   *   const logits = await model.predict(tensor);
   * }
   * ```
   */
  async *batches(options: BatchOptions = {}): AsyncGenerator<Batch> {
    const bs = options.batchSize ?? 32;
    if (!(Number.isInteger(bs) && bs > 0)) throw new DatasetError(`batches: batchSize must be a positive integer; got ${bs}.`, "");
    const c = this.bands.length;
    const norm = options.normalization ?? { type: "none" as const };
    checkNormalization(norm, this.bands, this.name);
    let buf: Sample[] = [];
    const make = (items: Sample[]): Batch => {
      const { width: w, height: h } = items[0]!.raster;
      const data = new Float32Array(items.length * c * w * h);
      items.forEach((s, n) => {
        if (s.raster.width !== w || s.raster.height !== h) {
          throw new SampleReadError(`Sample ${s.id} is ${s.raster.width}×${s.raster.height}, but this batch holds ${w}×${h} samples; batch samples of one size.`, s.id, s.path);
        }
        for (let b = 0; b < c; b++) {
          const a = s.raster.band(b + 1);
          const [m, ad] = norm.type === "meanstd" ? [1 / norm.std[b]!, -norm.mean[b]! / norm.std[b]!] : norm.type === "scaleoffset" ? [norm.scale[b]!, norm.offset[b]!] : [1, 0];
          const o = (n * c + b) * w * h;
          for (let i = 0; i < w * h; i++) data[o + i] = a[i]! * m + ad;
        }
      });
      return { tensor: { data, dims: [items.length, c, h, w] }, labels: Int32Array.from(items, (s) => s.label ?? -1), ids: items.map((s) => s.id) };
    };
    for await (const s of this.samples(options)) {
      buf.push(s);
      if (buf.length === bs) {
        yield make(buf);
        buf = [];
      }
    }
    if (buf.length) yield make(buf);
  }

  /**
   * A grid of the first `count` samples (seeded random with `seed`) as RGB thumbnails with class captions.
   * @example
   * ```ts
   * await ds.sampleGrid({ count: 16 }); // displays in a notebook
   * ```
   */
  async sampleGrid(options: { count?: number; seed?: number; rgb?: [number, number, number]; scale?: number } = {}): Promise<SampleGrid> {
    const count = options.count ?? 16;
    const scale = options.scale ?? 2;
    if (!(Number.isInteger(count) && count >= 0)) throw new DatasetError(`sampleGrid: count must be a non-negative integer; got ${count}.`, "");
    if (!(Number.isInteger(scale) && scale > 0)) throw new DatasetError(`sampleGrid: scale must be a positive integer (pixels per sample pixel); got ${scale}.`, "");
    const rgb = options.rgb ?? this.#init.rgb ?? [1, 2, 3].map((b) => Math.min(b, this.bands.length)) as [number, number, number];
    const entries = options.seed === undefined ? this.entries.slice(0, count) : seededShuffle(this.entries, seededRandom(options.seed)).slice(0, count);
    const samples: Sample[] = [];
    for await (const s of this.#derive(entries).samples()) samples.push(s);
    // one 2–98 % stretch per channel over all shown samples
    const ranges = rgb.map((b) => {
      const vals: number[] = [];
      for (const s of samples) {
        const a = s.raster.band(b);
        for (let i = 0; i < a.length; i += Math.max(1, Math.floor(a.length / 512))) if (a[i] === a[i]) vals.push(a[i]!);
      }
      vals.sort((x, y) => x - y);
      return [vals[Math.floor(vals.length * 0.02)] ?? 0, vals[Math.floor(vals.length * 0.98)] ?? 1] as const;
    });
    const side = Math.max(1, ...samples.map((s) => Math.max(s.raster.width, s.raster.height)));
    if (side * scale > MAX_THUMBNAIL_SIDE) {
      throw new DatasetError(`sampleGrid: scale ${scale} makes ${side}-pixel patches ${side * scale} pixels wide; use at most ${Math.max(1, Math.floor(MAX_THUMBNAIL_SIDE / side))} (thumbnails up to ${MAX_THUMBNAIL_SIDE} pixels).`, "");
    }
    const tiles = samples.map((s) => {
      const { width: w, height: h } = s.raster;
      const W = w * scale;
      const H = h * scale;
      const px = new Uint8Array(W * H * 3);
      rgb.forEach((b, ch) => {
        const a = s.raster.band(b);
        const [lo, hi] = ranges[ch]!;
        const k = hi > lo ? 255 / (hi - lo) : 0;
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const v = a[Math.floor(y / scale) * w + Math.floor(x / scale)]!;
            px[(y * W + x) * 3 + ch] = v !== v ? 0 : Math.max(0, Math.min(255, Math.round((v - lo) * k)));
          }
        }
      });
      return { id: s.id, label: s.label === null ? "" : this.classes[s.label] ?? String(s.label), png: pngEncoder()({ width: W, height: H, data: px, channels: 3, depth: 8 }) };
    });
    return new SampleGrid(this.name, tiles);
  }

  /** Releases open files (HDF5 handles, rasters). */
  async close(): Promise<void> {
    await this.#init.close?.();
  }

  /** Displays a summary: sample counts per class and split. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const splits = this.splits.length ? this.splits : ["(all)"];
    const count = (k: number, s: string): number => this.entries.filter((e) => e.label === k && (s === "(all)" || e.split === s)).length;
    const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const rows = this.classes.map((c, k) => `<tr><td>${k}</td><td style="text-align:left">${esc(c)}</td>${splits.map((s) => `<td>${count(k, s)}</td>`).join("")}</tr>`).join("");
    const head = `${this.name}: ${this.length} samples, ${this.classes.length} classes, ${this.bands.length} bands (${this.bands.join(", ")})`;
    return {
      "text/plain": head,
      "text/html": `<div><p>${esc(head)}</p>${this.description ? `<p>${esc(this.description)}</p>` : ""}<table><tr><th>#</th><th>class</th>${splits.map((s) => `<th>${esc(s)}</th>`).join("")}</tr>${rows}</table>${this.problems.length ? `<p>${this.problems.length} unreadable samples skipped</p>` : ""}</div>`,
    };
  }
}

/** Refuses a normalization that does not fit the dataset's bands (it would give NaN or silently wrong channels). */
function checkNormalization(norm: Normalization, bands: readonly string[], name: string): void {
  const fail = (what: string): never => {
    throw new DatasetError(`batches: the normalization for ${name} (${bands.length} bands: ${bands.join(", ")}) ${what}.`, "");
  };
  const arrays = (n: Record<string, unknown>, keys: string[]): void => {
    for (const k of keys) {
      const a = n[k];
      if (!Array.isArray(a) && !ArrayBuffer.isView(a)) fail(`has no "${k}" array (a ${norm.type} normalization needs ${keys.join(" and ")}, one value a band)`);
      const v = a as ArrayLike<number>;
      if (v.length !== bands.length) fail(`has ${v.length} "${k}" values; it needs one a band (${bands.length})`);
      for (let b = 0; b < v.length; b++) if (!Number.isFinite(v[b])) fail(`has ${k}[${b}] = ${v[b]} (band ${bands[b]}); values must be finite numbers`);
    }
  };
  const n = norm as unknown as Record<string, unknown>;
  if (norm.type === "meanstd") {
    arrays(n, ["mean", "std"]);
    norm.std.forEach((s, b) => s > 0 || fail(`has std[${b}] = ${s} (band ${bands[b]}); standard deviations must be positive`));
  } else if (norm.type === "scaleoffset") arrays(n, ["scale", "offset"]);
  else if (norm.type !== "none") fail(`has type ${JSON.stringify((norm as { type?: unknown }).type)}; use "meanstd", "scaleoffset" or "none"`);
}

/**
 * Thumbnails of samples (PNG) with captions; displays as an HTML grid.
 * @example
 * ```ts
 * const grid = await ds.sampleGrid({ count: 12, seed: 1 });
 * grid.tiles[0].png; // PNG bytes
 * ```
 */
export class SampleGrid {
  constructor(readonly name: string, readonly tiles: { id: string; label: string; png: Uint8Array }[]) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const figs = this.tiles.map((t) =>
      `<figure style="display:inline-block;margin:2px;text-align:center"><img src="data:image/png;base64,${Buffer.from(t.png).toString("base64")}" alt="${esc(t.id)}"/><figcaption style="font-size:small">${esc(t.label)}</figcaption></figure>`).join("");
    return { "text/plain": `${this.tiles.length} samples of ${this.name}`, "text/html": `<div class="ai4eo-sample-grid">${figs}</div>` };
  }
}
