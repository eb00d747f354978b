// predictScene's overlap and batchSize: an overlap as large as the tile (before: silently capped at tile − 1,
// so tiles started at every pixel and a small scene ran for minutes) and a batchSize that is not a positive
// whole number or would not fit in memory (before: SceneKernels' RangeErrors, onnxruntime's size errors,
// "Invalid typed array length") are ModelInputErrors naming the option and what to give instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadModel, MAX_BATCH_VALUES, ModelInputError, openRaster, predictScene } from "../../../kernel/src/eo/index.js";

test("overlap must be a whole number smaller than the tile; batchSize a whole number ≥ 1 within MAX_BATCH_VALUES", { timeout: 120_000 }, async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const q = { tileSize: 64, outputs: ["class" as const], progress: false };
  const named = (re: RegExp) => (e: unknown) => e instanceof ModelInputError && re.test(e.message);
  try {
    for (const overlap of [64, 1e9]) {
      await assert.rejects(predictScene(model, scene, { ...q, overlap }),
        named(new RegExp(`^overlap ${overlap} must be smaller than the tile \\(64 pixels\\): neighbouring tiles would start at every pixel\\. The default is 8\\.`)), String(overlap));
    }
    for (const overlap of [-1, 2.5, NaN, Infinity]) {
      await assert.rejects(predictScene(model, scene, { ...q, overlap }), named(new RegExp(`^overlap must be a non-negative integer \\(pixels\\); got ${overlap}\\.`)), String(overlap));
    }
    await assert.rejects(predictScene(model, scene, { ...q, overlap: "8" as never }), named(/^overlap must be a non-negative integer \(pixels\); got the string "8"\./));
    for (const batchSize of [0, -1, 0.5, NaN, Infinity, "4"]) {
      await assert.rejects(predictScene(model, scene, { ...q, batchSize: batchSize as number }),
        named(/^batchSize must be a positive whole number \(tiles per onnxruntime call\); got /), String(batchSize));
    }
    const fit = Math.floor(MAX_BATCH_VALUES / (6 * 64 * 64));
    await assert.rejects(predictScene(model, scene, { ...q, batchSize: 1e9 }),
      named(new RegExp(`^batchSize 1000000000 of 6×64×64 tiles is 91552\\.7 GiB of float32 input per call; use at most ${fit} `)));
    // a scene smaller than the tile clips the tile, and an overlap valid for the tile asked for is clipped with it
    const small = await scene.read({ window: { col: 0, row: 0, width: 40, height: 30 } });
    const p = await predictScene(model, small, { tileSize: 256, overlap: 32, outputs: ["class"], progress: false });
    assert.equal(p.tiles, 1);
    // the bounds themselves run
    const edge = await predictScene(model, scene, { ...q, overlap: 63, batchSize: fit });
    assert.equal(edge.classMap!.width, scene.width);
  } finally {
    await model.dispose();
    await scene.close();
  }
});
