// Re-evaluating each shipped model on its held-out (test) split in ai4eo reproduces the metrics in its
// card; classify() returns labels, probabilities and an arquero table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  loadModel, openRaster, classify, confusionMatrix, regressionMetrics, rasterToTensor, selectBands, softmaxAxis1,
  ModelInputError, ModelCardError, parseModelCard, Raster,
} from "../../../kernel/src/eo/index.js";

const BENCH = "data/olinda-bench";

function csv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const cols = head!.split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [cols[i]!, v])));
}

const blocks = csv(`${BENCH}/blocks.csv`).filter((b) => b.split === "test").map((b) => ({ col: +b.col!, row: +b.row!, width: +b.width!, height: +b.height! }));

function close(got: number, want: number, what: string, tol = 1e-6): void {
  assert.ok(Math.abs(got - want) <= tol, `${what}: ai4eo ${got}, card ${want}`);
}

test("patch classifier: classify() on the test patches reproduces the card's metrics", async () => {
  const model = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const patches = csv(`${BENCH}/patches.csv`).filter((p) => p.split === "test");
  const samples = await Promise.all(patches.map(async (p) => ({
    id: p.id!, label: +p.class!,
    raster: await scene.read({ window: { col: +p.col!, row: +p.row!, width: 8, height: 8 } }),
  })));
  const res = await classify(model, samples, { batchSize: 50, progress: false });
  assert.equal(res.length, patches.length);
  const card = model.card.metrics as Record<string, number & number[][]>;
  const cm = confusionMatrix(res.truth!, res.labels, { numClasses: 4 });
  assert.deepEqual(cm.toArray(), card.confusionMatrix);
  const s = cm.summary();
  close(s.overallAccuracy, card.overallAccuracy, "OA");
  close(s.kappa, card.kappa, "kappa");
  close(s.macroF1, card.macroF1, "macro F1");
  close(s.meanIoU, card.meanIoU, "mIoU");
  // the table: one row per patch, probabilities sum to 1, label = argmax
  const t = res.table;
  assert.deepEqual(t.columnNames(), ["id", "label", "class", "confidence", "p_water", "p_vegetation", "p_urban", "p_bare_soil", "truth"]);
  assert.equal(t.numRows(), patches.length);
  for (let i = 0; i < res.length; i++) {
    let sum = 0;
    let best = 0;
    for (let j = 0; j < 4; j++) {
      sum += res.probabilities[i * 4 + j]!;
      if (res.probabilities[i * 4 + j]! > res.probabilities[i * 4 + best]!) best = j;
    }
    close(sum, 1, `row ${i} probability sum`, 1e-5);
    assert.equal(res.labels[i], best);
  }
  assert.equal(t.get("class", 0), model.card.classes![res.labels[0]!]!.name);
  // an aborted signal stops classify between batches
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(classify(model, samples, { progress: false, signal: ac.signal }), (e: unknown) => (e as Error).name === "AbortError");
  // MC-dropout classification differs from the deterministic one
  const mc = await classify(model, samples.slice(0, 50), { progress: false, mcDropout: true });
  assert.ok(mc.logits.some((v, i) => Math.abs(v - res.logits[i]!) > 1e-3));
  // batch size does not change results
  const res2 = await classify(model, samples.slice(0, 30), { batchSize: 7, progress: false });
  assert.deepEqual(Array.from(res2.labels), Array.from(res.labels.subarray(0, 30)));
  for (let i = 0; i < 30 * 4; i++) close(res2.logits[i]!, res.logits[i]!, `logit ${i}`, 1e-5);
  await scene.close();
  await model.dispose();
});

test("segmenter: per-block inference on the test blocks reproduces the card's metrics", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const labels = await openRaster(`${BENCH}/labels.tif`);
  const yt: number[] = [];
  const yp: number[] = [];
  for (const w of blocks) {
    const x = rasterToTensor(await scene.read({ window: w, bands: selectBands(scene, model.card) }), model.card);
    const out = await model.predict(x);
    const lab = (await labels.read({ window: w })).band(1);
    const hw = w.width * w.height;
    for (let i = 0; i < hw; i++) {
      if (lab[i] === 255) continue;
      let best = 0;
      for (let j = 1; j < 4; j++) if (out.data[j * hw + i]! > out.data[best * hw + i]!) best = j;
      yt.push(lab[i]!);
      yp.push(best);
    }
  }
  const card = model.card.metrics as Record<string, number & number[][]>;
  const cm = confusionMatrix(yt, yp, { numClasses: 4 });
  assert.deepEqual(cm.toArray(), card.confusionMatrix);
  close(cm.overallAccuracy, card.overallAccuracy, "OA");
  close(cm.meanIoU, card.meanIoU, "mIoU");
  close(cm.kappa, card.kappa, "kappa");
  await Promise.all([scene.close(), labels.close()]);
  await model.dispose();
});

test("elevation regressor: per-block inference on the test blocks reproduces the card's metrics", async () => {
  const model = await loadModel("data/models/olinda-elevation-regressor.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const dem = await openRaster(`${BENCH}/dem_l7grid.tif`);
  const y: number[] = [];
  const mu: number[] = [];
  const sd: number[] = [];
  for (const w of blocks) {
    const out = await model.predict(rasterToTensor(await scene.read({ window: w }), model.card));
    const d = (await dem.read({ window: w })).band(1);
    const hw = w.width * w.height;
    for (let i = 0; i < hw; i++) {
      if (d[i] === -9999) continue;
      y.push(d[i]!);
      mu.push(out.data[i]!);
      sd.push(Math.exp(0.5 * out.data[hw + i]!));
    }
  }
  const m = regressionMetrics(y, mu, { std: sd }).summary;
  const card = model.card.metrics as Record<string, number>;
  assert.equal(m.samples, card.samples);
  close(m.rmse, card.rmse!, "RMSE", 1e-3);
  close(m.mae, card.mae!, "MAE", 1e-3);
  close(m.r2, card.r2!, "R²", 1e-5);
  close(m.coverage95!, card.coverage95!, "coverage95", 1e-3);
  close(m.meanPredictedStd!, card.meanPredictedStd!, "mean predicted std", 1e-3);
  assert.equal(model.card.output.unit, "m");
  await Promise.all([scene.close(), dem.close()]);
  await model.dispose();
});

test("band selection by description: wrong order and missing bands are explained", async () => {
  const model = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  const mk = (names: (string | null)[]): Raster => new Raster({
    width: 8, height: 8, dtype: "uint8", bands: names.map(() => new Uint8Array(64).fill(60)), descriptions: names,
  });
  assert.deepEqual(selectBands(mk(["B1", "B2", "B3", "B4", "B5", "B7"]), model.card), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(selectBands(mk(["blue", "green", "red", "nir", "swir1", "swir2"]), model.card), [1, 2, 3, 4, 5, 6]);
  // the card's sensorId (landsat-7-etm) lets the sensor's common names and aliases match too
  assert.equal(model.card.sensorId, "landsat-7-etm");
  assert.deepEqual(selectBands(mk(["Blue", "green", "red", "nir08", "swir16", "swir22"]), model.card), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(selectBands(mk(["band 1", "band 2", "band 3", "band 4", "band 5", "band 7"]), model.card), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseModelCard({ ...model.card, sensorId: "sentinel-2-msi", bands: ["B1", "B2", "B3", "B4", "B5", "B13"] }, "x.json"),
    (e: unknown) => e instanceof ModelCardError && e.field === "bands" && /"B13" is not a band of sensor sentinel-2-msi/.test(e.message));
  // an 8-band stack with names: the card's bands are picked
  assert.deepEqual(selectBands(mk(["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"]), model.card), [1, 2, 3, 4, 5, 7]);
  assert.throws(() => selectBands(mk(["B3", "B2", "B1", "B4", "B5", "B7"]), model.card),
    (e: unknown) => e instanceof ModelInputError && /expects bands in the order B1, B2, B3, B4, B5, B7/.test(e.message) && /bands: \[3, 2, 1, 4, 5, 6\]/.test(e.message));
  assert.throws(() => selectBands(mk([null, null, null, null, null]), model.card),
    (e: unknown) => e instanceof ModelInputError && /takes 6 bands \(B1, B2, B3, B4, B5, B7\) but the raster has 5/.test(e.message));
  assert.throws(() => selectBands(mk(["B1", "B2", "B3", "B4", "B5", "B6", "B8"]), model.card),
    (e: unknown) => e instanceof ModelInputError && /missing B7/.test(e.message));
  // reordered with the bands option, classify gives the same answer as the ordered raster
  const ordered = mk(["B1", "B2", "B3", "B4", "B5", "B7"]);
  const swapped = mk(["B3", "B2", "B1", "B4", "B5", "B7"]);
  const a = await classify(model, [ordered], { progress: false });
  const b = await classify(model, [swapped], { progress: false, bands: ["B1", "B2", "B3", "B4", "B5", "B7"] });
  assert.deepEqual(Array.from(a.logits), Array.from(b.logits));
  // nodata in a patch: error by default, skipped and reported on request
  const holey = new Raster({ width: 8, height: 8, dtype: "uint8", bands: Array.from({ length: 6 }, () => new Uint8Array(64).fill(60)), nodata: 0 });
  holey.band(4)[10] = 0;
  await assert.rejects(classify(model, [{ id: "p7", raster: holey }], { progress: false }),
    (e: unknown) => e instanceof ModelInputError && /Patch p7: 1 of 64 pixels are nodata or NaN/.test(e.message));
  const skip = await classify(model, [{ id: "p7", raster: holey }, { id: "ok", raster: ordered }], { progress: false, invalid: "skip" });
  assert.deepEqual(skip.ids, ["ok"]);
  assert.deepEqual(skip.skipped, [{ id: "p7", reason: "1 of 64 pixels are nodata or NaN" }]);
  const small = await mk([null, null, null, null, null, null]).read({ window: { col: 0, row: 0, width: 4, height: 4 } });
  await assert.rejects(classify(model, [small], { progress: false }),
    (e: unknown) => e instanceof ModelInputError && /classifies 8×8 patches; patch 0 is 4×4/.test(e.message));
  const seg = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  await assert.rejects(classify(seg, [ordered], { progress: false }), (e: unknown) => e instanceof ModelInputError && /is a segmentation model/.test(e.message));
  const p = softmaxAxis1({ data: new Float32Array([0, 0, Math.log(3), 0]), dims: [2, 2] }).data;
  close(p[0]!, 0.5, "softmax");
  close(p[2]!, 0.75, "softmax");
  await Promise.all([model.dispose(), seg.dispose()]);
});
