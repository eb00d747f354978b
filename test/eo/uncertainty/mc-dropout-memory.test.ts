// MC dropout with a huge sample count: refused after the first pass with the memory it would need
// and how many samples fit, instead of thousands of passes that end in an out-of-memory abort.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { MAX_MC_SAMPLE_VALUES, MAX_REPEAT_VALUES, mcDropout, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";

/** The dense toy model, refusing to run more than `limit` passes (the old code ran all of them). */
function limited(limit: number) {
  const calls: number[] = [];
  return {
    calls,
    async predict(x: Tensor): Promise<Tensor> {
      calls.push(x.dims[0]!);
      if (calls.length > limit) throw new Error(`more than ${limit} passes`);
      return bandZeroAndNegation.predict(x);
    },
  };
}
const x: Tensor = { data: Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i)), dims: [1, 3, 64, 64] };
const q = { progress: false };

test("samples: 1e7 of a 64×64 two-class output is refused after one pass, naming the memory and how many samples fit", async () => {
  const m = limited(3);
  await assert.rejects(mcDropout(m, x, { ...q, samples: 1e7 }), (e: unknown) => {
    assert.ok(e instanceof UncertaintyInputError);
    assert.match(e.message, /MC dropout with 10000000 samples of 1 item × 8192 output values needs 81920000000 values \(305\.2 GiB of float32\), more than it holds at once \(MAX_MC_SAMPLE_VALUES = 268435456, 1 GiB\); use at most 32768 samples, or pass fewer items per call/);
    assert.equal(e.details.bytes, 81920000000 * 4);
    return true;
  });
  assert.equal(m.calls.length, 1);
  assert.equal(Math.floor(MAX_MC_SAMPLE_VALUES / 8192), 32768);
});

test("samples within the budget are stored as before: one S×N×K×H×W array, sample s of pass p at its place", async () => {
  const m = limited(100);
  const small: Tensor = { data: Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.cos(i)), dims: [2, 3, 4, 4] };
  const d = await mcDropout(m, small, { ...q, samples: 5, maxBatch: 4 }); // 2 samples per pass: passes of 2, 2, 1
  assert.deepEqual(m.calls, [4, 4, 2]);
  assert.deepEqual(d.samples.dims, [5, 2, 2, 4, 4]);
  const p0 = 1 / (1 + Math.exp(-2 * small.data[16 * 3 + 5]!)); // item 1, pixel 5: softmax of (v, -v)
  for (let s = 0; s < 5; s++) assert.ok(Math.abs(d.samples.data[((s * 2 + 1) * 2) * 16 + 5]! - p0) < 1e-6);
});

test("a large maxBatch repeats the batch at most to MAX_REPEAT_VALUES values per pass (before: samples 1e6 with maxBatch 1e6 was a bare 'Invalid typed array length')", { timeout: 120_000 }, async () => {
  const dims: number[][] = [];
  const stop = new Error("first pass seen");
  const m = { async predict(t: Tensor): Promise<Tensor> { dims.push(t.dims); throw stop; } };
  await assert.rejects(mcDropout(m, x, { ...q, samples: 1e6, maxBatch: 1e6 }), (e: unknown) => e === stop);
  // 2^28 / (3 × 64 × 64) = 21845 copies of the patch in the first pass, then more passes.
  assert.deepEqual(dims, [[Math.floor(MAX_REPEAT_VALUES / x.data.length), 3, 64, 64]]);
});
