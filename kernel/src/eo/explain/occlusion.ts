/**
 * Occlusion sensitivity (Zeiler & Fergus 2014; Captum's `Occlusion`): slide a window over the
 * patch, replace it (all bands) by a baseline, and attribute the drop of the explained score to the
 * window's pixels, averaged over the windows covering each pixel.
 * @module
 */
import type { ModelCard } from "../model/card.js";
import type { Predictor, Tensor } from "../model/tensor.js";
import { softmax } from "../uncertainty/matrix.js";
import { AttributionMap } from "./attribution.js";
import { ExplainInputError, WindowSizeError } from "./errors.js";
import { describeValue } from "../../util/describe-value.js";
import { checkExplainOptions, imageDims, resolveTargets, runPerturbations, scorePerturbations, type ExplainOptions, type Perturbation } from "./target.js";

/** What replaces perturbed pixels: a constant, each band's mean over the patch, or a blurred copy. */
export type Baseline = number | "mean" | "blur" | readonly number[];

/** Options of {@link occlusion}. */
export interface OcclusionOptions extends ExplainOptions {
  /** Window size in pixels, `n` or `[height, width]`; default 8 (clipped to the patch when the patch is smaller than 8). */
  window?: number | readonly [number, number];
  /** Stride in pixels, `n` or `[rows, cols]`; default half the window (at least 1). */
  stride?: number | readonly [number, number];
  /**
   * Replacement values: a number (default 0, i.e. the normalized mean for standardized inputs), one
   * number per band, `"mean"` (each band's patch mean) or `"blur"` (a box-blurred copy of the patch).
   */
  baseline?: Baseline;
  /**
   * Fully convolutional models only: the pixels of context on each side that one output pixel
   * depends on (its receptive-field halo). When known, each occluded copy is evaluated on a crop
   * of the window plus 2·halo on each side and compared with the unoccluded output over the
   * window plus halo — exact, and much cheaper than running the whole patch. Default: the model
   * card's `input.halo` for dense (`NKHW`) models; `null` disables it.
   */
  halo?: number | null;
}

function pair(v: number | readonly [number, number], what: string): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : v !== null && typeof v === "object" ? [v[0], v[1]] : [NaN, NaN];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) throw new ExplainInputError(`${what} must be positive integers, got ${JSON.stringify(v)}.`);
  return p;
}

/**
 * Window start positions along one axis: every `stride`, plus a last one flush with the edge.
 * @throws {ExplainInputError} unless size, win and stride are positive whole numbers with win ≤ size
 * (a stride of 0 would never end)
 * @example
 * ```ts
 * windowStarts(10, 4, 3); // [0, 3, 6]
 * ```
 */
export function windowStarts(size: number, win: number, stride: number): number[] {
  const whole = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
  if (!whole(size) || !whole(win) || !whole(stride) || win > size) {
    throw new ExplainInputError(`windowStarts needs positive whole numbers with win ≤ size, got size ${describeValue(size)}, win ${describeValue(win)}, stride ${describeValue(stride)}.`, { size, win, stride });
  }
  const out: number[] = [];
  for (let s = 0; s + win <= size; s += stride) out.push(s);
  if (out[out.length - 1]! + win < size) out.push(size - win);
  return out;
}

/** Checks that C, H and W are positive whole numbers whose product is the item's length. */
function checkItemDims(fn: string, item: Float32Array, C: number, H: number, W: number): void {
  const whole = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
  if (!(item instanceof Float32Array)) throw new ExplainInputError(`${fn} needs one C×H×W item as a Float32Array, got ${describeValue(item)}.`);
  if (!whole(C) || !whole(H) || !whole(W) || C * H * W !== item.length) {
    throw new ExplainInputError(
      `${fn}: C, H and W must be positive whole numbers whose product is the item's ${item.length} values, got C ${describeValue(C)}, H ${describeValue(H)}, W ${describeValue(W)}.`,
      { C, H, W, length: item.length },
    );
  }
}

/**
 * Box blur of one C×H×W item (radius r, edges clamped), used as the "blur" baseline.
 * @throws {ExplainInputError} unless C×H×W is the item's length and r is a whole number from 0 to max(H, W)
 * (a wider window only repeats edge pixels; an infinite radius never ended)
 * @example
 * ```ts
 * const blurred = boxBlur(item, 6, 64, 64, 4);
 * ```
 */
export function boxBlur(item: Float32Array, C: number, H: number, W: number, r: number): Float32Array {
  checkItemDims("boxBlur", item, C, H, W);
  if (!(typeof r === "number" && Number.isInteger(r) && r >= 0 && r <= Math.max(H, W))) {
    throw new ExplainInputError(`boxBlur: the radius must be a whole number from 0 to ${Math.max(H, W)} (the ${H}×${W} item's longer side), got ${describeValue(r)}.`, { radius: r });
  }
  const tmp = new Float32Array(item.length);
  const out = new Float32Array(item.length);
  for (let c = 0; c < C; c++) {
    const b = c * H * W;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += item[b + y * W + Math.min(W - 1, Math.max(0, x + d))]!;
      tmp[b + y * W + x] = s / (2 * r + 1);
    }
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let s = 0;
      for (let d = -r; d <= r; d++) s += tmp[b + Math.min(H - 1, Math.max(0, y + d)) * W + x]!;
      out[b + y * W + x] = s / (2 * r + 1);
    }
  }
  return out;
}

/**
 * Checks a baseline: a finite number, `"mean"`, `"blur"` or one finite number per band.
 * @throws {ExplainInputError} naming the value.
 * @example
 * ```ts
 * checkBaseline("mean", 6); // ok
 * ```
 */
export function checkBaseline(baseline: unknown, C: number): void {
  if (baseline === "mean" || baseline === "blur") return;
  if (typeof baseline === "number") {
    if (!Number.isFinite(baseline)) throw new ExplainInputError(`The baseline is ${baseline}; use a finite number (e.g. 0), "mean" or "blur".`, { baseline });
    return;
  }
  if (Array.isArray(baseline) || ArrayBuffer.isView(baseline)) {
    const b = baseline as ArrayLike<unknown>;
    if (b.length !== C) throw new ExplainInputError(`The baseline has ${b.length} values but the input has ${C} bands; give one per band.`);
    for (let c = 0; c < C; c++) {
      if (typeof b[c] !== "number" || !Number.isFinite(b[c] as number)) {
        throw new ExplainInputError(`The baseline of band ${c} is ${describeValue(b[c])}; give a finite number per band.`, { band: c });
      }
    }
    return;
  }
  throw new ExplainInputError(`baseline must be a number, one number per band, "mean" or "blur", got ${describeValue(baseline)}.`, { baseline: describeValue(baseline) });
}

/**
 * The baseline image (C×H×W) of one item.
 * @example
 * ```ts
 * const b = baselineImage(item, 6, 64, 64, "mean", 4); // each band filled with its mean
 * ```
 */
export function baselineImage(item: Float32Array, C: number, H: number, W: number, baseline: Baseline, blurRadius: number): Float32Array {
  checkItemDims("baselineImage", item, C, H, W);
  checkBaseline(baseline, C);
  const P = H * W;
  // A radius beyond the longer side only repeats edge pixels (e.g. radius 2 on a 1×1 patch: the pixel itself).
  if (baseline === "blur") return boxBlur(item, C, H, W, Math.min(Math.max(1, blurRadius), Math.max(H, W)));
  const out = new Float32Array(C * P);
  for (let c = 0; c < C; c++) {
    let v: number;
    if (baseline === "mean") {
      let s = 0;
      for (let p = 0; p < P; p++) s += item[c * P + p]!;
      v = s / P;
    } else if (typeof baseline === "number") v = baseline;
    else {
      if (baseline.length !== C) throw new ExplainInputError(`The baseline has ${baseline.length} values but the input has ${C} bands; give one per band.`);
      v = baseline[c]!;
    }
    out.fill(v, c * P, (c + 1) * P);
  }
  return out;
}

/**
 * Occlusion attribution maps for a batch of patches. All windows of all items are scored in
 * batched forward passes (`maxBatch` perturbed patches per pass).
 * @param predictor the model
 * @param input `N×C×H×W` batch, normalized as the model expects
 * @param options window (8), stride (window/2), baseline (0), target (`"predicted"`), score, maxBatch (64)
 * @throws {WindowSizeError} when the window is larger than the patch
 * @example
 * ```ts
 * const attr = await occlusion(model, patch, { window: 8, stride: 4, baseline: "blur" });
 * attr.toRaster({ like: patchRaster }); // put it on the map
 * ```
 */
export async function occlusion(predictor: Predictor, input: Tensor, options: OcclusionOptions = {}): Promise<AttributionMap> {
  const [N, C, H, W] = imageDims(input);
  checkExplainOptions(predictor, options);
  checkBaseline(options.baseline ?? 0, C);
  if (options.halo !== undefined && options.halo !== null && !(typeof options.halo === "number" && Number.isInteger(options.halo) && options.halo >= 0)) {
    throw new ExplainInputError(`halo must be a non-negative integer (pixels of context on each side), or null to disable it, got ${describeValue(options.halo)}.`, { halo: options.halo });
  }
  const win = options.window === undefined ? [Math.min(8, H), Math.min(8, W)] as [number, number] : pair(options.window, "window");
  if (win[0] > H || win[1] > W) throw new WindowSizeError(win, [H, W]);
  const stride = options.stride === undefined ? [Math.max(1, win[0] >> 1), Math.max(1, win[1] >> 1)] as [number, number] : pair(options.stride, "stride");
  const ys = windowStarts(H, win[0], stride[0]);
  const xs = windowStarts(W, win[1], stride[1]);
  const { targets, baseScores, output } = await resolveTargets(predictor, input, options);
  const size = C * H * W;
  const baselineOf = Array.from({ length: N }, (_, n) =>
    baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, options.baseline ?? 0, Math.floor(Math.min(win[0], win[1]) / 2)));
  const per = ys.length * xs.length;
  const card = (predictor as { card?: ModelCard }).card;
  const halo = options.halo === null ? undefined : options.halo ?? (card?.output.layout === "NKHW" ? card.input.halo : undefined);
  const dense = output.dims.length === 4 && output.dims[2] === H && output.dims[3] === W;
  const windowAt = (k: number) => [ys[Math.floor(k / xs.length)]!, xs[k % xs.length]!] as const;
  let scores: Float64Array;
  let passes: number;
  if (halo !== undefined && halo >= 0 && dense) {
    // Receptive-field-aware path: crops of window ± 2·halo, compared over window ± halo.
    const ch = Math.min(H, win[0] + 4 * halo), cw = Math.min(W, win[1] + 4 * halo);
    const cropAt = (y0: number, x0: number) => [
      Math.min(H - ch, Math.max(0, y0 - 2 * halo)), Math.min(W - cw, Math.max(0, x0 - 2 * halo)),
    ] as const;
    const full = options.score === "probability" ? softmax(output) : output;
    const region = options.region;
    let regionSize = H * W;
    if (region) { regionSize = 0; for (let p = 0; p < H * W; p++) if (region[p]) regionSize++; }
    const K = output.dims[1]!;
    scores = new Float64Array(N * per);
    const jobs = {
      length: N * per,
      get(i: number): Perturbation {
        const n = Math.floor(i / per);
        const [y0, x0] = windowAt(i % per);
        const [cy, cx] = cropAt(y0, x0);
        return {
          item: n,
          fill(dst) {
            const b = baselineOf[n]!;
            for (let c = 0; c < C; c++) for (let y = 0; y < ch; y++) {
              const src = n * size + c * H * W + (cy + y) * W + cx;
              const inWin = cy + y >= y0 && cy + y < y0 + win[0];
              dst.set(input.data.subarray(src, src + cw), (c * ch + y) * cw);
              if (inWin) {
                const o = c * H * W + (cy + y) * W + x0;
                dst.set(b.subarray(o, o + win[1]), (c * ch + y) * cw + (x0 - cx));
              }
            }
          },
        };
      },
    };
    passes = await runPerturbations(predictor, [C, ch, cw], jobs, options, "occlusion", (out, start, count) => {
      const o = options.score === "probability" ? softmax(out) : out;
      for (let j = 0; j < count; j++) {
        const i = start + j, n = Math.floor(i / per);
        const [y0, x0] = windowAt(i % per);
        const [cy, cx] = cropAt(y0, x0);
        const t = targets[n]!;
        let d = 0;
        for (let y = Math.max(0, y0 - halo); y < Math.min(H, y0 + win[0] + halo); y++) {
          for (let x = Math.max(0, x0 - halo); x < Math.min(W, x0 + win[1] + halo); x++) {
            if (region && !region[y * W + x]) continue;
            d += full.data[((n * K + t) * H + y) * W + x]! - o.data[((j * K + t) * ch + (y - cy)) * cw + (x - cx)]!;
          }
        }
        scores[i] = baseScores[n]! - d / regionSize;
      }
    });
  } else {
    const jobs = {
      length: N * per,
      get(i: number): Perturbation {
        const n = Math.floor(i / per);
        const [y0, x0] = windowAt(i % per);
        return {
          item: n,
          fill(dst) {
            dst.set(input.data.subarray(n * size, (n + 1) * size));
            const b = baselineOf[n]!;
            for (let c = 0; c < C; c++) for (let y = y0; y < y0 + win[0]; y++) {
              const o = c * H * W + y * W + x0;
              dst.set(b.subarray(o, o + win[1]), o);
            }
          },
        };
      },
    };
    scores = await scorePerturbations(predictor, [C, H, W], jobs, targets, options, "occlusion");
    passes = Math.ceil((N * per) / Math.max(1, options.maxBatch ?? 64));
  }
  const sum = new Float64Array(N * H * W);
  const cnt = new Float64Array(H * W);
  for (const y0 of ys) for (const x0 of xs) for (let y = y0; y < y0 + win[0]; y++) for (let x = x0; x < x0 + win[1]; x++) cnt[y * W + x]!++;
  for (let i = 0; i < N * per; i++) {
    const n = Math.floor(i / per), k = i % per;
    const y0 = ys[Math.floor(k / xs.length)]!, x0 = xs[k % xs.length]!;
    const d = baseScores[n]! - scores[i]!;
    for (let y = y0; y < y0 + win[0]; y++) for (let x = x0; x < x0 + win[1]; x++) sum[n * H * W + y * W + x]! += d;
  }
  const data = new Float32Array(N * H * W);
  for (let i = 0; i < data.length; i++) data[i] = sum[i]! / cnt[i % (H * W)]!;
  return new AttributionMap({
    method: `Occlusion (window ${win[0]}×${win[1]}, stride ${stride[0]}×${stride[1]}, baseline ${JSON.stringify(options.baseline ?? 0)})`,
    data, dims: [N, H, W], targets, baseScores, passes: Math.ceil(N / Math.max(1, options.maxBatch ?? 64)) + passes,
  });
}
