// Bad inputs to the randomization sanity check and its correlations: errors, not a silently passed check.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Predictor } from "../../../kernel/src/eo/model/tensor.js";
import { AttributionMap, ExplainInputError, pearson, sanityCheck, spearman } from "../../../kernel/src/eo/explain/index.js";

const a = { predict: async () => ({ data: new Float32Array(1), dims: [1, 1] }) } as Predictor;
const b = { predict: async () => ({ data: new Float32Array(1), dims: [1, 1] }) } as Predictor;
const map = (dims: [number, number, number], f: (i: number) => number) =>
  new AttributionMap({ method: "m", data: Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, i) => f(i)), dims, targets: new Int32Array(dims[0]), baseScores: new Float64Array(dims[0]), passes: 1 });

test("a threshold outside (0, 1] is refused (before: 2 passed identical maps, NaN or -1 failed every check)", async () => {
  const same = async () => map([1, 4, 4], (i) => i);
  for (const threshold of [2, -1, Number.NaN, "0.5"]) {
    await assert.rejects(sanityCheck(same, a, b, { threshold: threshold as never }),
      (e: unknown) => e instanceof ExplainInputError && /threshold must be a correlation in \(0, 1\]/.test(e.message), String(threshold));
  }
  assert.equal((await sanityCheck(same, a, b)).passed, false);
});

test("explain that is not a function, returns no map, or maps of different shapes are named (before: TypeErrors, or a comparison of unrelated pixels)", async () => {
  await assert.rejects(sanityCheck(null as never, a, b), /explain must be a function \(model\) => attribution/);
  await assert.rejects(sanityCheck((async () => ({})) as never, a, b), /explain returned an object \(\{\}\) for the trained model; it must return an AttributionMap/);
  await assert.rejects(sanityCheck(async (m) => (m === a ? map([1, 8, 8], (i) => i) : map([2, 4, 8], (i) => i)), a, b), /differ in shape \(\[1, 8, 8\] vs \[2, 4, 8\]\)/);
});

test("correlations of different lengths or with NaN are errors (before: pearson gave NaN, spearman 1)", () => {
  assert.throws(() => pearson([1, 2, 3], [1, 2]), /Cannot correlate 3 and 2 values/);
  assert.throws(() => spearman([Number.NaN, 1, 2], [1, 2, 3]), /Value 0 is NaN; rank correlations need finite values/);
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
});
