/**
 * Feature ablation (Captum's `FeatureAblation` with feature masks): remove a group of input
 * features — a spectral band group (visible, red edge, NIR, SWIR; VV/VH) or a spatial segment
 * (grid block, SLIC superpixel) — by setting it to a baseline, and attribute the drop of the
 * explained score to the group.
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { AttributionMap, GroupAttribution } from "./attribution.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError, UnknownBandGroupError } from "./errors.js";
import { baselineImage, type Baseline } from "./occlusion.js";
import type { Segments } from "./superpixels.js";
import { checkOptionsObject, imageDims, resolveTargets, scorePerturbations, type ExplainOptions } from "./target.js";

/** Band groups by name: group → band names (as in the model card) or 0-based band indices. */
export type BandGroups = Record<string, readonly (string | number)[]>;

/** Options of {@link bandGroupAblation}. */
export interface BandAblationOptions extends ExplainOptions {
  /** The groups to ablate, e.g. `{ visible: ["B2", "B3", "B4"], nir: ["B8"] }`; default one group per band. */
  groups?: BandGroups;
  /** The model's input band names in order (from its card); default `band 0…`. */
  bandNames?: readonly string[];
  /** Replacement: a number (default 0), one per band, `"mean"` or `"blur"`. */
  baseline?: Baseline;
}

/** Spectral family of common band names (Sentinel-2, Landsat 8/9 OLI, Landsat 4–7 TM/ETM+, SAR, generic). */
const FAMILIES: Record<string, string> = {
  // generic
  coastal: "coastal", blue: "visible", green: "visible", red: "visible", rededge: "red edge", nir: "NIR", swir: "SWIR", swir1: "SWIR", swir2: "SWIR",
  thermal: "thermal", tir: "thermal", pan: "panchromatic", vv: "SAR", vh: "SAR", hh: "SAR", hv: "SAR",
  // Sentinel-2 MSI
  b1: "coastal", b01: "coastal", b2: "visible", b02: "visible", b3: "visible", b03: "visible", b4: "visible", b04: "visible",
  b5: "red edge", b05: "red edge", b6: "red edge", b06: "red edge", b7: "red edge", b07: "red edge", b8: "NIR", b08: "NIR", b8a: "red edge",
  b9: "water vapour", b09: "water vapour", b10: "cirrus", b11: "SWIR", b12: "SWIR",
};

/**
 * Groups band names into spectral families (visible, red edge, NIR, SWIR, SAR, …) for
 * {@link bandGroupAblation}. Sentinel-2 names (`B2`/`B02`, `B8A`, …) and generic names (`red`, `nir`,
 * `swir1`, `VV`) are known; for Landsat pass `sensor: "landsat-tm"` (TM/ETM+: B1–B3 visible, B4 NIR,
 * B5/B7 SWIR, B6 thermal) or `"landsat-oli"` (B2–B4 visible, B5 NIR, B6/B7 SWIR, B10/B11 thermal).
 * Unknown names get a group of their own.
 * @example
 * ```ts
 * spectralGroups(["B2", "B3", "B4", "B8", "B11", "B12"]);
 * // { visible: ["B2", "B3", "B4"], NIR: ["B8"], SWIR: ["B11", "B12"] }
 * ```
 */
export function spectralGroups(bandNames: readonly string[], options: { sensor?: "sentinel-2" | "landsat-tm" | "landsat-oli" } = {}): BandGroups {
  const out: Record<string, string[]> = {};
  const landsat: Record<string, Record<string, string>> = {
    "landsat-tm": { b1: "visible", b2: "visible", b3: "visible", b4: "NIR", b5: "SWIR", b6: "thermal", b7: "SWIR", b8: "panchromatic" },
    "landsat-oli": { b1: "coastal", b2: "visible", b3: "visible", b4: "visible", b5: "NIR", b6: "SWIR", b7: "SWIR", b8: "panchromatic", b9: "cirrus", b10: "thermal", b11: "thermal" },
  };
  for (const name of bandNames) {
    const key = name.toLowerCase().replace(/^(sr_|st_)/, "").replace(/[^a-z0-9]/g, "");
    const table = options.sensor && options.sensor !== "sentinel-2" ? landsat[options.sensor]! : FAMILIES;
    const fam = table[key] ?? FAMILIES[key] ?? name;
    (out[fam] ??= []).push(name);
  }
  return out;
}

function resolveGroups(groups: BandGroups, names: readonly string[]): { name: string; bands: number[] }[] {
  if (groups === null || typeof groups !== "object" || Array.isArray(groups)) {
    throw new ExplainInputError(`groups must be an object of named band lists, e.g. { visible: ["B2", "B3", "B4"], nir: ["B8"] }, got ${describeValue(groups)}.`);
  }
  if (Object.keys(groups).length === 0) {
    throw new ExplainInputError(`groups is empty: name at least one group of bands, e.g. { visible: ["B2", "B3", "B4"], nir: ["B8"] }, or leave groups out for one group per band.`, { groups });
  }
  return Object.entries(groups).map(([g, members]) => {
    if (!Array.isArray(members)) {
      throw new ExplainInputError(`Band group "${g}" must be an array of band names or indices, e.g. { ${JSON.stringify(g)}: ["B8"] }, got ${describeValue(members)}.`, { group: g });
    }
    if (members.length === 0) throw new ExplainInputError(`Band group "${g}" is empty; list at least one band.`);
    return {
      name: g,
      bands: members.map((b) => {
        const i = typeof b === "number" ? (Number.isInteger(b) && b >= 0 && b < names.length ? b : -1) : names.indexOf(b);
        if (i < 0) throw new UnknownBandGroupError(g, b, names);
        return i;
      }),
    };
  });
}

/**
 * Band-group ablation: the drop of the explained score when each group of bands is replaced by the
 * baseline. One perturbed copy per item and group, batched.
 * @param input `N×C×H×W` batch
 * @throws {UnknownBandGroupError} when a group names a band the model does not have
 * @example
 * ```ts
 * const imp = await bandGroupAblation(model, patches, {
 *   bandNames: card.bands, groups: spectralGroups(card.bands),
 * });
 * imp.mean(); // { visible: 0.8, NIR: 2.1, SWIR: 0.4 }
 * ```
 */
export async function bandGroupAblation(predictor: Predictor, input: Tensor, options: BandAblationOptions = {}): Promise<GroupAttribution> {
  checkOptionsObject(options);
  const [N, C, H, W] = imageDims(input);
  const names = options.bandNames ?? Array.from({ length: C }, (_, i) => `band ${i}`);
  if (names.length !== C) {
    throw new ExplainInputError(`bandNames lists ${names.length} bands but the input has ${C}; give the model's band names in input order.`, { bandNames: names, bands: C });
  }
  const groups = resolveGroups(options.groups ?? Object.fromEntries(names.map((n) => [n, [n]])), names);
  const { targets, baseScores } = await resolveTargets(predictor, input, options);
  const P = H * W, size = C * P, G = groups.length;
  const baselines = Array.from({ length: N }, (_, n) => baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, options.baseline ?? 0, 2));
  const jobs = {
    length: N * G,
    get(i: number) {
      const n = Math.floor(i / G), g = groups[i % G]!;
      return {
        item: n,
        fill(dst: Float32Array) {
          dst.set(input.data.subarray(n * size, (n + 1) * size));
          for (const b of g.bands) dst.set(baselines[n]!.subarray(b * P, (b + 1) * P), b * P);
        },
      };
    },
  };
  const scores = await scorePerturbations(predictor, [C, H, W], jobs, targets, options, "band-group ablation");
  const values = new Float64Array(N * G);
  for (let i = 0; i < N * G; i++) values[i] = baseScores[Math.floor(i / G)]! - scores[i]!;
  const mb = Math.max(1, options.maxBatch ?? 64);
  return new GroupAttribution({
    method: "Band-group ablation", groups: groups.map((g) => g.name), values, targets, baseScores,
    passes: Math.ceil(N / mb) + Math.ceil((N * G) / mb),
  });
}

/** Options of {@link segmentAblation}. */
export interface SegmentAblationOptions extends ExplainOptions {
  /** The spatial segments (grid blocks or SLIC superpixels), shared by all items. */
  segments: Segments;
  /** Replacement: a number (default 0), one per band, `"mean"` or `"blur"`. */
  baseline?: Baseline;
}

/**
 * Spatial feature ablation: each segment (all bands) is replaced by the baseline; every pixel of
 * the segment gets the drop of the explained score.
 * @example
 * ```ts
 * const attr = await segmentAblation(model, patch, { segments: slicSegments(patch, { segments: 40 }) });
 * ```
 */
export async function segmentAblation(predictor: Predictor, input: Tensor, options: SegmentAblationOptions): Promise<AttributionMap> {
  const [N, C, H, W] = imageDims(input);
  const seg = options?.segments;
  if (seg === null || typeof seg !== "object" || !(seg.labels instanceof Int32Array) || !Number.isInteger(seg.count) || seg.count < 1) {
    throw new ExplainInputError(`segmentAblation needs options.segments from gridSegments() or slicSegments(), got ${describeValue(seg)}.`);
  }
  if (seg.height !== H || seg.width !== W) {
    throw new ExplainInputError(`The segments are ${seg.width}×${seg.height} but the input patches are ${W}×${H}.`);
  }
  const { targets, baseScores } = await resolveTargets(predictor, input, options);
  const P = H * W, size = C * P, S = seg.count;
  if (seg.labels.length !== P) throw new ExplainInputError(`The segments have ${seg.labels.length} labels but the ${H}×${W} patches have ${P} pixels.`);
  const members: number[][] = Array.from({ length: S }, () => []);
  seg.labels.forEach((l, p) => {
    if (!(l >= 0 && l < S)) {
      throw new ExplainInputError(`Segment label ${l} at pixel ${p} is outside 0..${S - 1} (count ${S}); labels must be 0-based and below count.`, { label: l, pixel: p });
    }
  });
  seg.labels.forEach((l, p) => members[l]!.push(p));
  const baselines = Array.from({ length: N }, (_, n) => baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, options.baseline ?? 0, 2));
  const jobs = {
    length: N * S,
    get(i: number) {
      const n = Math.floor(i / S), s = i % S;
      return {
        item: n,
        fill(dst: Float32Array) {
          dst.set(input.data.subarray(n * size, (n + 1) * size));
          const b = baselines[n]!;
          for (let c = 0; c < C; c++) for (const p of members[s]!) dst[c * P + p] = b[c * P + p]!;
        },
      };
    },
  };
  const scores = await scorePerturbations(predictor, [C, H, W], jobs, targets, options, "segment ablation");
  const data = new Float32Array(N * P);
  for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) data[n * P + p] = baseScores[n]! - scores[n * S + seg.labels[p]!]!;
  const mb = Math.max(1, options.maxBatch ?? 64);
  return new AttributionMap({
    method: `Segment ablation (${S} segments)`, data, dims: [N, H, W], targets, baseScores,
    passes: Math.ceil(N / mb) + Math.ceil((N * S) / mb),
  });
}

/**
 * Feature ablation with either band groups (→ {@link GroupAttribution}) or spatial segments
 * (→ {@link AttributionMap}); see {@link bandGroupAblation} and {@link segmentAblation}.
 * @example
 * ```ts
 * await featureAblation(model, patch, { bandNames: card.bands, groups: spectralGroups(card.bands) });
 * await featureAblation(model, patch, { segments: gridSegments(64, 64, 8) });
 * ```
 */
export function featureAblation(predictor: Predictor, input: Tensor, options: SegmentAblationOptions): Promise<AttributionMap>;
export function featureAblation(predictor: Predictor, input: Tensor, options?: BandAblationOptions): Promise<GroupAttribution>;
export function featureAblation(predictor: Predictor, input: Tensor, options: BandAblationOptions | SegmentAblationOptions = {}): Promise<AttributionMap | GroupAttribution> {
  // (options that are not an object go to bandGroupAblation, which rejects them)
  const seg = options !== null && typeof options === "object" && "segments" in options && options.segments;
  return seg ? segmentAblation(predictor, input, options as SegmentAblationOptions) : bandGroupAblation(predictor, input, options as BandAblationOptions);
}
