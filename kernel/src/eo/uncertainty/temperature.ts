/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 fitted on a validation split by
 * minimizing the NLL of softmax(logits / T), then applied to new logits.
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, textTable } from "./html.js";
import { softmax, softmaxMatrix, toLabels, toMatrix, type Matrix, type MatrixInput } from "./matrix.js";
import { describeValue } from "../../util/describe-value.js";

function nllAt(z: Matrix, y: Int32Array, beta: number): { f: number; g: number; h: number } {
  // f(β) = mean(logsumexp(β z) − β z_y); convex in β = 1/T.
  let f = 0, g = 0, h = 0;
  const k = z.k;
  for (let i = 0; i < z.n; i++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, beta * z.data[i * k + j]!);
    let s = 0, sz = 0, szz = 0;
    for (let j = 0; j < k; j++) {
      const zj = z.data[i * k + j]!;
      const e = Math.exp(beta * zj - m);
      s += e; sz += e * zj; szz += e * zj * zj;
    }
    const ez = sz / s;
    f += m + Math.log(s) - beta * z.data[i * k + y[i]!]!;
    g += ez - z.data[i * k + y[i]!]!;
    h += szz / s - ez * ez;
  }
  return { f: f / z.n, g: g / z.n, h: h / z.n };
}

/**
 * A fitted temperature: apply it to logits to get calibrated probabilities. Displays its NLL before/after.
 * @example
 * ```ts
 * const scaler = fitTemperature(valLogits, valLabels);
 * scaler.apply(testLogits);
 * ```
 */
export class TemperatureScaler {
  /** The fitted temperature T (> 1 softens over-confident models). */
  readonly temperature: number;
  /** Validation NLL before (T = 1) and after scaling. */
  readonly nllBefore: number;
  readonly nllAfter: number;

  constructor(temperature: number, nllBefore: number, nllAfter: number) {
    this.temperature = temperature;
    this.nllBefore = nllBefore;
    this.nllAfter = nllAfter;
  }

  /**
   * Calibrated probabilities softmax(logits / T) for an `N×K(×H×W)` logits tensor.
   * @example
   * ```ts
   * const probs = scaler.apply(await model.predict(x));
   * ```
   */
  apply(logits: Tensor): Tensor {
    if (Array.isArray(logits)) {
      throw new UncertaintyInputError("apply() takes a logits tensor { data, dims }; for nested arrays of logits use applyMatrix().");
    }
    return softmax(logits, this.temperature);
  }

  /** Calibrated probabilities for logits given as nested arrays or a matrix. */
  applyMatrix(logits: MatrixInput): Matrix {
    return softmaxMatrix(toMatrix(logits, "logits"), this.temperature);
  }

  [DISPLAY](): Record<string, string> {
    const rows: [string, number][] = [["temperature", this.temperature], ["validation NLL before", this.nllBefore], ["validation NLL after", this.nllAfter]];
    return { "text/plain": textTable("Temperature scaling", ["", "value"], rows), "text/html": htmlTable("Temperature scaling", ["", "value"], rows) };
  }
}

/**
 * Fits a temperature on validation logits and labels (Newton's method on β = 1/T, where the NLL
 * is convex, with step halving; converges to |∂NLL/∂β| < 1e-10 or 100 iterations).
 * @param logits validation logits `N×K` (or `N×K×H×W` per pixel), NOT probabilities
 * @param labels validation labels
 * @example
 * ```ts
 * const scaler = fitTemperature(valLogits, valLabels);
 * scaler.temperature; // e.g. 2.3 for an over-confident model
 * const calibrated = scaler.apply(testLogits);
 * ```
 */
export function fitTemperature(logits: MatrixInput, labels: ArrayLike<number>): TemperatureScaler {
  const z = toMatrix(logits, "logits");
  const y = toLabels(labels, z.n, z.k);
  if (z.n < 2) throw new UncertaintyInputError(`Temperature scaling needs a validation split of at least 2 samples, got ${z.n}.`, { n: z.n });
  let probabilityRows = 0;
  for (let i = 0; i < z.n; i++) {
    let s = 0, inUnit = true;
    for (let j = 0; j < z.k; j++) {
      const v = z.data[i * z.k + j]!;
      if (!Number.isFinite(v)) {
        throw new UncertaintyInputError(`logits row ${i} class ${j} is ${v}; temperature scaling needs finite logits (drop rows with NaN/nodata inputs).`, { row: i, value: v });
      }
      s += v;
      if (v < 0 || v > 1) inUnit = false;
    }
    if (inUnit && Math.abs(s - 1) <= 1e-3) probabilityRows++;
  }
  if (z.k > 1 && probabilityRows === z.n) {
    throw new UncertaintyInputError(
      `These look like probabilities, not logits: every row of logits is in [0, 1] and sums to 1. fitTemperature needs the model's raw logits ` +
        `(model.predict output before softmax); if you only have probabilities, pass their logarithms (rows.map((r) => r.map(Math.log))).`,
      { n: z.n },
    );
  }
  let beta = 1;
  let cur = nllAt(z, y, beta);
  const before = cur.f;
  for (let it = 0; it < 100 && Math.abs(cur.g) > 1e-10; it++) {
    let step = cur.h > 1e-12 ? -cur.g / cur.h : -Math.sign(cur.g) * beta * 0.5;
    let next = beta + step;
    let tries = 0;
    while ((next <= 0 || nllAt(z, y, next).f > cur.f + 1e-15) && tries < 60) {
      step /= 2;
      next = beta + step;
      tries++;
    }
    if (tries === 60) break;
    beta = next;
    cur = nllAt(z, y, beta);
  }
  return new TemperatureScaler(1 / beta, before, cur.f);
}

/**
 * A predictor whose outputs are the given model's logits divided by the fitted temperature, so any
 * code that takes a model (whole-scene inference, MC dropout, conformal calibration) gets calibrated
 * probabilities. Everything else (e.g. a loaded model's card) is inherited from `predictor`.
 * @param predictor a classification or segmentation model returning logits
 * @param temperature a {@link TemperatureScaler} or a temperature T > 0
 * @example
 * ```ts
 * const calibrated = withTemperature(model, fitTemperature(valLogits, valLabels));
 * const u = await sceneUncertainty(calibrated, scene);
 * ```
 */
export function withTemperature<P extends Predictor>(predictor: P, temperature: TemperatureScaler | number): P {
  if (predictor === null || typeof predictor !== "object" || typeof predictor.predict !== "function") {
    throw new UncertaintyInputError(`withTemperature needs a model (an object with a predict() method), got ${describeValue(predictor)}.`);
  }
  const T = temperature instanceof TemperatureScaler ? temperature.temperature : temperature;
  if (typeof T !== "number" || !(T > 0 && Number.isFinite(T))) {
    throw new UncertaintyInputError(
      `The temperature must be a positive number, got ${describeValue(T)}; pass fitTemperature()'s result or a number such as 1.5.`,
      { temperature: T },
    );
  }
  const wrapped = Object.create(predictor) as P;
  wrapped.predict = async (input, options) => {
    const out = await predictor.predict(input, options);
    return { data: out.data.map((v) => v / T), dims: out.dims };
  };
  return wrapped;
}
