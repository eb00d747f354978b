/**
 * Faithfulness of attribution maps: deletion and insertion curves with their area under the curve
 * (Petsiuk et al. 2018). Deletion removes the most important pixels first (a faithful map makes the
 * score fall fast: low AUC); insertion adds them to a baseline image first (high AUC).
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { DISPLAY, htmlTable, svgLines, textTable } from "../uncertainty/html.js";
import { AttributionMap } from "./attribution.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError } from "./errors.js";
import { baselineImage, type Baseline } from "./occlusion.js";
import { imageDims, resolveTargets, scorePerturbations, type ExplainOptions } from "./target.js";

/** Options of {@link deletionCurve} and {@link insertionCurve}. */
export interface CurveOptions extends ExplainOptions {
  /** Number of steps from 0% to 100% of the pixels; default 20 (21 points). */
  steps?: number;
  /** What removed (deletion) or not-yet-inserted (insertion) pixels become: default 0 for deletion, `"blur"` for insertion. */
  baseline?: Baseline;
}

/**
 * A deletion or insertion curve per item, with its AUC.
 * @example
 * ```ts
 * const del = await deletionCurve(model, patch, attr);
 * del.meanAuc;
 * ```
 */
export class FaithfulnessCurve {
  readonly kind: "deletion" | "insertion";
  /** Fraction of pixels removed/inserted at each point: 0, 1/steps, …, 1. */
  readonly fractions: Float64Array;
  /** `N×(steps+1)` explained scores. */
  readonly scores: Float64Array;
  /** Area under each item's curve (trapezoid over the fraction axis [0, 1]). */
  readonly auc: Float64Array;
  readonly targets: Int32Array;

  constructor(init: { kind: "deletion" | "insertion"; fractions: Float64Array; scores: Float64Array; auc: Float64Array; targets: Int32Array }) {
    this.kind = init.kind; this.fractions = init.fractions; this.scores = init.scores; this.auc = init.auc; this.targets = init.targets;
  }

  /** Mean AUC over items. */
  get meanAuc(): number {
    return this.auc.reduce((a, b) => a + b, 0) / this.auc.length;
  }

  [DISPLAY](): Record<string, string> {
    const T = this.fractions.length;
    const cap = `${this.kind} curve: mean AUC ${this.meanAuc.toPrecision(4)}`;
    const rows = Array.from(this.auc, (a, i) => [i, this.targets[i]!, a] as (string | number)[]).slice(0, 20);
    const svg = svgLines(`${this.kind} curve`, Array.from({ length: Math.min(4, this.auc.length) }, (_, i) => ({
      name: `item ${i} (AUC ${this.auc[i]!.toFixed(3)})`, x: this.fractions, y: this.scores.subarray(i * T, (i + 1) * T),
    })), { xLabel: `fraction of pixels ${this.kind === "deletion" ? "removed" : "inserted"}`, yLabel: "score", xMin: 0, xMax: 1 });
    return {
      "text/plain": textTable(cap, ["item", "target", "AUC"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["item", "target", "AUC"], rows)}${svg}</div>`,
    };
  }
}

/**
 * Pixel order by decreasing attribution (ties by pixel index).
 * @example
 * ```ts
 * rankPixels([0.1, 0.9, 0.5]); // Int32Array [1, 2, 0]
 * ```
 */
export function rankPixels(map: ArrayLike<number>): Int32Array {
  for (let i = 0; i < map.length; i++) {
    if (typeof map[i] !== "number" || !Number.isFinite(map[i]!)) {
      throw new ExplainInputError(`Pixel ${i} of the map is ${describeValue(map[i])}; pixels cannot be ranked by non-finite or non-numeric values.`, { index: i });
    }
  }
  const idx = Int32Array.from({ length: map.length }, (_, i) => i);
  return idx.sort((a, b) => (map[b]! - map[a]!) || a - b);
}

/**
 * Trapezoidal area under y over x.
 * @example
 * ```ts
 * trapezoid([0, 0.5, 1], [1, 0.5, 0]); // 0.5
 * ```
 */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new ExplainInputError(`trapezoid needs one y per x, got ${x.length} x and ${y.length} y values.`);
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return a;
}

async function curve(kind: "deletion" | "insertion", predictor: Predictor, input: Tensor, attribution: AttributionMap | Float32Array, options: CurveOptions): Promise<FaithfulnessCurve> {
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { steps: 20 }, got ${describeValue(options)}.`);
  const [N, C, H, W] = imageDims(input);
  const P = H * W, size = C * P;
  if (!(attribution instanceof AttributionMap) && !Array.isArray(attribution) && !ArrayBuffer.isView(attribution)) {
    throw new ExplainInputError(`The attribution must be an AttributionMap (e.g. from occlusion()) or N×H×W values, got ${describeValue(attribution)}.`);
  }
  if (attribution instanceof AttributionMap && attribution.dims.join("x") !== [N, H, W].join("x")) {
    throw new ExplainInputError(
      `The attribution map has dims [${attribution.dims.join(", ")}] but the input is ${N} item(s) of ${H}×${W}; use the map made for this input (dims [${N}, ${H}, ${W}]).`,
      { dims: attribution.dims, expected: [N, H, W] },
    );
  }
  if (Array.isArray(attribution)) {
    const bad = attribution.findIndex((v) => typeof v !== "number");
    if (bad >= 0) {
      throw new ExplainInputError(`The attribution values must be numbers (N×H×W values, flat), but value ${bad} is ${describeValue(attribution[bad])}.`, { index: bad });
    }
  }
  const maps = attribution instanceof AttributionMap ? attribution.data : Float32Array.from(attribution as ArrayLike<number>);
  for (let i = 0; i < maps.length; i++) {
    if (!Number.isFinite(maps[i]!)) {
      throw new ExplainInputError(`The attribution of item ${Math.floor(i / P)} pixel ${i % P} is ${maps[i]}; pixels cannot be ranked by non-finite values.`, { index: i });
    }
  }
  if (maps.length !== N * P) {
    throw new ExplainInputError(`The attribution maps have ${maps.length} values but ${N} item(s) of ${H}×${W} need ${N * P}.`);
  }
  const steps = options.steps ?? 20;
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1 || steps > P) {
    throw new ExplainInputError(`steps must be an integer in 1..${P} (the ${H}×${W} patch has ${P} pixels), got ${describeValue(steps)}.`, { steps });
  }
  const targetOpts: CurveOptions = attribution instanceof AttributionMap && options.target === undefined ? { ...options, target: Array.from(attribution.targets) } : options;
  const { targets } = await resolveTargets(predictor, input, targetOpts);
  const orders = Array.from({ length: N }, (_, n) => rankPixels(maps.subarray(n * P, (n + 1) * P)));
  const base = options.baseline ?? (kind === "deletion" ? 0 : "blur");
  const baselines = Array.from({ length: N }, (_, n) => baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, base, Math.max(1, Math.round(Math.min(H, W) / 16))));
  const T = steps + 1;
  const jobs = {
    length: N * T,
    get(i: number) {
      const n = Math.floor(i / T), s = i % T;
      const k = Math.round((s / steps) * P);
      return {
        item: n,
        fill(dst: Float32Array) {
          const x = input.data.subarray(n * size, (n + 1) * size), b = baselines[n]!;
          // deletion: start from x and set the top-k pixels to b; insertion: start from b and set the top-k to x.
          const [from, to] = kind === "deletion" ? [x, b] : [b, x];
          dst.set(from);
          const ord = orders[n]!;
          for (let j = 0; j < k; j++) {
            const p = ord[j]!;
            for (let c = 0; c < C; c++) dst[c * P + p] = to[c * P + p]!;
          }
        },
      };
    },
  };
  const scores = await scorePerturbations(predictor, [C, H, W], jobs, targets, options, `${kind} curve`);
  const fractions = Float64Array.from({ length: T }, (_, s) => Math.round((s / steps) * P) / P);
  const auc = Float64Array.from({ length: N }, (_, n) => trapezoid(fractions, scores.subarray(n * T, (n + 1) * T)));
  return new FaithfulnessCurve({ kind, fractions, scores, auc, targets });
}

/**
 * Deletion curve: the explained score as the most important pixels (all bands) are replaced by the
 * baseline (default 0), `steps` fractions from 0 to 1. Lower AUC = more faithful map.
 * @param attribution an {@link AttributionMap} (its targets are reused) or `N×H×W` values
 * @example
 * ```ts
 * const del = await deletionCurve(model, patch, await occlusion(model, patch));
 * del.auc[0];
 * ```
 */
export function deletionCurve(predictor: Predictor, input: Tensor, attribution: AttributionMap | Float32Array, options: CurveOptions = {}): Promise<FaithfulnessCurve> {
  return curve("deletion", predictor, input, attribution, options);
}

/**
 * Insertion curve: the explained score as the most important pixels are put back into a baseline
 * image (default a blurred copy). Higher AUC = more faithful map.
 * @example
 * ```ts
 * const ins = await insertionCurve(model, patch, attr, { steps: 32 });
 * ```
 */
export function insertionCurve(predictor: Predictor, input: Tensor, attribution: AttributionMap | Float32Array, options: CurveOptions = {}): Promise<FaithfulnessCurve> {
  return curve("insertion", predictor, input, attribution, options);
}
