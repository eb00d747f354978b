// Bad options of the calibration functions: errors naming the option, never an out-of-memory crash
// or a silently different binning.
import { test } from "node:test";
import assert from "node:assert/strict";
import { calibrationReport, expectedCalibrationError, MAX_BINS, reliability, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";

const P = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.1, 0.9]];
const Y = [0, 1, 1, 1];

test("a huge bin count is refused (before: the process died out of memory at bins: 1e9)", () => {
  assert.throws(() => calibrationReport(P, Y, { bins: 1e9 }), (e: unknown) => e instanceof UncertaintyInputError && new RegExp(`bins must be an integer in 1..${MAX_BINS}, got 1000000000; 10 or 15 is usual`).test(e.message));
  assert.throws(() => expectedCalibrationError(P, Y, { bins: "10" as never }), /bins must be an integer in 1..100000, got the string "10"/);
});

test("an unknown binning is refused (before: anything but 'uniform' silently meant 'quantile')", () => {
  assert.throws(() => reliability(P, Y, { binning: "equal" as never }), (e: unknown) => e instanceof UncertaintyInputError && /binning must be "uniform" \(equal width\) or "quantile" \(equal mass\), got the string "equal"/.test(e.message));
});

test("a target class given as a string says it must be a number (before: 'target class 1 is not in 0..1')", () => {
  assert.throws(() => reliability(P, Y, { target: "1" as never }), /target must be "top" or a class index in 0..1 \(a number\), got the string "1"/);
  assert.equal(reliability(P, Y, { target: 1, bins: 2 }).n, 4);
});
