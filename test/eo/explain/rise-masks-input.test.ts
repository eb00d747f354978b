// More bad RISE inputs: patch sizes that are not positive integers (empty or fractional masks before)
// and counts given as strings, which the messages showed as if they were numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { ExplainInputError, rise, riseMasks } from "../../../kernel/src/eo/explain/index.js";

const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("H and W must be positive integers (before: NaN gave an empty array, 1.5 a fractional patch, '8' a string size, 0 a message about cells)", () => {
  assert.throws(() => riseMasks(Number.NaN, 8, { masks: 2, cells: 2 }), isInputError(/H must be a positive integer \(the patch height in pixels\), got NaN/));
  assert.throws(() => riseMasks(8, 1.5, { masks: 2, cells: 1 }), isInputError(/W must be a positive integer \(the patch width in pixels\), got 1.5/));
  assert.throws(() => riseMasks("8" as never, 8, { masks: 2, cells: 2 }), isInputError(/H must be a positive integer .*got the string "8"/));
  assert.throws(() => riseMasks(0, 8, { masks: 2 }), isInputError(/H must be a positive integer .*got 0/));
  assert.throws(() => riseMasks(8, 8, null as never), isInputError(/options must be an object such as \{ masks: 1000 \}, got null/));
  assert.equal(riseMasks(8, 6, { masks: 2, cells: 2 }).length, 96);
});

test("masks and cells given as strings are named as strings (before: 'masks must be a positive integer, got 4' for \"4\")", async () => {
  const x: Tensor = { data: Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => Math.sin(i)), dims: [1, 3, 8, 8] };
  await assert.rejects(rise(bandZeroAndNegation, x, { progress: false, masks: "4" as never }), isInputError(/masks must be a positive integer, got the string "4"/));
  await assert.rejects(rise(bandZeroAndNegation, x, { progress: false, masks: 4, cells: "2" as never }), isInputError(/cells must be an integer in 1..8 for a 8×8 patch, got the string "2"/));
  await assert.rejects(rise(bandZeroAndNegation, x, null as never), isInputError(/options must be an object/));
});
