// Bad inputs to conformal prediction: wrong option types, unknown methods, test probabilities with a
// different number of classes — errors, not silently different prediction sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AlphaRangeError, conformalClassifier, conformalQuantile, conformalQuantileRegressor, conformalRegressor, LengthMismatchError, UncertaintyInputError,
} from "../../../kernel/src/eo/uncertainty/index.js";

const P = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.1, 0.9]];
const Y = [0, 1, 1, 1];

test("alpha as a string or options as a number are named (before: '0.5' was kept as a string, a bare 0.5 silently meant alpha 0.1)", () => {
  assert.throws(() => conformalRegressor([1, 2, 3, 4], [1, 2, 3, 4], { alpha: "0.5" as never }),
    (e: unknown) => e instanceof UncertaintyInputError && !(e instanceof AlphaRangeError) && /alpha must be a number in \(0, 1\), got the string "0.5"/.test(e.message));
  assert.throws(() => conformalRegressor([1, 2, 3, 4], [1, 2, 3, 4], 0.5 as never), /conformalRegressor's options must be an object such as \{ alpha: 0.1 \}, got 0.5/);
  assert.throws(() => conformalClassifier(P, Y, { alpha: 1.5 }), AlphaRangeError);
});

test("an unknown method is refused (before: 'raps' silently ran APS)", () => {
  assert.throws(() => conformalClassifier(P, Y, { alpha: 0.5, method: "raps" as never }), /method must be "lac" \(smallest sets\) or "aps" \(adaptive sets\), got the string "raps"/);
});

test("test probabilities with another number of classes are refused (before: sets of the wrong classes)", () => {
  const cp = conformalClassifier(P, Y, { alpha: 0.5 });
  assert.equal(cp.classes, 2);
  assert.throws(() => cp.predictSets([[0.2, 0.3, 0.5]]), (e: unknown) => e instanceof LengthMismatchError && e.expected === 2 && e.actual === 3 && /calibrated on 2/.test(e.message));
  assert.equal(cp.setSizes(P).length, 4);
});

test("setSizeMap checks its tensor and index (before: a TypeError, 'probs has 0 values', or a silent 0.5 index)", () => {
  const cp = conformalClassifier(P, Y, { alpha: 0.5 });
  const seg = { data: new Float32Array(16).fill(0.5), dims: [2, 2, 2, 2] };
  assert.throws(() => cp.setSizeMap([[0.5, 0.5]] as never), /setSizeMap needs an N×K×H×W probability tensor \{ data, dims \}, got an array of 1 \(\[\[0\.5, 0\.5\]\]\)/);
  assert.throws(() => cp.setSizeMap(seg, { index: 3 }), /index 3 is not an item of the batch of 2: use an integer in 0..1/);
  assert.throws(() => cp.setSizeMap(seg, { index: 0.5 }), /index 0.5 is not an item/);
  assert.equal(cp.setSizeMap(seg, { index: 1 }).width, 2);
});

test("CQR given a plain array and NaN scores are named", () => {
  assert.throws(() => conformalQuantileRegressor([1, 2, 3] as never, [1, 2, 3]), /needs \{ lower, upper \} quantile predictions, got an array of 3 \(\[1, 2, 3\]\); for point predictions use conformalRegressor/);
  assert.throws(() => conformalQuantile(Float64Array.from([NaN, 1, 2, 3]), 0.5), /Calibration score 0 is NaN/);
});
