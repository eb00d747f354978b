import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { sceneBandGroupAblation, spectralGroups } from "../../../kernel/src/eo/explain/index.js";
import { loadModel } from "../../../kernel/src/eo/model/load-model.js";
import { openRaster } from "../../../kernel/src/eo/raster/open.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { BAND_W, loadFixture, randomTensor } from "./models.js";

test("scene band-group ablation gives each tile the analytic value of the linear model", async () => {
  const m = await loadFixture("band_linear.onnx");
  const t = randomTensor([1, 4, 16, 24], 61, -1, 1);
  const r = new Raster({
    width: 24, height: 16, dtype: "float32", transform: [0, 30, 0, 0, 0, -30], crs: { epsg: 32725 },
    bands: [0, 1, 2, 3].map((b) => t.data.slice(b * 384, (b + 1) * 384)), descriptions: ["B2", "B3", "B4", "B8"],
  });
  const names = ["B2", "B3", "B4", "B8"];
  const res = await sceneBandGroupAblation(m, r, { tileSize: 8, bandNames: names, groups: spectralGroups(names), target: 2, progress: false });
  assert.deepEqual(res.groups, ["visible", "NIR"]);
  assert.equal(res.tiles, 6);
  assert.deepEqual(res.raster.descriptions, ["visible", "NIR"]);
  assert.deepEqual(res.raster.crs, { epsg: 32725 });
  // tile at (row 8, col 16): NIR value = W[2][3] · mean of band 4 over the tile
  let s = 0;
  for (let y = 8; y < 16; y++) for (let x = 16; x < 24; x++) s += t.data[3 * 384 + y * 24 + x]!;
  const exp = (BAND_W[2]![3]! * s) / 64;
  assert.ok(Math.abs(res.raster.band(2)[10 * 24 + 20]! - exp) < 1e-5);
  assert.equal(res.raster.band(2)[8 * 24 + 16], res.raster.band(2)[15 * 24 + 23]);
});

test("scene band-group ablation with the shipped classifier on a window of the Landsat scene", async () => {
  const model = await loadModel(fileURLToPath(new URL("../../../data/models/olinda-patch-classifier.onnx", import.meta.url)));
  const scene = await openRaster(fileURLToPath(new URL("../../../data/olinda/L7_ETMs.tif", import.meta.url)));
  const win = await scene.read({ window: { col: 0, row: 0, width: 48, height: 32 } });
  await scene.close();
  const groups = spectralGroups(model.card.bands, { sensor: "landsat-tm" });
  assert.deepEqual(groups, { visible: ["B1", "B2", "B3"], NIR: ["B4"], SWIR: ["B5", "B7"] });
  const res = await sceneBandGroupAblation(model, win, { bandNames: model.card.bands, groups, progress: false });
  assert.equal(res.tiles, 24);
  assert.ok(Object.values(res.mean).every(Number.isFinite));
  assert.ok(Object.values(res.mean).some((v) => Math.abs(v) > 1e-3));
  assert.match((res as any)[Symbol.for("Jupyter.display")]()["text/plain"], /24 tiles/);
});
