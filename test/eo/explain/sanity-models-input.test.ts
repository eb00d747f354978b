// More bad inputs to the randomization sanity check: the same model twice, a constant trained map,
// correlations of non-arrays or of fewer than 2 values — errors, not a silently passed or failed check.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Predictor } from "../../../kernel/src/eo/model/tensor.js";
import { AttributionMap, ExplainInputError, pearson, sanityCheck, spearman } from "../../../kernel/src/eo/explain/index.js";

const model = () => ({ predict: async () => ({ data: new Float32Array(1), dims: [1, 1] }) }) as Predictor;
const a = model(), b = model();
const map = (f: (i: number) => number) =>
  new AttributionMap({ method: "m", data: Float32Array.from({ length: 16 }, (_, i) => f(i)), dims: [1, 4, 4], targets: new Int32Array(1), baseScores: new Float64Array(1), passes: 1 });
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("the same model as trained and randomized is refused (before: 'FAILED (maps stay similar)', blaming the method)", async () => {
  await assert.rejects(sanityCheck(async () => map((i) => i), a, a), isInputError(/trained and randomized are the same model, so the maps can only agree; pass a copy with randomized weights/));
  await assert.rejects(sanityCheck(async () => map((i) => i), a, null as never), isInputError(/The randomized model must be an object with a predict\(\) method/));
  await assert.rejects(sanityCheck(async () => map((i) => i), a, b, null as never), isInputError(/options must be an object such as \{ threshold: 0.5 \}, got null/));
});

test("a constant trained map is refused (before: the check PASSED, ρ = 0 by convention, for two identical all-zero maps)", async () => {
  await assert.rejects(sanityCheck(async () => map(() => 0), a, b), isInputError(/The trained model's attribution map of item 0 is constant \(\|value\| 0 everywhere\): it ranks no pixel/));
  // A constant map of the randomized model alone differs from the trained one: that still passes.
  const check = await sanityCheck(async (m) => (m === a ? map((i) => i) : map(() => 1)), a, b);
  assert.equal(check.passed, true);
});

test("correlations need two arrays of at least 2 numbers (before: null a TypeError, strings 'Value 0 is a', empty or single values gave 0)", () => {
  assert.throws(() => pearson(null as never, [1, 2]), isInputError(/The first sequence to correlate is null; give two arrays \(or typed arrays\) of numbers/));
  assert.throws(() => spearman([1, 2], "ab" as never), isInputError(/The second sequence to correlate is the string "ab"/));
  assert.throws(() => pearson([1, "2"] as never, [1, 2]), isInputError(/Value 1 of the first sequence is the string "2"; correlations need numbers/));
  assert.throws(() => pearson([], []), isInputError(/Cannot correlate 0 value\(s\); a correlation needs at least 2 pairs/));
  assert.throws(() => spearman([1], [2]), isInputError(/Cannot correlate 1 value\(s\)/));
  assert.equal(spearman([1, 2], [3, 4]), 1);
});
