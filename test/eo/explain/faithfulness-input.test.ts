// Bad inputs to deletion/insertion curves: plain arrays are accepted, NaN maps and absurd step counts are refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { deletionCurve, ExplainInputError, insertionCurve } from "../../../kernel/src/eo/explain/index.js";

/** N×C×H×W → N×2 logits: mean of band 0 and its negation. */
const cls = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N, C, H, W] = x.dims as [number, number, number, number];
    const out = new Float32Array(N * 2);
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let p = 0; p < H * W; p++) s += x.data[n * C * H * W + p]!;
      out[n * 2] = s / (H * W);
      out[n * 2 + 1] = -s / (H * W);
    }
    return { data: out, dims: [N, 2] };
  },
};
const x: Tensor = { data: Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => Math.cos(i)), dims: [1, 2, 4, 4] };
const q = { progress: false, target: 0 };

test("a plain array attribution is accepted like a Float32Array (before: 'maps.subarray is not a function')", async () => {
  const map = Array.from({ length: 16 }, (_, i) => 16 - i);
  const a = await deletionCurve(cls, x, map as never, { ...q, steps: 4 });
  const b = await deletionCurve(cls, x, Float32Array.from(map), { ...q, steps: 4 });
  assert.deepEqual(Array.from(a.scores), Array.from(b.scores));
});

test("NaN attributions are refused (before: pixels ranked in an arbitrary order)", async () => {
  const map = new Float32Array(16);
  map[5] = Number.NaN;
  await assert.rejects(insertionCurve(cls, x, map, q), (e: unknown) => e instanceof ExplainInputError && /attribution of item 0 pixel 5 is NaN; pixels cannot be ranked/.test(e.message));
});

test("more steps than pixels or a string step count are refused (before: 1e6 steps ran 1e6 forward perturbations of a 16-pixel patch)", async () => {
  await assert.rejects(deletionCurve(cls, x, new Float32Array(16), { ...q, steps: 1e6 }), /steps must be an integer in 1..16 \(the 4×4 patch has 16 pixels\), got 1000000/);
  await assert.rejects(deletionCurve(cls, x, new Float32Array(16), { ...q, steps: "5" as never }), /got the string "5"/);
});
