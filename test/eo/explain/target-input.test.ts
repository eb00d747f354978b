// Bad inputs shared by every attribution method (target, region, score, signal, onProgress) and bad
// model outputs: ExplainInputErrors naming what is wrong, never NaN maps or bare TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation, itemMeanClassifier } from "../toy-models.js";
import { ExplainInputError, occlusion, rise, TargetMismatchError } from "../../../kernel/src/eo/explain/index.js";

const cls = itemMeanClassifier;
const seg = bandZeroAndNegation;
const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => 1.5 + Math.sin(i)), dims: [2, 3, 8, 8] };
const q = { progress: false, masks: 8 };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("a string among per-item targets is named as such (before: 'Target class 1 (item 1) does not exist: the model outputs 3 classes (0..2)')", async () => {
  await assert.rejects(rise(cls, x, { ...q, target: [0, "1"] as never }),
    (e: unknown) => e instanceof TargetMismatchError && /Target of item 1 is the string "1", not a class index; give numbers \(0..2\)/.test(e.message));
});

test("region must be a mask of numbers, and only for dense outputs (before: 'has 3 values' for a string, 'undefined values' for an object, '1 pixels per item' for a classifier)", async () => {
  await assert.rejects(rise(seg, x, { ...q, region: "abc" as never }), isInputError(/region must be an H×W mask of numbers \(an array or typed array, non-zero = explain this pixel\), got the string "abc"/));
  await assert.rejects(rise(seg, x, { ...q, region: {} as never }), isInputError(/region must be an H×W mask of numbers .*got an object/));
  await assert.rejects(rise(cls, x, { ...q, region: new Uint8Array(64).fill(1) }), isInputError(/region selects pixels of dense outputs \(N×K×H×W\), but this model outputs \[2, 3\]/));
  assert.equal((await rise(seg, x, { ...q, region: new Uint8Array(64).fill(1) })).dims[0], 2);
});

test("score 'probability' of a single-output model is refused (before: softmax of one value is 1, every attribution 0)", async () => {
  const one = { async predict(t: Tensor): Promise<Tensor> { const o = await cls.predict(t); return { data: o.data.filter((_, i) => i % 3 === 0), dims: [t.dims[0]!, 1] }; } };
  await assert.rejects(occlusion(one, x, { progress: false, window: 4, score: "probability" }), isInputError(/score "probability" needs a model with several classes; this one has a single output/));
  assert.ok((await occlusion(one, x, { progress: false, window: 4 })).data.some((v) => v !== 0));
});

test("a signal that is not an AbortSignal and onProgress that is not a function are named (before: TypeErrors, onProgress after the first pass)", async () => {
  await assert.rejects(rise(cls, x, { ...q, signal: {} as never }), isInputError(/signal must be an AbortSignal \(e.g. new AbortController\(\).signal\), got an object/));
  await assert.rejects(rise(cls, x, { ...q, onProgress: "log" as never }), isInputError(/onProgress must be a function \(\{ done, total \}\) => void, got the string "log"/));
});

test("NaN or malformed model outputs are named (before: NaN maps, or 'Cannot read properties of undefined')", async () => {
  const nan = { async predict(t: Tensor): Promise<Tensor> { return { data: new Float32Array(t.dims[0]! * 3).fill(Number.NaN), dims: [t.dims[0]!, 3] }; } };
  await assert.rejects(rise(nan, x, { ...q, target: 0 }), isInputError(/The model returned NaN for item 0 of the input \(output value 0 of the item\): attributions would be NaN/));
  // NaN only for perturbed copies (log of the mean, 0 where the baseline 0 covers everything).
  const logModel = {
    async predict(t: Tensor): Promise<Tensor> {
      const o = await cls.predict(t);
      return { data: o.data.map((v, i) => (i % 3 === 0 ? Math.log(v) : v)), dims: o.dims };
    },
  };
  await assert.rejects(occlusion(logModel, x, { progress: false, window: 8, target: 0 }),
    isInputError(/The model returned -Infinity for a perturbed copy of item 0 \(occlusion\) \(output value 0 of the item\)/));
  const short = { async predict(t: Tensor): Promise<Tensor> { return { data: new Float32Array(2), dims: [t.dims[0]!, 3] }; } };
  await assert.rejects(rise(short, x, { ...q, target: 0 }), isInputError(/The model returned 2 values with dims \[2, 3\], which need 6/));
  const bare = { async predict(t: Tensor): Promise<Tensor> { return new Float32Array(t.dims[0]! * 3) as never; } };
  await assert.rejects(rise(bare, x, { ...q, target: 0 }), isInputError(/predict returned a Float32Array of 6 values; a Predictor must return a tensor \{ data: Float32Array, dims: \[N, …\] \}/));
});
