/**
 * Probability/score matrices: conversion of user inputs (tensors, nested arrays) to a dense
 * row-major `n × k` matrix with one row per sample (or per pixel), plus softmax and checks.
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { LengthMismatchError, ProbabilityError, UncertaintyInputError } from "./errors.js";
import { describeValue } from "../../util/describe-value.js";

/** A dense row-major matrix: `n` rows (samples or pixels) × `k` columns (classes). */
export interface Matrix {
  data: Float64Array;
  n: number;
  k: number;
}

/**
 * Anything accepted where per-sample class scores are expected:
 * - a {@link Tensor} `N×K` (one row per sample) or `N×K×H×W…` (one row per pixel, in N,H,W order),
 * - nested arrays `[[p0, p1, …], …]`,
 * - a {@link Matrix}.
 */
export type MatrixInput = Tensor | readonly ArrayLike<number>[] | Matrix;

/**
 * Sum-to-one tolerance used by {@link checkProbabilities} (absolute, per row).
 * @example
 * ```ts
 * checkProbabilities(m, "probs", PROBABILITY_TOLERANCE);
 * ```
 */
export const PROBABILITY_TOLERANCE = 1e-3;

function isMatrix(x: MatrixInput): x is Matrix {
  return !Array.isArray(x) && typeof (x as Matrix).n === "number" && typeof (x as Matrix).k === "number";
}

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Converts an input to a {@link Matrix}. Tensors with spatial dims are transposed so that each
 * pixel becomes a row (rows ordered by sample, then row, then column).
 * @param input the scores
 * @param name what the input is called in error messages; default `"probs"`
 * @example
 * ```ts
 * toMatrix([[0.2, 0.8], [0.9, 0.1]]); // { n: 2, k: 2, data: Float64Array [0.2, 0.8, 0.9, 0.1] }
 * toMatrix({ data: new Float32Array(2 * 3 * 4), dims: [1, 2, 3, 4] }).n; // 12 pixels
 * ```
 */
export function toMatrix(input: MatrixInput, name = "probs"): Matrix {
  if (ArrayBuffer.isView(input)) {
    throw new UncertaintyInputError(
      `${name} is a flat ${input.constructor.name}: give its shape as a tensor { data, dims: [N, K] } or pass one row per sample as nested arrays.`,
    );
  }
  if (input === null || typeof input !== "object" || (!Array.isArray(input) && !("data" in input && isArrayLikeOfNumbers(input.data)))) {
    throw new UncertaintyInputError(
      `${name} must be an N×K tensor ({ data, dims }), nested arrays [[p0, p1, …], …] or a matrix { data, n, k }, got ${describeValue(input)}.`,
      { input: describeValue(input) },
    );
  }
  if (isMatrix(input)) {
    if (!(Number.isInteger(input.n) && input.n >= 1 && Number.isInteger(input.k) && input.k >= 1)) {
      throw new UncertaintyInputError(`${name} must have n ≥ 1 rows and k ≥ 1 classes (positive integers), got n=${input.n}, k=${input.k}.`, { n: input.n, k: input.k });
    }
    if (input.data.length !== input.n * input.k) {
      throw new LengthMismatchError(`${name} has ${input.data.length} values but n=${input.n} × k=${input.k} needs ${input.n * input.k}.`, input.n * input.k, input.data.length);
    }
    return input;
  }
  if (Array.isArray(input)) {
    const rows = input as readonly ArrayLike<number>[];
    const n = rows.length;
    if (n === 0) throw new UncertaintyInputError(`${name} is empty: give at least one row of class scores.`);
    const k = isArrayLikeOfNumbers(rows[0]) ? rows[0].length : 0;
    if (k === 0) {
      throw new UncertaintyInputError(
        `${name} row 0 is ${describeValue(rows[0])}, not a row of class scores: give one array of K ≥ 1 values per sample, e.g. [[0.2, 0.8], [0.9, 0.1]].`,
      );
    }
    const data = new Float64Array(n * k);
    rows.forEach((r, i) => {
      if (!isArrayLikeOfNumbers(r)) {
        throw new UncertaintyInputError(`${name} row ${i} is ${describeValue(r)}, not an array of ${k} class scores.`);
      }
      if (r.length !== k) {
        throw new LengthMismatchError(`${name} row ${i} has ${r.length} values but row 0 has ${k}; every row needs one value per class.`, k, r.length);
      }
      for (let j = 0; j < k; j++) data[i * k + j] = r[j]!;
    });
    return { data, n, k };
  }
  const t = input as Tensor;
  const dims = t.dims;
  if (!Array.isArray(dims)) {
    throw new UncertaintyInputError(`${name} is a tensor without dims: give { data, dims: [N, K] } (or [N, K, H, W]).`);
  }
  if (!dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new UncertaintyInputError(
      `${name} has dims [${dims.join(", ")}]: every dimension must be a positive integer (an empty batch has nothing to evaluate).`, { dims },
    );
  }
  if (dims.length < 2) {
    throw new UncertaintyInputError(`${name} must be N×K or N×K×H×W…, got dims [${dims.join(", ")}].`, { dims });
  }
  const total = dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== total) {
    throw new LengthMismatchError(`${name} has ${t.data.length} values but dims [${dims.join(", ")}] need ${total}.`, total, t.data.length);
  }
  const N = dims[0]!;
  const K = dims[1]!;
  const P = total / (N * K || 1);
  const data = new Float64Array(N * P * K);
  if (P === 1) {
    for (let i = 0; i < data.length; i++) data[i] = t.data[i]!;
  } else {
    for (let s = 0; s < N; s++) {
      for (let c = 0; c < K; c++) {
        const src = (s * K + c) * P;
        for (let p = 0; p < P; p++) data[(s * P + p) * K + c] = t.data[src + p]!;
      }
    }
  }
  return { data, n: N * P, k: K };
}

/**
 * Checks that every row is a probability distribution: finite values in [0, 1] summing to 1
 * within `tolerance`.
 * @throws {ProbabilityError} naming the first bad row and its sum.
 * @example
 * ```ts
 * checkProbabilities(toMatrix([[0.3, 0.7]])); // ok
 * checkProbabilities(toMatrix([[0.3, 0.6]])); // throws: row 0 sums to 0.9
 * ```
 */
export function checkProbabilities(m: Matrix, name = "probs", tolerance = PROBABILITY_TOLERANCE): Matrix {
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    for (let j = 0; j < m.k; j++) {
      const v = m.data[i * m.k + j]!;
      if (!(v >= 0 && v <= 1 + tolerance)) {
        throw new ProbabilityError(
          `${name} row ${i} class ${j} is ${v}, not a probability in [0, 1]. If these are logits, apply softmax() first.`,
          i, NaN,
        );
      }
      s += v;
    }
    if (Math.abs(s - 1) > tolerance) {
      throw new ProbabilityError(
        `${name} row ${i} sums to ${s.toPrecision(6)}, not 1 (tolerance ${tolerance}). If these are logits, apply softmax() first; otherwise normalize each row.`,
        i, s,
      );
    }
  }
  return m;
}

/**
 * {@link toMatrix} followed by {@link checkProbabilities}.
 * @example
 * ```ts
 * toProbabilities([[0.2, 0.8]]).k; // 2
 * ```
 */
export function toProbabilities(input: MatrixInput, name = "probs"): Matrix {
  return checkProbabilities(toMatrix(input, name), name);
}

/**
 * Converts labels to an Int32Array, checking the length against `n` rows and the range against `k` classes.
 * @throws {LengthMismatchError} when lengths differ; {@link UncertaintyInputError} for labels out of range.
 * @example
 * ```ts
 * toLabels([0, 2, 1], 3, 3); // Int32Array [0, 2, 1]
 * ```
 */
export function toLabels(labels: ArrayLike<number>, n: number, k?: number, name = "labels"): Int32Array {
  if (!isArrayLikeOfNumbers(labels)) {
    throw new UncertaintyInputError(
      `${name} must be an array (or typed array) of ${n} class indices, got ${describeValue(labels)}.`, { labels: describeValue(labels) },
    );
  }
  if (labels.length !== n) {
    throw new LengthMismatchError(
      `${name} has ${labels.length} entries but the predictions have ${n} rows; give one label per sample (or pixel).`,
      n, labels.length,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || (k !== undefined && v >= k)) {
      throw new UncertaintyInputError(
        `${name}[${i}] is ${typeof v === "number" ? v : describeValue(v)}, not a class index in 0..${k === undefined ? "K" : k - 1}` +
          `${typeof v === "number" ? "" : " (labels must be numbers, e.g. Int32Array or Number(...))"}.`,
        { index: i, value: v, classes: k },
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * Converts a numeric vector input and checks its length.
 * @example
 * ```ts
 * toVector([1, 2, 3], 3, "targets"); // Float64Array [1, 2, 3]
 * ```
 */
export function toVector(values: ArrayLike<number>, n: number | undefined, name: string): Float64Array {
  if (!isArrayLikeOfNumbers(values)) {
    throw new UncertaintyInputError(`${name} must be an array (or typed array) of numbers, got ${describeValue(values)}.`);
  }
  if (n !== undefined && values.length !== n) {
    throw new LengthMismatchError(`${name} has ${values.length} entries but ${n} are needed (one per sample).`, n, values.length);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== "number") {
      throw new UncertaintyInputError(
        `${name}[${i}] is ${describeValue(v)}, not a number: give one number per sample` +
          `${Array.isArray(v) || ArrayBuffer.isView(v) ? " (for class probabilities, compute a score per sample first, e.g. maxSoftmaxScore(probs))" : ""}.`,
        { index: i },
      );
    }
    if (!Number.isFinite(v)) throw new UncertaintyInputError(`${name}[${i}] is ${v}; every value must be finite.`, { index: i, value: v });
    out[i] = v;
  }
  return out;
}

/**
 * Checks a softmax temperature: a finite number > 0.
 * @throws {UncertaintyInputError} naming the value.
 * @example
 * ```ts
 * checkTemperature(2); // 2
 * checkTemperature(0); // throws
 * ```
 */
export function checkTemperature(temperature: number, name = "temperature"): number {
  if (typeof temperature !== "number" || !(temperature > 0 && Number.isFinite(temperature))) {
    throw new UncertaintyInputError(`${name} must be a finite number > 0, got ${describeValue(temperature)}. Use 1 for plain softmax.`, { temperature });
  }
  return temperature;
}

/**
 * Row-wise softmax of a matrix of logits, with optional temperature (`softmax(z / T)`).
 * @param logits `n × k` logits
 * @param temperature T > 0; default 1
 * @example
 * ```ts
 * softmaxMatrix(toMatrix([[0, Math.log(3)]])).data; // [0.25, 0.75]
 * ```
 */
export function softmaxMatrix(logits: Matrix, temperature = 1): Matrix {
  checkTemperature(temperature);
  const { n, k } = logits;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits.data[i * k + j]! / temperature);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits.data[i * k + j]! / temperature - m);
      out[i * k + j] = e;
      s += e;
    }
    for (let j = 0; j < k; j++) out[i * k + j]! /= s;
  }
  return { data: out, n, k };
}

/**
 * Softmax over the class axis (axis 1) of a tensor of logits (`N×K` or `N×K×H×W…`), returning a
 * float32 tensor of the same shape.
 * @param temperature T > 0; default 1
 * @example
 * ```ts
 * softmax({ data: new Float32Array([0, 0]), dims: [1, 2] }).data; // Float32Array [0.5, 0.5]
 * ```
 */
export function softmax(logits: Tensor, temperature = 1): Tensor {
  checkTemperature(temperature);
  if (logits === null || typeof logits !== "object" || !Array.isArray(logits.dims) || !ArrayBuffer.isView(logits.data)) {
    throw new UncertaintyInputError(
      `softmax needs a tensor { data, dims: [N, K(, H, W)] }, got ${describeValue(logits)}; for nested arrays use softmaxMatrix(toMatrix(rows)).`,
    );
  }
  const dims = logits.dims;
  if (dims.length < 2) {
    throw new UncertaintyInputError(`softmax works over the class axis (axis 1) of an N×K(×H×W) tensor, got dims [${dims.join(", ")}]; add the batch axis: dims [1, ${dims[0] ?? "K"}].`, { dims });
  }
  const N = dims[0]!;
  const K = dims[1]!;
  const P = logits.data.length / (N * K);
  const out = new Float32Array(logits.data.length);
  for (let s = 0; s < N; s++) {
    const base = s * K * P;
    for (let p = 0; p < P; p++) {
      let m = -Infinity;
      for (let c = 0; c < K; c++) m = Math.max(m, logits.data[base + c * P + p]! / temperature);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(logits.data[base + c * P + p]! / temperature - m);
      for (let c = 0; c < K; c++) out[base + c * P + p] = Math.exp(logits.data[base + c * P + p]! / temperature - m) / sum;
    }
  }
  return { data: out, dims: [...dims] };
}

/**
 * Index of the largest value in row `i`.
 * @example
 * ```ts
 * argmaxRow(toMatrix([[0.1, 0.7, 0.2]]), 0); // 1
 * ```
 */
export function argmaxRow(m: Matrix, i: number): number {
  let best = 0;
  let bv = -Infinity;
  for (let j = 0; j < m.k; j++) {
    const v = m.data[i * m.k + j]!;
    if (v > bv) { bv = v; best = j; }
  }
  return best;
}
