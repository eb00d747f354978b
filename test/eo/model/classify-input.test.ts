// classify's batchSize: 0, NaN, 2.5 or "3" never equalled the count of patches in the batch, so every
// patch went into one over-full buffer and the model was handed a shape its data did not fill; a
// negative or infinite one was a bare RangeError. Each is now a ModelInputError naming the value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { classify, loadModel, ModelInputError, Raster } from "../../../kernel/src/eo/index.js";

const patch = (v: number) => new Raster({ width: 8, height: 8, dtype: "float32", bands: Array.from({ length: 6 }, () => new Float32Array(64).fill(v)) });

test("batchSize must be a positive whole number", { timeout: 60_000 }, async () => {
  const model = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  const patches = [0.1, 0.2, 0.3, 0.4, 0.5].map(patch);
  for (const batchSize of [0, -1, 2.5, Number.NaN, Infinity, 1e300, "3"]) {
    await assert.rejects(classify(model, patches, { batchSize: batchSize as number, progress: false }), (e: unknown) => {
      assert.ok(e instanceof ModelInputError, String(e));
      assert.equal(e.message, `batchSize must be a positive whole number of patches per onnxruntime call (default 64), got ${typeof batchSize === "string" ? `the string "${batchSize}"` : String(batchSize)}.`);
      assert.equal(e.got, batchSize);
      return true;
    }, String(batchSize));
  }
  const one = await classify(model, patches, { batchSize: 1, progress: false });
  const all = await classify(model, patches, { batchSize: 64, progress: false });
  assert.deepEqual(one.labels, all.labels);
  await model.dispose();
});
