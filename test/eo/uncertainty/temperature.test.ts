import { test } from "node:test";
import assert from "node:assert/strict";
import { fitTemperature, negativeLogLikelihood, expectedCalibrationError } from "../../../kernel/src/eo/uncertainty/index.js";
import { synthetic } from "./synthetic.js";

test("temperature scaling recovers the over-confidence factor and lowers NLL and ECE on held-out data", () => {
  // True distribution softmax(z); the model outputs 3·z (over-confident). Ideal T = 3.
  const val = synthetic(2000, 5, 21);
  const testSet = synthetic(2000, 5, 22);
  const scale = (z: number[][]) => z.map((r) => r.map((v) => 3 * v));
  const scaler = fitTemperature(scale(val.logits), val.labels);
  assert.ok(Math.abs(scaler.temperature - 3) < 0.3, `T = ${scaler.temperature}`);
  assert.ok(scaler.nllAfter < scaler.nllBefore);
  const before = fitTemperature(scale(testSet.logits), testSet.labels).nllBefore;
  const calibrated = scaler.applyMatrix(scale(testSet.logits));
  const after = negativeLogLikelihood(calibrated, testSet.labels);
  assert.ok(after < before - 0.1, `held-out NLL ${before} -> ${after}`);
  const t = { data: new Float32Array(scale(testSet.logits).flat()), dims: [2000, 5] };
  const probsBefore = scaler.apply({ ...t }); // tensor path gives the same numbers as the matrix path
  assert.ok(Math.abs(probsBefore.data[7]! - calibrated.data[7]!) < 1e-6);
  assert.ok(expectedCalibrationError(calibrated, testSet.labels) < 0.5 * expectedCalibrationError(
    scale(testSet.logits).map((r) => { const m = Math.max(...r); const e = r.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); }),
    testSet.labels));
  const bundle = (scaler as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /temperature\s+[23]\.\d+/);
});

test("temperature scaling refuses a too-small validation split", () => {
  assert.throws(() => fitTemperature([[1, 2]], [0]), /validation split of at least 2 samples, got 1/);
});

test("withTemperature divides a model's logits by T and keeps the rest of the model (its card)", async () => {
  const { loadModel } = await import("../../../kernel/src/eo/model/load-model.js");
  const { fileURLToPath } = await import("node:url");
  const { withTemperature } = await import("../../../kernel/src/eo/uncertainty/index.js");
  const model = await loadModel(fileURLToPath(new URL("../../../data/models/olinda-patch-classifier.onnx", import.meta.url)));
  const x = { data: new Float32Array(2 * 6 * 64).map((_, i) => Math.sin(i)), dims: [2, 6, 8, 8] };
  const cal = withTemperature(model, 4);
  assert.equal(cal.card.name, "olinda-patch-classifier");
  const a = await model.predict(x), b = await cal.predict(x);
  a.data.forEach((v, i) => assert.ok(Math.abs(v / 4 - b.data[i]!) < 1e-6));
  assert.throws(() => withTemperature(model, 0), /The temperature must be a positive number, got 0/);
});
