// More bad inputs to deletion/insertion curves: a map made for another patch shape, nested arrays,
// and the exported helpers given unequal or non-finite values.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { AttributionMap, deletionCurve, ExplainInputError, insertionCurve, rankPixels, trapezoid } from "../../../kernel/src/eo/explain/index.js";

const seg = bandZeroAndNegation;
const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i)), dims: [2, 3, 8, 8] };
const q = { progress: false, target: 0 };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("an AttributionMap of another shape with as many values is refused (before: a 2×4×16 map ranked the 8×8 pixels silently)", async () => {
  const wrong = new AttributionMap({ method: "m", data: Float32Array.from({ length: 128 }, (_, i) => i), dims: [2, 4, 16], targets: new Int32Array(2), baseScores: new Float64Array(2), passes: 1 });
  await assert.rejects(deletionCurve(seg, x, wrong, q), isInputError(/The attribution map has dims \[2, 4, 16\] but the input is 2 item\(s\) of 8×8; use the map made for this input \(dims \[2, 8, 8\]\)/));
  const right = new AttributionMap({ method: "m", data: wrong.data, dims: [2, 8, 8], targets: new Int32Array(2), baseScores: new Float64Array(2), passes: 1 });
  assert.equal((await insertionCurve(seg, x, right, q)).auc.length, 2);
});

test("nested arrays and null options are named (before: 'item 0 pixel 0 is NaN', a TypeError)", async () => {
  await assert.rejects(deletionCurve(seg, x, [Array.from({ length: 128 }, () => 1)] as never, q), isInputError(/The attribution values must be numbers \(N×H×W values, flat\), but value 0 is an array of 128/));
  await assert.rejects(deletionCurve(seg, x, new Float32Array(128), null as never), isInputError(/options must be an object such as \{ steps: 20 \}, got null/));
});

test("trapezoid of unequal lengths and rankPixels of NaN are errors (before: NaN area, an arbitrary order)", () => {
  assert.throws(() => trapezoid([0, 0.5, 1], [1, 0]), isInputError(/trapezoid needs one y per x, got 3 x and 2 y values/));
  assert.throws(() => rankPixels([0.1, Number.NaN, 0.5]), isInputError(/Pixel 1 of the map is NaN; pixels cannot be ranked/));
  assert.deepEqual(Array.from(rankPixels([0.1, 0.9, 0.5])), [1, 2, 0]);
});
