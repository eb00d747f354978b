// Bad inputs to the probability/label converters shared by every uncertainty function: each gives an
// UncertaintyInputError that names the argument and what to pass, never a bare TypeError or NaN results.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  brierScore, calibrationReport, softmax, toLabels, toMatrix, toVector, UncertaintyInputError,
} from "../../../kernel/src/eo/uncertainty/index.js";

const P = [[0.7, 0.3], [0.2, 0.8]];

test("probabilities that are not a tensor, nested arrays or matrix are named, not a TypeError", () => {
  assert.throws(() => calibrationReport(null as never, [0]), (e: unknown) => e instanceof UncertaintyInputError && /probs must be an N×K tensor .* got null/.test(e.message));
  assert.throws(() => brierScore(new Float32Array([0.7, 0.3]) as never, [0]), (e: unknown) => e instanceof UncertaintyInputError && /probs is a flat Float32Array: give its shape .*dims: \[N, K\]/.test(e.message));
  assert.throws(() => toMatrix([0.7, 0.3] as never), (e: unknown) => e instanceof UncertaintyInputError && /row 0 is 0.7, not a row of class scores/.test(e.message));
  assert.throws(() => toMatrix([[0.5, 0.5], 3] as never), (e: unknown) => e instanceof UncertaintyInputError && /row 1 is 3, not an array of 2 class scores/.test(e.message));
});

test("an empty tensor or negative dims is an error, not NaN metrics", () => {
  assert.throws(() => calibrationReport({ data: new Float32Array(0), dims: [0, 3] }, []), (e: unknown) => e instanceof UncertaintyInputError && /dims \[0, 3\]: every dimension must be a positive integer/.test(e.message));
  assert.throws(() => toMatrix({ data: new Float32Array(2), dims: [-1, -2] }), /dims \[-1, -2\]/);
  assert.throws(() => toMatrix({ data: new Float64Array(0), n: 0, k: 2 }), /n ≥ 1 rows and k ≥ 1 classes .* got n=0, k=2/);
});

test("labels that are not an array, or strings, say so", () => {
  assert.throws(() => brierScore(P, null as never), (e: unknown) => e instanceof UncertaintyInputError && /labels must be an array \(or typed array\) of 2 class indices, got null/.test(e.message));
  assert.throws(() => brierScore(P, 1 as never), /labels must be an array .* got 1/);
  // Before: 'labels[0] is 0, not a class index in 0..1' for the string "0".
  assert.throws(() => toLabels(["0", "1"] as never, 2, 2), /labels\[0\] is the string "0", not a class index in 0..1 \(labels must be numbers/);
});

test("score vectors given as rows of probabilities say to compute a score per sample", () => {
  assert.throws(() => toVector([[0.9, 0.1]] as never, undefined, "in-distribution scores"),
    (e: unknown) => e instanceof UncertaintyInputError && /in-distribution scores\[0\] is an array of 2 \(\[0\.9, 0\.1\]\), not a number: .*maxSoftmaxScore/.test(e.message));
  assert.throws(() => toVector(undefined as never, 3, "targets"), /targets must be an array \(or typed array\) of numbers, got undefined/);
});

test("softmax rejects nested arrays, 1-D tensors and non-positive temperatures (before: TypeError, zeros, NaN)", () => {
  assert.throws(() => softmax([[1, 2]] as never), (e: unknown) => e instanceof UncertaintyInputError && /softmax needs a tensor .* softmaxMatrix/.test(e.message));
  assert.throws(() => softmax({ data: new Float32Array([1, 2]), dims: [2] }), /dims \[2\]; add the batch axis: dims \[1, 2\]/);
  assert.throws(() => softmax({ data: new Float32Array([1, 2]), dims: [1, 2] }, 0), /temperature must be a finite number > 0, got 0/);
  const ok = softmax({ data: new Float32Array([0, Math.log(3)]), dims: [1, 2] });
  assert.ok(Math.abs(ok.data[1]! - 0.75) < 1e-6);
});
