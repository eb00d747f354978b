// Bad inputs to MC dropout, ensembles and test-time augmentation: errors naming the option, not
// silently different distributions or bare TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation, itemMeanClassifier } from "../toy-models.js";
import {
  augment, deepEnsemble, mcDropout, ProbabilityError, regressionMeasures, testTimeAugmentation, UncertaintyInputError,
} from "../../../kernel/src/eo/uncertainty/index.js";

const cls = itemMeanClassifier;
const seg = bandZeroAndNegation;
const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.sin(i)), dims: [2, 3, 4, 4] };
const q = { progress: false };

test("an unknown augmentation is refused (before: 'flip' silently ran a transpose)", async () => {
  await assert.rejects(testTimeAugmentation(seg, x, { ...q, augmentations: ["flip" as never] }),
    (e: unknown) => e instanceof UncertaintyInputError && /Unknown augmentation "flip": use one of "identity", "hflip"/.test(e.message));
  await assert.rejects(testTimeAugmentation(seg, x, { ...q, augmentations: "hflip" as never }), /augmentations must be an array such as \["identity", "hflip"\], got the string "hflip"/);
  assert.throws(() => augment(x, "flip" as never), /Unknown augmentation "flip"/);
});

test("unknown task/output values are refused (before: output 'probs' skipped the softmax, task 'segmentation' gave a self-contradicting error)", async () => {
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, output: "probs" as never }), /output must be "logits" \(softmax is applied\) or "probabilities", got the string "probs"/);
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, task: "segmentation" as never }), /task must be "classification" \(also for segmentation outputs N×K×H×W\) or "regression"/);
});

test("output: 'probabilities' on a model that returns logits is a ProbabilityError (before: negative 'probabilities' were averaged)", async () => {
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, output: "probabilities" }), (e: unknown) => e instanceof ProbabilityError && /model output/.test(e.message));
});

test("seed and maxBatch must be integers (before: seed 1.5/'3'/NaN were used as given, maxBatch NaN gave a TypeError)", async () => {
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, seed: 1.5 }), /seed must be an integer \(or null to continue the model's random stream\), got 1.5/);
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, seed: "3" as never }), /got the string "3"/);
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 3, maxBatch: Number.NaN }), /maxBatch must be a positive integer \(items per forward pass\), got NaN/);
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, maxBatch: "8" as never }), /maxBatch .* got the string "8"/);
  assert.equal((await mcDropout(cls, x, { ...q, samples: 2, seed: null })).size, 2);
});

test("a non-model, a non-tensor input and a non-array ensemble are named (before: bare TypeErrors)", async () => {
  await assert.rejects(mcDropout((async (t: Tensor) => t) as never, x, q), /mcDropout needs a model \(an object with a predict\(\) method/);
  await assert.rejects(mcDropout(cls, [[1, 2]] as never, q), /mcDropout needs an input tensor \{ data: Float32Array, dims: \[N, C, H, W\] \}, got an array of 1/);
  await assert.rejects(deepEnsemble(cls as never, x, q), /deepEnsemble needs an array of models/);
});

test("class names of the wrong count and a fractional toRasters index are refused", async () => {
  await assert.rejects(mcDropout(cls, x, { ...q, samples: 2, classes: ["water"] }), /classes lists 1 names but the model outputs 3 classes/);
  const d = await mcDropout(seg, x, { ...q, samples: 2 });
  assert.throws(() => d.toRasters({ index: 0.5 }), /index 0.5 is not an item of the batch of 2/);
  assert.equal(d.toRasters({ index: 1 }).predicted!.width, 4);
});

test("regressionMeasures checks the sample count and the variance convention (before: NaN means, 'std' read as a variance)", () => {
  assert.throws(() => regressionMeasures({ data: new Float32Array(2), dims: [2, 2, 2] }), /Regression samples have 2 values but dims \[2, 2, 2\] need 8/);
  assert.throws(() => regressionMeasures({ data: new Float32Array(8), dims: [2, 2, 2] }, { varianceChannel: "std" as never }), /varianceChannel must be "logvar" or "variance", got "std"/);
  assert.throws(() => regressionMeasures({ data: new Float32Array(8), dims: [2, 2, 2] }, { level: "0.9" as never }), /level must be in \(0, 1\)/);
});
