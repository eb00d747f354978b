import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadModel } from "../../../kernel/src/eo/model/load-model.js";
import { rasterToTensor } from "../../../kernel/src/eo/model/prepare.js";
import { openRaster } from "../../../kernel/src/eo/raster/open.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { mcDropout, sceneUncertainty, softmax } from "../../../kernel/src/eo/uncertainty/index.js";
import { loadFixture, randomTensor } from "../explain/models.js";

const data = (p: string) => fileURLToPath(new URL(`../../../data/${p}`, import.meta.url));

test("the shipped patch classifier's MC-dropout samples differ and a scene window gets georeferenced uncertainty maps", async () => {
  const model = await loadModel(data("models/olinda-patch-classifier.onnx"));
  const scene = await openRaster(data("olinda/L7_ETMs.tif"));
  const win = await scene.read({ window: { col: 100, row: 120, width: 40, height: 36 } });
  await scene.close();
  // MC samples of one patch really differ (Dropout runs), deterministic passes do not.
  const patch = rasterToTensor(await win.read({ window: { col: 0, row: 0, width: 8, height: 8 } }), model.card);
  const d = await mcDropout(model, patch, { samples: 12, progress: false });
  const s0 = Array.from(d.samples.data.subarray(0, 4)), s1 = Array.from(d.samples.data.subarray(4, 8));
  assert.notDeepEqual(s0, s1);
  assert.deepEqual(Array.from(softmax(await model.predict(patch)).data), Array.from(softmax(await model.predict(patch)).data));

  const u = await sceneUncertainty(model, win, { samples: 10, progress: false });
  const mi = u.rasters.mutualInformation!;
  assert.equal(mi.width, 40);
  assert.equal(mi.height, 36);
  assert.deepEqual(mi.transform, win.transform);
  assert.equal(u.rasters.mean!.count, 4);
  assert.deepEqual(u.rasters.mean!.descriptions, ["water", "vegetation", "urban", "bare soil"]);
  // 5 tile columns (the last flush with the edge at col 32) × 5 tile rows (last at row 28).
  assert.equal(u.tiles, 25);
  const band = mi.band(1) as Float32Array;
  assert.ok(band.every((v) => Number.isFinite(v) && v >= 0));
  assert.ok(Math.max(...band) > 0, "some patch has epistemic uncertainty");
  // A patch's pixels share its value; predicted = argmax of the mean.
  assert.equal(band[0], band[7 * 40 + 7]);
  const mean = u.rasters.mean!;
  const p = 3 * 40 + 3;
  const probs = [1, 2, 3, 4].map((b) => mean.band(b)[p]!);
  assert.equal(u.rasters.predicted!.band(1)[p], probs.indexOf(Math.max(...probs)));
  assert.match((u as any)[Symbol.for("Jupyter.display")]()["text/plain"], /MC dropout \(10 samples, seed 0\) over a 40×36 scene: 25 tiles/);
  // Seeded MC dropout over a scene reproduces (the seed starts the stream, later tiles continue it).
  const again = await sceneUncertainty(model, win, { samples: 10, progress: false });
  assert.deepEqual(Array.from(again.rasters.mutualInformation!.band(1)), Array.from(band));
  const other = await sceneUncertainty(model, win, { samples: 10, seed: 1, progress: false });
  assert.notDeepEqual(Array.from(other.rasters.mutualInformation!.band(1)), Array.from(band));
  await model.dispose();
});

test("dense TTA over a scene with an equivariant net equals a single pass, per pixel", async () => {
  const m = await loadFixture("seg_pointwise.onnx");
  const t = randomTensor([1, 3, 20, 24], 8, -1, 1);
  const r = new Raster({
    width: 24, height: 20, dtype: "float32", transform: [1000, 10, 0, 2000, 0, -10], crs: { epsg: 32725 },
    bands: [0, 1, 2].map((b) => t.data.slice(b * 480, (b + 1) * 480)),
  });
  const u = await sceneUncertainty(m, r, { method: "tta", tileSize: 8, progress: false });
  const plain = softmax(await m.predict(t));
  const mean = u.rasters.mean!;
  for (let k = 0; k < 4; k++) for (const p of [0, 77, 479]) assert.ok(Math.abs(mean.band(k + 1)[p]! - plain.data[k * 480 + p]!) < 1e-5);
  assert.ok(Math.max(...(u.rasters.mutualInformation!.band(1) as Float32Array)) < 1e-5);
  assert.deepEqual(u.rasters.predictiveEntropy!.crs, { epsg: 32725 });
  await assert.rejects(sceneUncertainty(m, r, { tileSize: 32 }), /smaller than one 32×32 tile/);
});

test("dense models: tiles overlap by 2·halo and only their cores are kept, so tiled TTA equals whole-image TTA (no seams)", async () => {
  const { testTimeAugmentation } = await import("../../../kernel/src/eo/uncertainty/index.js");
  const m = await loadFixture("seg_conv3.onnx"); // 3×3 conv: halo 1
  const t = randomTensor([1, 3, 20, 23], 10, -1, 1);
  const r = new Raster({ width: 23, height: 20, dtype: "float32", bands: [0, 1, 2].map((b) => t.data.slice(b * 460, (b + 1) * 460)) });
  const augmentations = ["identity", "hflip", "vflip", "rot180"] as const;
  const tiled = await sceneUncertainty(m, r, { method: "tta", augmentations, tileSize: 8, halo: 1, progress: false });
  const whole = await testTimeAugmentation(m, t, { augmentations, progress: false });
  const a = tiled.rasters.mutualInformation!.band(1), b = whole.classification.mutualInformation.data;
  let worst = 0;
  for (let p = 0; p < 460; p++) worst = Math.max(worst, Math.abs(a[p]! - b[p]!));
  assert.ok(worst < 1e-5, `max difference ${worst}`);
  const m0 = tiled.rasters.mean!.band(1), w0 = whole.classification.mean.data;
  for (let p = 0; p < 460; p++) assert.ok(Math.abs(m0[p]! - w0[p]!) < 1e-5, `pixel ${p}`);
  // Without the halo, tile borders see zero padding: seams.
  const seams = await sceneUncertainty(m, r, { method: "tta", augmentations, tileSize: 8, halo: 0, progress: false });
  let diff = 0;
  for (let p = 0; p < 460; p++) diff = Math.max(diff, Math.abs(seams.rasters.mean!.band(1)[p]! - w0[p]!));
  assert.ok(diff > 1e-3);
  await assert.rejects(sceneUncertainty(m, r, { tileSize: 8, halo: 4 }), /halo 4 does not fit 8×8 tiles/);
});
