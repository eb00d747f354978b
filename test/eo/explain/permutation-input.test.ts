// Bad inputs to permutation importance: unknown metrics, bad targets, wrong data length — errors, not zeros or NaN.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { ExplainInputError, permutationImportance } from "../../../kernel/src/eo/explain/index.js";

/** y = 3·x0 − x1 (one output). */
const reg = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N, F] = x.dims as [number, number];
    const out = new Float32Array(N);
    for (let n = 0; n < N; n++) out[n] = 3 * x.data[n * F]! - x.data[n * F + 1]!;
    return { data: out, dims: [N, 1] };
  },
};
const X: Tensor = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [3, 2] };
const q = { progress: false };

test("an unknown metric is refused (before: 'r2' silently used accuracy: all importances 0)", async () => {
  await assert.rejects(permutationImportance(reg, X, [1, 2, 3], { ...q, metric: "r2" as never }),
    (e: unknown) => e instanceof ExplainInputError && /metric must be "mse", "accuracy" or a function \(output, y\) => score/.test(e.message));
});

test("NaN, string or missing targets are named (before: NaN importances, string coercion, a TypeError)", async () => {
  await assert.rejects(permutationImportance(reg, X, [1, Number.NaN, 3], q), /y\[1\] is NaN; every target must be a finite number/);
  await assert.rejects(permutationImportance(reg, X, ["1", "2", "3"] as never, q), /y\[0\] is the string "1"/);
  await assert.rejects(permutationImportance(reg, X, null as never, q), /y must be an array of 3 targets, got null/);
});

test("accuracy with labels outside the model's classes is refused (before: accuracy 0 and importances 0)", async () => {
  await assert.rejects(permutationImportance(reg, X, [1, 0, 0], { ...q, metric: "accuracy" }), /y\[0\] is 1, not a class index in 0..0 of this 1-output model; the accuracy metric needs class labels \(use metric: "mse"/);
  await assert.rejects(permutationImportance(reg, X, [0.5, 1, 2], { ...q, metric: "accuracy" }), /y\[0\] is 0.5, not a class index in 0..0 of this 1-output model/);
});

test("a data length that does not match the dims, an empty table and a fractional seed are refused (before: NaN, a concatBatch error, a silent seed)", async () => {
  await assert.rejects(permutationImportance(reg, { data: new Float32Array(3), dims: [3, 2] }, [1, 2, 3], q), /The input has 3 values but dims \[3, 2\] need 6/);
  await assert.rejects(permutationImportance(reg, { data: new Float32Array(0), dims: [0, 2] }, [], q), /needs at least one row and one feature, got dims \[0, 2\]/);
  await assert.rejects(permutationImportance(reg, X, [1, 2, 3], { ...q, seed: 1.5 }), /seed must be an integer in 0..4294967295/);
  const ok = await permutationImportance(reg, X, [5, 10, 15], { ...q, repeats: 2 });
  assert.equal(ok.mean.length, 2);
});
