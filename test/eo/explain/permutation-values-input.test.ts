// More bad inputs to permutation importance: NaN features, one row, feature names that are not
// strings, a metric or a model giving NaN — errors instead of NaN or all-zero importances.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { ExplainInputError, permutationImportance } from "../../../kernel/src/eo/explain/index.js";

/** y = 2·x0 + x1 (a one-output regression model). */
const reg = {
  async predict(t: Tensor): Promise<Tensor> {
    const [N, F] = t.dims as [number, number];
    const o = new Float32Array(N);
    for (let i = 0; i < N; i++) o[i] = 2 * t.data[i * F]! + t.data[i * F + 1]!;
    return { data: o, dims: [N, 1] };
  },
};
const X: Tensor = { data: Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), dims: [10, 2] };
const y = Array.from({ length: 10 }, (_, i) => 2 * X.data[i * 2]! + X.data[i * 2 + 1]!);
const q = { progress: false };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("NaN features and a single row are refused (before: NaN importances; all importances 0)", async () => {
  const d = X.data.slice();
  d[3] = Number.NaN;
  await assert.rejects(permutationImportance(reg, { data: d, dims: [10, 2] }, y, q), isInputError(/The input row 1 feature 1 is NaN; importances would be NaN/));
  await assert.rejects(permutationImportance(reg, { data: X.data.slice(0, 2), dims: [1, 2] }, y.slice(0, 1), q),
    isInputError(/permutationImportance needs at least 2 rows: shuffling a single row changes nothing/));
});

test("featureNames must be strings (before: 'ab' gave the names a and b, numbers were kept)", async () => {
  await assert.rejects(permutationImportance(reg, X, y, { ...q, featureNames: "ab" as never }), isInputError(/featureNames must be an array of 2 strings \(one name per column\), got the string "ab"/));
  await assert.rejects(permutationImportance(reg, X, y, { ...q, featureNames: [1, 2] as never }), isInputError(/got an array of 2 \(\[1, 2\]\) with non-strings/));
  assert.deepEqual((await permutationImportance(reg, X, y, { ...q, featureNames: ["a", "b"] })).features, ["a", "b"]);
});

test("a metric or a model giving NaN is named (before: NaN importances)", async () => {
  await assert.rejects(permutationImportance(reg, X, y, { ...q, metric: () => Number.NaN }), isInputError(/The metric returned NaN for the unshuffled data; it must return a finite number/));
  let calls = 0;
  const late = (out: Tensor, t: ArrayLike<number>) => (++calls > 1 ? Number.NaN : -Math.abs(out.data[0]! - t[0]!));
  await assert.rejects(permutationImportance(reg, X, y, { ...q, metric: late, featureNames: ["x0", "x1"] }), isInputError(/The metric returned NaN for the data with x0 shuffled \(repeat 0\)/));
  const nan = { async predict(t: Tensor): Promise<Tensor> { return { data: new Float32Array(t.dims[0]!).fill(Number.NaN), dims: [t.dims[0]!, 1] }; } };
  await assert.rejects(permutationImportance(nan, X, y, q), isInputError(/The model returned NaN for row 0 of the input; the scores would be NaN/));
});

test("options, signal and onProgress of the wrong kind are named (before: TypeErrors)", async () => {
  await assert.rejects(permutationImportance(reg, X, y, null as never), isInputError(/options must be an object such as \{ repeats: 5 \}, got null/));
  await assert.rejects(permutationImportance(reg, X, y, { ...q, signal: {} as never }), isInputError(/signal must be an AbortSignal/));
  await assert.rejects(permutationImportance(reg, X, y, { ...q, onProgress: 3 as never }), isInputError(/onProgress must be a function/));
});
