/**
 * Uncertainty measures of a stack of predictive samples (MC dropout passes, ensemble members or
 * test-time augmentations): mean probabilities, predictive entropy, expected entropy, mutual
 * information (BALD), per-class variance and the std of the predicted class. Entropies in nats.
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { UncertaintyInputError } from "./errors.js";
import { normalQuantile } from "./normal.js";

/** Per-sample (or per-pixel) uncertainty measures of a classification/segmentation model. */
export interface ClassificationMeasures {
  /** Mean probabilities over the S samples: `N×K` (or `N×K×H×W`). */
  mean: Tensor;
  /** Per-class variance of the probabilities over the samples: same dims as `mean`. */
  variance: Tensor;
  /** Argmax of `mean`: `N` (or `N×H×W`). */
  predicted: { data: Int32Array; dims: readonly number[] };
  /** Max of `mean` (confidence): `N` (or `N×H×W`). */
  confidence: Tensor;
  /** Entropy of the mean, H[E p] (total uncertainty), nats. */
  predictiveEntropy: Tensor;
  /** Mean of the per-sample entropies, E H[p] (aleatoric part), nats. */
  expectedEntropy: Tensor;
  /** Mutual information H[E p] − E H[p] (BALD, epistemic part), nats, clipped at 0. */
  mutualInformation: Tensor;
  /** Std over the samples of the probability of the predicted class. */
  std: Tensor;
}

function xlogx(p: number): number {
  return p > 0 ? p * Math.log(p) : 0;
}

/**
 * Computes {@link ClassificationMeasures} from a stack of probability samples `S×N×K(×H×W…)`.
 * @param samples probabilities, `dims = [S, N, K, …spatial]`
 * @example
 * ```ts
 * const m = classificationMeasures({ data: new Float32Array([1, 0, 0, 1]), dims: [2, 1, 2] });
 * m.mutualInformation.data[0]; // ln 2 ≈ 0.693: the two samples disagree completely
 * ```
 */
export function classificationMeasures(samples: Tensor): ClassificationMeasures {
  const dims = samples.dims;
  if (dims.length < 3) {
    throw new UncertaintyInputError(`Predictive samples must be S×N×K(×H×W), got dims [${dims.join(", ")}].`, { dims });
  }
  const S = dims[0]!;
  const N = dims[1]!;
  const K = dims[2]!;
  const spatial = dims.slice(3);
  const P = spatial.reduce((a, b) => a * b, 1);
  const per = N * K * P;
  if (samples.data.length !== S * per) {
    throw new UncertaintyInputError(`Predictive samples have ${samples.data.length} values but dims [${dims.join(", ")}] need ${S * per}.`);
  }
  const d = samples.data;
  const mean = new Float32Array(per);
  const variance = new Float32Array(per);
  const predicted = new Int32Array(N * P);
  const confidence = new Float32Array(N * P);
  const pe = new Float32Array(N * P);
  const ee = new Float32Array(N * P);
  const mi = new Float32Array(N * P);
  const std = new Float32Array(N * P);
  const m = new Float64Array(K);
  const v = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < P; p++) {
      m.fill(0);
      v.fill(0);
      let eh = 0;
      for (let s = 0; s < S; s++) {
        const base = s * per + n * K * P + p;
        let h = 0;
        for (let c = 0; c < K; c++) {
          const x = d[base + c * P]!;
          m[c]! += x;
          v[c]! += x * x;
          h -= xlogx(x);
        }
        eh += h;
      }
      let h = 0;
      let best = 0;
      for (let c = 0; c < K; c++) {
        const mc = m[c]! / S;
        const vc = Math.max(0, v[c]! / S - mc * mc);
        m[c] = mc;
        v[c] = vc;
        mean[n * K * P + c * P + p] = mc;
        variance[n * K * P + c * P + p] = vc;
        h -= xlogx(mc);
        if (mc > m[best]!) best = c;
      }
      const o = n * P + p;
      predicted[o] = best;
      confidence[o] = m[best]!;
      pe[o] = h;
      ee[o] = eh / S;
      mi[o] = Math.max(0, h - eh / S);
      std[o] = Math.sqrt(v[best]!);
    }
  }
  const kd = [N, K, ...spatial];
  const pd = [N, ...spatial];
  return {
    mean: { data: mean, dims: kd },
    variance: { data: variance, dims: kd },
    predicted: { data: predicted, dims: pd },
    confidence: { data: confidence, dims: pd },
    predictiveEntropy: { data: pe, dims: pd },
    expectedEntropy: { data: ee, dims: pd },
    mutualInformation: { data: mi, dims: pd },
    std: { data: std, dims: pd },
  };
}

/** Per-sample (or per-pixel) uncertainty of a regression model with optional variance head. */
export interface RegressionMeasures {
  /** Predictive mean: mean over samples of the predicted means. */
  mean: Tensor;
  /** Aleatoric std: sqrt of the mean predicted variance (0 when the model has no variance head). */
  aleatoricStd: Tensor;
  /** Epistemic std: std over samples of the predicted means. */
  epistemicStd: Tensor;
  /** Total std: sqrt(aleatoric² + epistemic²). */
  totalStd: Tensor;
  /** Lower end of the central Gaussian interval at `level`. */
  lower: Tensor;
  /** Upper end of the central Gaussian interval at `level`. */
  upper: Tensor;
  /** The interval's nominal coverage, e.g. 0.9. */
  level: number;
}

/**
 * Computes {@link RegressionMeasures} from samples `S×N×C(×H×W)` where channel 0 is the mean and
 * channel 1 (when `C ≥ 2`) the log-variance (the convention of the shipped regression model's card;
 * pass `varianceChannel: "variance"` when channel 1 is a variance).
 * @param samples `dims = [S, N, C, …spatial]`
 * @param options `level` of the central interval (default 0.9); `varianceChannel` (default `"logvar"`)
 * @example
 * ```ts
 * const r = regressionMeasures({ data: new Float32Array([1, 0, 3, 0]), dims: [2, 1, 2] });
 * r.mean.data[0]; // 2; r.epistemicStd.data[0] // 1; r.aleatoricStd.data[0] // 1 (exp(0))
 * ```
 */
export function regressionMeasures(
  samples: Tensor,
  options: { level?: number; varianceChannel?: "logvar" | "variance" } = {},
): RegressionMeasures {
  const level = options.level ?? 0.9;
  if (typeof level !== "number" || !(level > 0 && level < 1)) throw new UncertaintyInputError(`level must be in (0, 1), got ${level}.`, { level });
  const dims = samples.dims;
  if (dims.length < 3) throw new UncertaintyInputError(`Regression samples must be S×N×C(×H×W), got dims [${dims.join(", ")}].`, { dims });
  const S = dims[0]!;
  const N = dims[1]!;
  const C = dims[2]!;
  const spatial = dims.slice(3);
  const P = spatial.reduce((a, b) => a * b, 1);
  if (samples.data.length !== S * N * C * P) {
    throw new UncertaintyInputError(`Regression samples have ${samples.data.length} values but dims [${dims.join(", ")}] need ${S * N * C * P}.`, { dims });
  }
  const vc = options.varianceChannel ?? "logvar";
  if (vc !== "logvar" && vc !== "variance") {
    throw new UncertaintyInputError(`varianceChannel must be "logvar" or "variance", got ${JSON.stringify(vc) ?? String(vc)}.`, { varianceChannel: vc });
  }
  const z = normalQuantile(0.5 + level / 2);
  const mean = new Float32Array(N * P);
  const ale = new Float32Array(N * P);
  const epi = new Float32Array(N * P);
  const tot = new Float32Array(N * P);
  const lo = new Float32Array(N * P);
  const hi = new Float32Array(N * P);
  const d = samples.data;
  const isLog = (options.varianceChannel ?? "logvar") === "logvar";
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < P; p++) {
      let sm = 0, sm2 = 0, sv = 0;
      for (let s = 0; s < S; s++) {
        const base = ((s * N + n) * C) * P + p;
        const mu = d[base]!;
        sm += mu;
        sm2 += mu * mu;
        if (C >= 2) {
          const raw = d[base + P]!;
          sv += isLog ? Math.exp(raw) : raw;
        }
      }
      const o = n * P + p;
      const mu = sm / S;
      const ev = Math.max(0, sm2 / S - mu * mu);
      const av = sv / S;
      const t = Math.sqrt(av + ev);
      mean[o] = mu;
      ale[o] = Math.sqrt(av);
      epi[o] = Math.sqrt(ev);
      tot[o] = t;
      lo[o] = mu - z * t;
      hi[o] = mu + z * t;
    }
  }
  const pd = [N, ...spatial];
  return {
    mean: { data: mean, dims: pd }, aleatoricStd: { data: ale, dims: pd }, epistemicStd: { data: epi, dims: pd },
    totalStd: { data: tot, dims: pd }, lower: { data: lo, dims: pd }, upper: { data: hi, dims: pd }, level,
  };
}
