// Bad inputs to occlusion (and the target/score/maxBatch options shared by every perturbation method):
// ExplainInputErrors naming the option, never NaN maps, silently raw scores or bare TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { baselineImage, boxBlur, ExplainInputError, occlusion } from "../../../kernel/src/eo/explain/index.js";

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
  await assert.rejects(occlusion(seg, x, { ...q, baseline: [0, Number.NaN, 0] }), /baseline of band 1 is NaN/);
});

test("NaN in the input names the item, band and pixel (before: an all-NaN map)", async () => {
  const bad = { data: x.data.slice(), dims: x.dims };
  bad.data[1 * 192 + 2 * 64 + 3 * 8 + 5] = Number.NaN;
  await assert.rejects(occlusion(seg, bad, q), /input item 1 band 2 pixel \(row 3, col 5\) is NaN: .*Fill nodata first/);
});

test("a non-tensor input, a non-model and a bad maxBatch are named (before: TypeErrors and 'predict returned a batch of NaN for an input batch of NaN')", async () => {
  await assert.rejects(occlusion(seg, [[1, 2]] as never, q), /input must be an N×C×H×W tensor \{ data: Float32Array, dims \}, got an array of 1/);
  await assert.rejects(occlusion({} as never, x, q), /The model must be an object with a predict\(\) method/);
  await assert.rejects(occlusion(seg, x, { ...q, maxBatch: Number.NaN }), /maxBatch must be a positive integer \(perturbed items per forward pass\), got NaN/);
  await assert.rejects(occlusion(seg, x, { ...q, maxBatch: "8" as never }), /got the string "8"/);
});

test("boxBlur refuses an infinite, huge, negative or fractional radius and sizes that do not match the item (before: Infinity or 1e9 never returned)", { timeout: 10_000 }, () => {
  const item = Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => i % 5);
  for (const r of [Infinity, 1e9, 9, -1, 1.5, Number.NaN, "2"]) {
    assert.throws(() => boxBlur(item, 3, 8, 8, r as number), (e: unknown) => e instanceof ExplainInputError &&
      /^boxBlur: the radius must be a whole number from 0 to 8 \(the 8×8 item's longer side\), got /.test(e.message), String(r));
  }
  for (const [C, H, W] of [[3, Infinity, 8], [3, 1e9, 8], [3, 8, 4], [0, 8, 8], [3, 8, 8.5]]) {
    assert.throws(() => boxBlur(item, C!, H!, W!, 1), (e: unknown) => e instanceof ExplainInputError &&
      /^boxBlur: C, H and W must be positive whole numbers whose product is the item's 192 values, got C .+, H .+, W .+\.$/.test(e.message), `${C} ${H} ${W}`);
  }
  assert.equal(boxBlur(item, 3, 8, 8, 8).length, 192);
  assert.deepEqual(boxBlur(item, 3, 8, 8, 0), item);
});

test("baselineImage checks the item's sizes and caps a blur radius at the longer side (before: Infinity never returned)", { timeout: 10_000 }, () => {
  const item = Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => i % 5);
  assert.deepEqual(baselineImage(item, 3, 8, 8, "blur", Infinity), boxBlur(item, 3, 8, 8, 8));
  assert.deepEqual(baselineImage(item, 3, 8, 8, "blur", 2), boxBlur(item, 3, 8, 8, 2));
  const pixel = Float32Array.of(0.3, -2, 7);
  assert.deepEqual(baselineImage(pixel, 3, 1, 1, "blur", 2), pixel);
  assert.throws(() => baselineImage(item, 3, 1e9, 8, "mean", 2), /^ExplainInputError: baselineImage: C, H and W must be positive whole numbers whose product is the item's 192 values, got C 3, H 1000000000, W 8\.$/);
});

test("a null or non-array window or stride is an ExplainInputError (before: a TypeError reading null[0])", async () => {
  for (const key of ["window", "stride"] as const) {
    for (const v of [null, true]) {
      await assert.rejects(occlusion(seg, x, { ...q, [key]: v as never }),
        (e: unknown) => e instanceof ExplainInputError && new RegExp(`^${key} must be positive integers, got ${String(v)}\\.$`).test(e.message), `${key} ${String(v)}`);
    }
  }
});
