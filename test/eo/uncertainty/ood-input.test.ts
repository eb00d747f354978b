// Bad inputs to the OOD scores and metrics: errors instead of NaN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { averagePrecision, energyScore, fprAtTpr, rocAuc, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";

test("energy score: a bad temperature or non-finite logits are errors (before: NaN or a sign-flipped score)", () => {
  assert.throws(() => energyScore([[1, 2]], 0), (e: unknown) => e instanceof UncertaintyInputError && /temperature must be a finite number > 0, got 0/.test(e.message));
  assert.throws(() => energyScore([[1, 2]], -1), /got -1/);
  assert.throws(() => energyScore([[1, 2]], { temperature: 2 } as never), /got an object/);
  assert.throws(() => energyScore([[1, 2], [NaN, 2]]), /logits row 1 class 0 is NaN; the energy score needs finite logits/);
  assert.ok(Math.abs(energyScore([[0, 0]])[0]! + Math.log(2)) < 1e-12);
});

test("ranking metrics on an empty set are errors (before: NaN AUROC/AP and FPR 1)", () => {
  assert.throws(() => rocAuc([], [1, 2]), (e: unknown) => e instanceof UncertaintyInputError && /positive scores are empty/.test(e.message));
  assert.throws(() => averagePrecision([1], []), /negative scores are empty/);
  assert.throws(() => fprAtTpr([], [0.8]), /in-distribution scores are empty/);
});

test("fprAtTpr: a TPR given in percent is refused (before: 95 silently returned 1)", () => {
  assert.throws(() => fprAtTpr([0.1, 0.2], [0.8, 0.9], 95), /tpr must be a rate in \(0, 1\], got 95; e.g. 0.95/);
  assert.equal(fprAtTpr([0.1, 0.2], [0.8, 0.9], 0.95), 0);
});
