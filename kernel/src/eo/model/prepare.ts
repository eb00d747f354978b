/**
 * From raster pixels to model input: choosing the card's bands in the card's order, and applying
 * the card's normalization into float32 NCHW batches.
 * @module
 */
import type { RasterSourceLike } from "../raster/types.js";
import type { Raster } from "../raster/raster.js";
import type { ModelCard } from "./card.js";
import { ModelInputError } from "./errors.js";
import { getSensor } from "../sensors/sensor.js";
import type { Tensor } from "./tensor.js";

/** How to pick the model's bands from a raster: 1-based band numbers or band names, in card order. */
export type BandSelection = (number | string)[];

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/^band[ _-]?/, "b").replace(/^b0+(\d)/, "b$1");
}

/**
 * The 1-based band numbers of `source` that feed the model, in the card's order.
 *
 * - With `bands` given: numbers are used as they are; names are looked up in the raster's band
 *   descriptions. There must be one per card band.
 * - Without: when every band has a description, each card band (by `bands` or `bandNames`,
 *   case-insensitive) must be found, and the raster's own order must match the card's (a
 *   different order is an error that gives the `bands` option that fixes it); otherwise the
 *   raster must have exactly the card's band count and bands 1..C are used in order.
 *
 * @throws {ModelInputError} on a wrong count, a missing band, or a different order
 * @example
 * ```ts
 * selectBands(scene, model.card);               // [1, 2, 3, 4, 5, 6]
 * selectBands(stack, model.card, [3, 2, 1, 4, 5, 7]);
 * ```
 */
export function selectBands(source: Pick<RasterSourceLike, "count" | "descriptions">, card: ModelCard, bands?: BandSelection): number[] {
  const want = card.bands;
  const c = want.length;
  const desc = source.descriptions.map((d) => (d ? norm(d) : null));
  const findName = (name: string): number => {
    const i = desc.indexOf(norm(name));
    return i < 0 ? -1 : i + 1;
  };
  if (bands) {
    if (bands.length !== c) {
      throw new ModelInputError(`Model ${card.name} takes ${c} bands (${want.join(", ")}); the bands option lists ${bands.length}.`, want, bands);
    }
    return bands.map((b, i) => {
      const n = typeof b === "number" ? b : findName(b);
      if (!Number.isInteger(n) || n < 1 || n > source.count) {
        throw new ModelInputError(
          typeof b === "number"
            ? `Band ${b} (for ${want[i]}) is out of range: the raster has bands 1..${source.count}.`
            : `Band "${b}" (for ${want[i]}) is not among the raster's band descriptions [${source.descriptions.map((d) => d ?? "?").join(", ")}].`,
          want[i], b,
        );
      }
      return n;
    });
  }
  if (desc.every((d) => d !== null) && desc.length > 0) {
    // every name a card band is known by: its id, its common name, and (with sensorId) the sensor's names and aliases
    const sensor = card.sensorId ? getSensor(card.sensorId) : null;
    const idx = want.map((b, i) => {
      const names = [b, card.bandNames?.[i]];
      const sb = sensor?.bands.find((x) => norm(x.name) === norm(b) || (x.aliases ?? []).some((a) => norm(a) === norm(b)));
      if (sb) names.push(sb.name, sb.commonName, ...(sb.aliases ?? []));
      for (const n of names) {
        if (!n) continue;
        const k = findName(n);
        if (k > 0) return k;
      }
      return -1;
    });
    const missing = want.filter((_, i) => idx[i]! < 0);
    if (missing.length === 0) {
      const inOrder = idx.every((v, i) => i === 0 || v > idx[i - 1]!);
      if (!inOrder && source.count === c) {
        throw new ModelInputError(
          `Model ${card.name} expects bands in the order ${want.join(", ")}, but this raster has them as [${source.descriptions.join(", ")}]. Pass bands: [${idx.join(", ")}] to reorder them.`,
          want, source.descriptions,
        );
      }
      return idx;
    }
    if (source.count !== c) {
      throw new ModelInputError(
        `Model ${card.name} needs bands ${want.join(", ")}; this raster has [${source.descriptions.join(", ")}], missing ${missing.join(", ")}. Pass bands: [...] with one band number per model band.`,
        want, source.descriptions,
      );
    }
  }
  if (source.count !== c) {
    throw new ModelInputError(
      `Model ${card.name} takes ${c} bands (${want.join(", ")}) but the raster has ${source.count}. Pass bands: [...] with the ${c} band numbers in the card's order.`,
      c, source.count,
    );
  }
  return Array.from({ length: c }, (_, i) => i + 1);
}

/**
 * Writes one raster (bands already in card order) into `out` at sample `index` of an
 * N×C×H×W batch, applying the card's normalization. Pixels equal to a band's nodata value (or NaN)
 * are written as `fill` (default 0, the normalized mean for mean/std cards) and flagged in `valid`.
 * @returns the number of invalid pixels in this sample
 * @example
 * ```ts
 * const batch = new Float32Array(n * 6 * 64);
 * writeNormalized(batch, 0, patch, model.card);
 * ```
 */
export function writeNormalized(out: Float32Array, index: number, raster: Raster, card: ModelCard, valid?: Uint8Array, fill = 0): number {
  const c = card.bands.length;
  const hw = raster.width * raster.height;
  if (raster.count !== c) {
    throw new ModelInputError(`Model ${card.name} takes ${c} bands; this raster window has ${raster.count}.`, c, raster.count);
  }
  const n = card.normalization;
  const base = index * c * hw;
  if (valid) valid.fill(1, index * hw, (index + 1) * hw);
  let invalid = 0;
  for (let b = 0; b < c; b++) {
    const src = raster.band(b + 1);
    const nd = raster.nodata[b];
    const o = base + b * hw;
    const [mul, add] = n.type === "meanstd" ? [1 / n.std[b]!, -n.mean[b]! / n.std[b]!] : n.type === "scaleoffset" ? [n.scale[b]!, n.offset[b]!] : [1, 0];
    for (let i = 0; i < hw; i++) {
      const v = src[i]!;
      if (v !== v || v === nd) {
        out[o + i] = fill;
        if (valid && valid[index * hw + i]) {
          valid[index * hw + i] = 0;
          invalid++;
        }
      } else out[o + i] = v * mul + add;
    }
  }
  return invalid;
}

/**
 * One raster (bands in card order) as a normalized 1×C×H×W tensor.
 * @example
 * ```ts
 * const x = rasterToTensor(await scene.read({ window, bands: selectBands(scene, model.card) }), model.card);
 * const logits = await model.predict(x);
 * ```
 */
export function rasterToTensor(raster: Raster, card: ModelCard): Tensor {
  const data = new Float32Array(card.bands.length * raster.width * raster.height);
  writeNormalized(data, 0, raster, card);
  return { data, dims: [1, card.bands.length, raster.height, raster.width] };
}

/**
 * Softmax over axis 1 of N×K (or N×K×H×W) logits, in place into `out` (default a new array).
 * @example
 * ```ts
 * const p = softmaxAxis1(logits); // same dims, rows sum to 1
 * ```
 */
export function softmaxAxis1(logits: Tensor, out = new Float32Array(logits.data.length)): Tensor {
  const [n, k] = logits.dims as [number, number];
  const hw = logits.dims.slice(2).reduce((a, b) => a * b, 1);
  const x = logits.data;
  for (let s = 0; s < n; s++) {
    for (let p = 0; p < hw; p++) {
      const o = s * k * hw + p;
      let m = -Infinity;
      for (let j = 0; j < k; j++) m = Math.max(m, x[o + j * hw]!);
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(x[o + j * hw]! - m);
        out[o + j * hw] = e;
        sum += e;
      }
      for (let j = 0; j < k; j++) out[o + j * hw]! /= sum;
    }
  }
  return { data: out, dims: logits.dims };
}
