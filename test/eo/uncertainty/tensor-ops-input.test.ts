// repeatBatch with a count that is not a whole number ≥ 1, or a result over MAX_REPEAT_VALUES: an
// UncertaintyInputError naming the sizes and what to do. Before: -1 and Infinity were a bare
// 'Invalid typed array length', 1.5 a bare 'offset is out of bounds', 0 and NaN an empty tensor of
// dims [0, …] or [NaN, …], and 2e5 copies of a 3×64×64 patch silently allocated 9.8 GB.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { MAX_REPEAT_VALUES, repeatBatch, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";

const patch: Tensor = { data: new Float32Array(3 * 64 * 64), dims: [1, 3, 64, 64] };

test("repeatBatch times must be a whole number of copies ≥ 1", () => {
  for (const times of [0, -1, Number.NaN, 1.5, Infinity]) {
    assert.throws(() => repeatBatch(patch, times), (e: unknown) => e instanceof UncertaintyInputError &&
      e.message.startsWith("repeatBatch: times must be a whole number of copies ≥ 1, got ") && Object.is(e.details["times"], times), String(times));
  }
  assert.throws(() => repeatBatch(patch, "2" as never), UncertaintyInputError);
});

test("repeatBatch over MAX_REPEAT_VALUES names the sizes and how many copies fit, before allocating", () => {
  assert.equal(MAX_REPEAT_VALUES, 2 ** 28);
  for (const times of [1e6, 2e5]) {
    assert.throws(() => repeatBatch(patch, times), (e: unknown) => {
      assert.ok(e instanceof UncertaintyInputError);
      const values = times * 12288;
      assert.equal(e.message, `repeatBatch: ${times} copies of a batch of 1 item × 12288 values need ${values} values ` +
        `(${((values * 4) / 2 ** 30).toFixed(1)} GiB of float32), more than MAX_REPEAT_VALUES = 268435456 (1 GiB); ` +
        "repeat at most 21845 times (fewer samples per pass: a smaller maxBatch), or pass a smaller batch (fewer or smaller items).");
      assert.deepEqual(e.details, { times, items: 1, perItem: 12288, values, bytes: values * 4, budget: 2 ** 30 });
      return true;
    }, String(times));
  }
  const two: Tensor = { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] };
  assert.deepEqual(repeatBatch(two, 3), { data: Float32Array.from([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]), dims: [6, 2] });
});
