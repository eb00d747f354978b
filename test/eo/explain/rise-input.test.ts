// Bad RISE options: seeds that would silently repeat or be truncated, string keep, too many masks for memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExplainInputError, MAX_RISE_MASK_VALUES, riseMasks } from "../../../kernel/src/eo/explain/index.js";

test("non-integer, negative or too large seeds are refused (before: 1.5 was truncated and 2**32 gave seed 0's masks)", () => {
  for (const seed of [1.5, -1, 2 ** 32, Number.NaN, "7"]) {
    assert.throws(() => riseMasks(8, 8, { masks: 2, seed: seed as never }),
      (e: unknown) => e instanceof ExplainInputError && /seed must be an integer in 0..4294967295 \(the generator has 32 bits of state\)/.test(e.message), String(seed));
  }
  assert.deepEqual(riseMasks(8, 8, { masks: 2, seed: 7 }), riseMasks(8, 8, { masks: 2, seed: 7 }));
});

test("keep given as a string is refused", () => {
  assert.throws(() => riseMasks(8, 8, { masks: 2, keep: "0.5" as never }), /keep must be a number in \(0, 1\), got the string "0.5"/);
});

test("more masks than fit in memory is an ExplainInputError saying how many fit (before: a bare RangeError 'Invalid typed array length')", () => {
  assert.throws(() => riseMasks(256, 256, { masks: 100_000 }),
    (e: unknown) => e instanceof ExplainInputError && new RegExp(`100000 masks of 256×256 need 6553600000 values .* use at most ${Math.floor(MAX_RISE_MASK_VALUES / 65536)} masks`).test(e.message));
});
