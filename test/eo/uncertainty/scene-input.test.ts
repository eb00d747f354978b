// Bad inputs to whole-scene uncertainty: UncertaintyInputErrors naming the argument instead of bare
// TypeErrors/RangeErrors, silently ignored options or garbage tiles; nodata pixels get no result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { loadModel } from "../../../kernel/src/eo/model/load-model.js";
import { openRaster } from "../../../kernel/src/eo/raster/open.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { sceneTiles, sceneUncertainty, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";
import { bandZeroAndNegation, itemMeanClassifier } from "../toy-models.js";

const cls = itemMeanClassifier;
const seg = bandZeroAndNegation;
const scene = (f: (b: number, i: number) => number = (b, i) => Math.sin(i + b)) =>
  new Raster({ width: 24, height: 16, dtype: "float32", bands: [0, 1, 2].map((b) => Float32Array.from({ length: 384 }, (_, i) => f(b, i))) });
const r = scene();
const q = { progress: false, samples: 3, tileSize: 8 };
/** The same without MC dropout's samples, for test-time augmentation. */
const tq = { progress: false, tileSize: 8 };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof UncertaintyInputError && re.test(e.message);

test("a non-model, a non-scene and null options are named (before: bare TypeErrors)", async () => {
  await assert.rejects(sceneUncertainty(null as never, r, q), isInputError(/sceneUncertainty needs a model \(an object with a predict\(\) method, e.g. from loadModel\(\)\), got null/));
  await assert.rejects(sceneUncertainty(cls, null as never, q), isInputError(/sceneUncertainty needs a scene: an opened raster \(openRaster\(\)\) or a Raster, got null/));
  await assert.rejects(sceneUncertainty(cls, { data: new Float32Array(3), dims: [1, 3, 1, 1] } as never, q),
    isInputError(/got an object \(\{ data: Float32Array, dims: \[1, 3, 1, 1\] \}\) \(a tensor: for a batch of patches use mcDropout\(\), testTimeAugmentation\(\) or deepEnsemble\(\)\)/));
  await assert.rejects(sceneUncertainty(cls, r, null as never), isInputError(/options must be an object such as \{ tileSize: 64 \}, got null/));
  await assert.rejects((async () => { for await (const s of sceneTiles(cls, [[1]] as never)) return s; })(), isInputError(/sceneTiles needs a scene: .*got an array of 1 \(\[\[1\]\]\)/));
});

test("an unknown method is refused (before: 'TTA' silently ran MC dropout)", async () => {
  await assert.rejects(sceneUncertainty(cls, r, { ...q, method: "TTA" as never }), isInputError(/method must be "mc-dropout" or "tta" \(test-time augmentation\), got the string "TTA"/));
  assert.match((await sceneUncertainty(cls, r, { ...tq, method: "tta" })).method, /Test-time augmentation/);
});

test("options of the other method are refused (before: samples and seed silently ignored by TTA, augmentations by MC dropout)", async () => {
  await assert.rejects(sceneUncertainty(cls, r, { ...q, method: "tta" }), isInputError(/^samples is for method "mc-dropout"; test-time augmentation runs one pass per augmentation \(choose them with augmentations\)\. Leave it out/));
  await assert.rejects(sceneUncertainty(cls, r, { ...tq, method: "tta", samples: 5, seed: 1 }), isInputError(/^samples and seed are for method "mc-dropout"; .*Leave them out/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, augmentations: ["hflip"] }), isInputError(/augmentations are for method "tta" \(test-time augmentation\); MC dropout draws samples/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, method: "mc-dropout", augmentations: ["hflip"] }), isInputError(/augmentations are for method "tta"/));
});

test("tileSize must be a positive integer (before: 0 and NaN silently meant 64, 1.5 a bare RangeError, '8' an error about the strip raster)", async () => {
  for (const tileSize of [0, -4, Number.NaN, 1.5, "8"]) {
    await assert.rejects(sceneUncertainty(cls, r, { ...q, tileSize: tileSize as never }),
      isInputError(/tileSize must be a positive integer \(tile edge in pixels\), got/), String(tileSize));
  }
});

test("bands, prepare and signal of the wrong kind are named (before: TypeErrors, or tiles cut from a wrongly shaped prepare)", async () => {
  await assert.rejects(sceneUncertainty(cls, r, { ...q, bands: "1" as never }), isInputError(/bands must be a non-empty array of 1-based band numbers such as \[1, 2, 3\], got the string "1"/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, bands: [1, 0] }), isInputError(/bands\[1\] is 0, not a band of the scene: give 1-based band numbers in 1..3/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, prepare: "normalize" as never }), isInputError(/prepare must be a function \(strip: Raster\) => Tensor, got the string "normalize"/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, prepare: () => ({ data: new Float32Array(5), dims: [1, 5] }) }),
    isInputError(/prepare returned dims \[1, 5\] with 5 values for a 24×8 strip of the scene; it must return 1×C×8×24/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, prepare: (s) => ({ data: Float32Array.from(s.band(1), (v) => Math.log(v)), dims: [1, 1, 8, 24] }) }),
    isInputError(/prepare returned -Infinity for channel 0 at scene row 0, col 0, a pixel that is not nodata in the source: the model.s input must be finite/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, signal: {} as never }), isInputError(/signal must be an AbortSignal/));
  await assert.rejects(sceneUncertainty(cls, r, { ...q, onProgress: 1 as never }), isInputError(/onProgress must be a function/));
});

test("NaN pixels of a scene get no result: NaN maps and predicted -1 there, the rasters' nodata (before: predicted class 0 and NaN over the whole patch)", async () => {
  const bad = scene((b, i) => (i === 5 && b === 1 ? Number.NaN : Math.sin(i + b)));
  const u = await sceneUncertainty(cls, bad, q);
  assert.equal(u.rasters.predicted!.band(1)[5], -1);
  assert.deepEqual(u.rasters.predicted!.nodata, [-1]);
  assert.ok(Number.isNaN(u.rasters.confidence!.band(1)[5]!));
  assert.ok(Number.isNaN(u.rasters.confidence!.nodata[0]!));
  // The rest of the patch holding the pixel has a result (computed with the pixel fed as 0).
  assert.ok(Number.isFinite(u.rasters.confidence!.band(1)[4]!) && Number.isFinite(u.rasters.mutualInformation!.band(1)[7 * 24 + 7]!));
  assert.ok(u.rasters.predicted!.band(1)[4]! >= 0);
  // Dense model: only that pixel is masked, the others equal the clean scene's.
  const d = await sceneUncertainty(seg, bad, { ...tq, method: "tta" });
  const clean = await sceneUncertainty(seg, r, { ...tq, method: "tta" });
  assert.ok(Number.isNaN(d.rasters.predictiveEntropy!.band(1)[5]!));
  for (const p of [4, 6, 100]) assert.equal(d.rasters.predictiveEntropy!.band(1)[p], clean.rasters.predictiveEntropy!.band(1)[p]);
  // sceneTiles says which tile pixels were nodata.
  for await (const s of sceneTiles(seg, bad, { tileSize: 8 })) {
    if (s.row === 0) assert.deepEqual([s.valid![5], s.valid![4], s.input.data[5], s.input.data[64 + 5]], [0, 1, 0, 0]);
    else assert.equal(s.valid, undefined);
  }
});

test("pixels equal to a band's nodata value get no result with the shipped classifier (before: a class predicted from the filled value)", async () => {
  const data = (p: string) => fileURLToPath(new URL(`../../../data/${p}`, import.meta.url));
  const model = await loadModel(data("models/olinda-patch-classifier.onnx"));
  const src = await openRaster(data("olinda/L7_ETMs.tif"));
  const win = await src.read({ window: { col: 100, row: 120, width: 16, height: 16 } });
  await src.close();
  const v = win.band(1)[3 * 16 + 4]!;
  const withNodata = new Raster({
    width: 16, height: 16, dtype: win.dtype, bands: Array.from({ length: win.count }, (_, b) => win.band(b + 1)),
    descriptions: win.descriptions, nodata: win.nodata.map((_, b) => (b === 0 ? v : null)), transform: win.transform, crs: win.crs,
  });
  const u = await sceneUncertainty(model, withNodata, { samples: 4, progress: false });
  const pred = u.rasters.predicted!.band(1);
  for (let p = 0; p < 256; p++) assert.equal(pred[p]! === -1, win.band(1)[p] === v, `pixel ${p}`);
  assert.ok(Number.isNaN(u.rasters.mutualInformation!.band(1)[3 * 16 + 4]!));
  await model.dispose();
});

test("too many MC samples for a strip are refused with the scene's numbers: tiles per strip, GiB and how many samples fit", async () => {
  let passes = 0;
  const dense = { async predict(t: Tensor): Promise<Tensor> { passes++; return seg.predict(t); } };
  await assert.rejects(sceneUncertainty(dense, r, { ...q, samples: 2e6 }),
    isInputError(/2000000 MC samples of a strip of 3 8×8 tiles \(128 output values each\) need 2\.9 GiB, over MC dropout's budget of 1 GiB; use at most 699050 samples, or a smaller tileSize/));
  assert.equal(passes, 1);
});
