import { test } from "node:test";
import assert from "node:assert/strict";
import { occlusion, randomizeOnnxWeights, sanityCheck, spearman } from "../../../kernel/src/eo/explain/index.js";
import { fixtureBytes, loadGradientFixture, randomTensor } from "./models.js";

test("randomizing the weights changes the model; the sanity check passes for occlusion and fails for identical models", async () => {
  const bytes = fixtureBytes("grad_cnn.onnx");
  const { bytes: rnd, randomized } = randomizeOnnxWeights(bytes, { seed: 7 });
  assert.equal(rnd.length, bytes.length);
  assert.ok(randomized.length >= 2, `randomized ${randomized.join(", ")}`);
  const trained = await loadGradientFixture();
  const random = await loadGradientFixture(rnd);
  const x = randomTensor([2, 3, 8, 8], 51, -1, 1);
  const a = await trained.predict(x), b = await random.predict(x);
  assert.ok(a.data.some((v, i) => Math.abs(v - b.data[i]!) > 1e-3), "randomized outputs differ");
  // Same seed → same bytes.
  assert.deepEqual(randomizeOnnxWeights(bytes, { seed: 7 }).bytes, rnd);
  const explain = (m: typeof trained) => occlusion(m, x, { window: 2, stride: 1, target: 0, progress: false });
  const check = await sanityCheck(explain, trained, random);
  assert.equal(check.spearman.length, 2);
  assert.ok(check.passed, `ρ = ${Array.from(check.spearman)}`);
  const same = await sanityCheck(explain, trained, await loadGradientFixture());
  assert.equal(same.passed, false);
  assert.ok(Math.abs(same.spearman[0]! - 1) < 1e-12);
  const bundle = (check as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /PASSED \(maps differ\)/);
  assert.throws(() => randomizeOnnxWeights(new Uint8Array([8, 1])), /no ONNX graph/);
});

test("Spearman correlation with ties equals the textbook values", () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9486832980505138) < 1e-12); // scipy.stats.spearmanr
});

test("sanity check on the shipped patch classifier: its randomized copy loads with the same card and explains differently", async () => {
  const { readFileSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const { loadModel } = await import("../../../kernel/src/eo/model/load-model.js");
  const file = fileURLToPath(new URL("../../../data/models/olinda-patch-classifier.onnx", import.meta.url));
  const model = await loadModel(file);
  const { bytes, randomized } = randomizeOnnxWeights(new Uint8Array(readFileSync(file)), { seed: 3 });
  assert.ok(randomized.length >= 4, randomized.join(", "));
  const rnd = await loadModel(bytes, { card: model.card });
  const x = randomTensor([3, 6, 8, 8], 52, -2, 2);
  const check = await sanityCheck((m) => occlusion(m, x, { window: 2, stride: 1, target: 1, progress: false }), model, rnd);
  assert.ok(check.passed, `ρ = ${Array.from(check.spearman)}`);
});
