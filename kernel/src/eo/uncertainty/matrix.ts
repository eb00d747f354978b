/**
 * Probability/score matrices: conversion of user inputs (tensors, nested arrays) to a dense
 * row-major `n × k` matrix with one row per sample (or per pixel), plus softmax and checks.
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { LengthMismatchError, ProbabilityError, UncertaintyInputError } from "./errors.js";

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
  if (isMatrix(input)) {
    if (input.data.length !== input.n * input.k) {
      throw new LengthMismatchError(`${name} has ${input.data.length} values but n=${input.n} × k=${input.k} needs ${input.n * input.k}.`, input.n * input.k, input.data.length);
    }
    return input;
  }
  if (Array.isArray(input)) {
    const rows = input as readonly ArrayLike<number>[];
    const n = rows.length;
    if (n === 0) throw new UncertaintyInputError(`${name} is empty: give at least one row of class scores.`);
    const k = rows[0]!.length;
    const data = new Float64Array(n * k);
    rows.forEach((r, i) => {
      if (r.length !== k) {
        throw new LengthMismatchError(`${name} row ${i} has ${r.length} values but row 0 has ${k}; every row needs one value per class.`, k, r.length);
      }
      for (let j = 0; j < k; j++) data[i * k + j] = r[j]!;
    });
    return { data, n, k };
  }
  const t = input as Tensor;
  const dims = t.dims;
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
        `${name}[${i}] is ${v}, not a class index in 0..${k === undefined ? "K" : k - 1}.`,
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
  if (n !== undefined && values.length !== n) {
    throw new LengthMismatchError(`${name} has ${values.length} entries but ${n} are needed (one per sample).`, n, values.length);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new UncertaintyInputError(`${name}[${i}] is ${v}; every value must be finite.`, { index: i, value: v });
    out[i] = v;
  }
  return out;
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
  const dims = logits.dims;
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
