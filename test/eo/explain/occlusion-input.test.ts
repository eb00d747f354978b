// Bad inputs to occlusion (and the target/score/maxBatch options shared by every perturbation method):
// ExplainInputErrors naming the option, never NaN maps, silently raw scores or bare TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { ExplainInputError, occlusion } from "../../../kernel/src/eo/explain/index.js";

const seg = bandZeroAndNegation;
const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i)), dims: [2, 3, 8, 8] };
const q = { progress: false };

test("a fractional, negative or string halo is refused (before: 1.5 gave NaN pixels, '1' concatenated strings into wrong values)", async () => {
  for (const halo of [1.5, -1, "1"]) {
    await assert.rejects(occlusion(seg, x, { ...q, window: 2, halo: halo as never }),
      (e: unknown) => e instanceof ExplainInputError && /halo must be a non-negative integer \(pixels of context on each side\), or null to disable it/.test(e.message), String(halo));
  }
  const a = await occlusion(seg, x, { ...q, window: 2, halo: 0 });
  const b = await occlusion(seg, x, { ...q, window: 2, halo: null });
  assert.ok(Math.abs(a.map(0)[0]! - b.map(0)[0]!) < 1e-6);
});

test("an unknown score or a string target is refused (before: 'prob' silently explained raw logits; '1' was read as one target per item)", async () => {
  await assert.rejects(occlusion(seg, x, { ...q, score: "prob" as never }), /score must be "raw" \(the model's output\) or "probability" \(softmax first\), got the string "prob"/);
  await assert.rejects(occlusion(seg, x, { ...q, target: "1" as never }), /target must be "predicted", a class index or one class index per item, got the string "1"/);
});

test("a NaN or unknown baseline is refused (before: NaN maps; 'zero' said 'the baseline has 4 values')", async () => {
  await assert.rejects(occlusion(seg, x, { ...q, baseline: Number.NaN }), /The baseline is NaN; use a finite number \(e.g. 0\), "mean" or "blur"/);
  await assert.rejects(occlusion(seg, x, { ...q, baseline: "zero" as never }), /baseline must be a number, one number per band, "mean" or "blur", got the string "zero"/);
  await assert.rejects(occlusion(seg, x, { ...q, baseline: [0, Number.NaN, 0] }), /baseline of band 1 is number NaN/);
});

test("NaN in the input names the item, band and pixel (before: an all-NaN map)", async () => {
  const bad = { data: x.data.slice(), dims: x.dims };
  bad.data[1 * 192 + 2 * 64 + 3 * 8 + 5] = Number.NaN;
  await assert.rejects(occlusion(seg, bad, q), /input item 1 band 2 pixel \(row 3, col 5\) is NaN: .*Fill nodata first/);
});

test("a non-tensor input, a non-model and a bad maxBatch are named (before: TypeErrors and 'predict returned a batch of NaN for an input batch of NaN')", async () => {
  await assert.rejects(occlusion(seg, [[1, 2]] as never, q), /input must be an N×C×H×W tensor \{ data: Float32Array, dims \}, got an array of 1/);
  await assert.rejects(occlusion({} as never, x, q), /The model must be an object with a predict\(\) method/);
  await assert.rejects(occlusion(seg, x, { ...q, maxBatch: Number.NaN }), /maxBatch must be a positive integer \(perturbed items per forward pass\), got number NaN/);
  await assert.rejects(occlusion(seg, x, { ...q, maxBatch: "8" as never }), /got the string "8"/);
});
