// Whole-scene inference: no seams (a constant model gives a constant map; tiled = untiled for the
// shipped segmenter), blending weights sum to 1, nodata respected, interrupt stops it, memory stays
// bounded on a large synthetic scene, outputs are georeferenced rasters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { decode } from "fast-png";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadModel, openRaster, predictScene, blendWeights, tileStarts, Raster, ModelInputError, ModelOutputError, predictionInterval, writeRaster,
  type ModelCard, type RasterSourceLike, type ReadOptions, type ScenePrediction, Model,
} from "../../../kernel/src/eo/index.js";
import type { SceneKernels } from "../../../kernel/src/eo/model/scene-kernels.js";

const tmp = mkdtempSync(join(tmpdir(), "ai4eo-scene-"));
const BIAS = [0.3, 2.0, -1.0, 0.5];
const constPath = join(tmp, "constant.onnx");
// A 1x1 convolution with zero weights: logits = BIAS at every pixel, whatever the input.
execFileSync("/usr/bin/python3", ["-c", `
import onnx, sys
from onnx import helper as h, TensorProto as T
w = h.make_tensor("w", T.FLOAT, [4, 6, 1, 1], [0.0] * 24)
b = h.make_tensor("b", T.FLOAT, [4], ${JSON.stringify(BIAS)})
g = h.make_graph([h.make_node("Conv", ["input", "w", "b"], ["logits"])], "constant",
  [h.make_tensor_value_info("input", T.FLOAT, ["n", 6, "h", "w"])], [h.make_tensor_value_info("logits", T.FLOAT, ["n", 4, "h", "w"])], [w, b])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])
`, constPath]);
const constCard: ModelCard = {
  name: "constant", task: "segmentation", bands: ["B1", "B2", "B3", "B4", "B5", "B7"],
  normalization: { type: "none" }, input: { name: "input", dtype: "float32", layout: "NCHW", patchSize: null, halo: 0 },
  output: { name: "logits", kind: "logits", layout: "NKHW" },
  classes: ["a", "b", "c", "d"].map((name, index) => ({ index, name })),
};
const softmaxBias = BIAS.map((v) => Math.exp(v) / BIAS.reduce((a, u) => a + Math.exp(u), 0));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A synthetic scene computed on the fly: never materialized, so memory use is the pipeline's own. */
class SyntheticScene implements RasterSourceLike {
  readonly count = 6;
  readonly dtype = "uint8" as const;
  readonly transform = [500000, 10, 0, 9000000, 0, -10] as const;
  readonly crs = { epsg: 32725 };
  readonly nodata = [null, null, null, null, null, null];
  readonly descriptions = [null, null, null, null, null, null];
  reads = 0;
  constructor(readonly width: number, readonly height: number, readonly delayMs = 0) {}
  async read(o: ReadOptions = {}): Promise<Raster> {
    o.signal?.throwIfAborted();
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    this.reads++;
    const w = o.window!;
    const bands = (o.bands ?? [1, 2, 3, 4, 5, 6]).map((b) => {
      const a = new Uint8Array(w.width * w.height);
      for (let r = 0; r < w.height; r++) for (let c = 0; c < w.width; c++) a[r * w.width + c] = ((w.row + r) * 7 + (w.col + c) * 3 + b * 11) & 255;
      return a;
    });
    return new Raster({ width: w.width, height: w.height, dtype: "uint8", bands });
  }
}

test("tile layout covers the scene; blending weights of a regular layout sum to exactly 1", () => {
  assert.deepEqual(tileStarts(10, 4, 3), [0, 3, 6]);
  assert.deepEqual(tileStarts(11, 4, 3), [0, 3, 6, 7]);
  assert.deepEqual(tileStarts(4, 4, 3), [0]);
  assert.equal(tileStarts(100_000, 256, 1).length, 100_000 - 256 + 1, "a long axis at stride 1 is allowed");
  // a huge axis at a tiny stride is refused with advice, before any array is made
  assert.throws(() => tileStarts(Number.MAX_SAFE_INTEGER, 256, 1), (e: unknown) => e instanceof ModelInputError && /would make \d+ tile starts along one axis .*use a larger stride/.test(e.message));
  assert.throws(() => tileStarts((1 << 24) + 1, 1, 0.5), ModelInputError);
  for (const [total, tile, overlap, halo] of [[32 + 24 * 5, 32, 8, 2], [64 + 48 * 3, 64, 16, 3], [100, 32, 8, 2], [349, 64, 8, 3]] as const) {
    const sum = new Float64Array(total);
    for (const s of tileStarts(total, tile, tile - overlap)) {
      const w = blendWeights(tile, s, total, overlap, halo);
      for (let i = 0; i < tile; i++) sum[s + i]! += w[i]!;
    }
    const regular = (total - tile) % (tile - overlap) === 0;
    for (let i = 0; i < total; i++) {
      assert.ok(sum[i]! > 0, `position ${i} has weight`);
      if (regular) assert.ok(Math.abs(sum[i]! - 1) < 1e-6, `total=${total}: weights at ${i} sum to ${sum[i]}`);
    }
  }
});

test("a constant model gives a constant map (no seams), probabilities sum to 1, georeference kept", async () => {
  const model = await loadModel(constPath, { card: constCard, threads: 1 });
  const scene = new SyntheticScene(301, 277);
  const pred = await predictScene(model, scene, { tileSize: 64, overlap: 12, outputs: ["class", "probabilities", "confidence"], progress: false });
  assert.equal(pred.tiles, tileStarts(277, 64, 52).length * tileStarts(301, 64, 52).length);
  const cls = pred.classMap!.band(1);
  assert.ok(cls.every((v) => v === 1), "every pixel is class 1");
  for (let k = 0; k < 4; k++) {
    const p = pred.probabilities!.band(k + 1) as Float32Array;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of p) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(Math.abs(lo - softmaxBias[k]!) < 1e-6 && Math.abs(hi - softmaxBias[k]!) < 1e-6, `class ${k}: ${lo}..${hi} vs ${softmaxBias[k]}`);
  }
  assert.deepEqual(pred.classMap!.transform, scene.transform);
  assert.deepEqual(pred.classMap!.crs, { epsg: 32725 });
  assert.deepEqual(pred.probabilities!.descriptions, ["a", "b", "c", "d"]);
  await model.dispose();
});

test("shipped segmenter: tiled prediction equals one-tile prediction (no seams), on the real scene", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const whole = await predictScene(model, scene, { tileSize: 400, outputs: ["class", "probabilities"], progress: false });
  assert.equal(whole.tiles, 1);
  const tiled = await predictScene(model, scene, { tileSize: 64, outputs: ["class", "probabilities"], progress: false, worker: true });
  assert.ok(tiled.tiles > 30);
  // the worker-thread pipeline and the main-thread path give the same result
  const inline = await predictScene(model, scene, { tileSize: 64, outputs: ["class", "probabilities"], progress: false, worker: false });
  assert.deepEqual(inline.classMap!.band(1), tiled.classMap!.band(1));
  for (let k = 1; k <= 4; k++) assert.ok(maxDiff(inline.probabilities!.band(k), tiled.probabilities!.band(k)) < 1e-6);
  // batch sizes that split strips unevenly (several batches queued in the worker, strips finished
  // after their last batch) and the class-only path give the same map; streamed strips equal the whole
  const rows: number[] = [];
  for (const batchSize of [1, 3]) {
    const b = await predictScene(model, scene, {
      tileSize: 64, batchSize, outputs: ["class", "probabilities"], progress: false, worker: true,
      onStrip: (s) => {
        rows.push(s.row, s.height);
        assert.deepEqual(s.outputs.class!.band(1), tiled.classMap!.band(1).subarray(s.row * scene.width, (s.row + s.height) * scene.width));
      },
    });
    assert.deepEqual(b.classMap!.band(1), tiled.classMap!.band(1));
    for (let k = 1; k <= 4; k++) assert.deepEqual(b.probabilities!.band(k), tiled.probabilities!.band(k));
  }
  assert.equal(rows.filter((_, i) => i % 2 === 1).reduce((a, v) => a + v, 0), 2 * scene.height);
  const classOnly = await predictScene(model, scene, { tileSize: 64, outputs: ["class"], progress: false, worker: true });
  assert.deepEqual(classOnly.classMap!.band(1), tiled.classMap!.band(1));
  let maxd = 0;
  for (let k = 1; k <= 4; k++) {
    const a = whole.probabilities!.band(k);
    const b = tiled.probabilities!.band(k);
    for (let i = 0; i < a.length; i++) maxd = Math.max(maxd, Math.abs(a[i]! - b[i]!));
  }
  assert.ok(maxd < 5e-3, `max |tiled - whole| probability = ${maxd}`);
  const ca = whole.classMap!.band(1);
  const cb = tiled.classMap!.band(1);
  let diff = 0;
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) diff++;
  assert.ok(diff <= ca.length * 1e-4, `${diff} of ${ca.length} pixels change class`);
  assert.deepEqual(tiled.classMap!.transform, scene.transform);
  assert.equal(tiled.classMap!.nodata[0], 255);
  // the class map written as GeoTIFF reads back in GDAL with the scene's grid and the same classes
  const tif = join(tmp, "classes.tif");
  await writeRaster(tif, tiled.classMap!, { compress: "deflate" });
  const info = JSON.parse(execFileSync("/usr/bin/python3", ["-c", `
import json, sys
from osgeo import gdal
d = gdal.Open(sys.argv[1]); a = d.ReadAsArray()
print(json.dumps({"gt": d.GetGeoTransform(), "epsg": d.GetSpatialRef().GetAuthorityCode(None), "nodata": d.GetRasterBand(1).GetNoDataValue(), "hist": [int((a == k).sum()) for k in range(4)]}))
`, tif], { encoding: "utf8" })) as { gt: number[]; epsg: string; nodata: number; hist: number[] };
  info.gt.forEach((v, i) => assert.ok(Math.abs(v - scene.transform[i]!) < 1e-6));
  assert.equal(info.epsg, "31985");
  assert.equal(info.nodata, 255);
  assert.deepEqual(info.hist, [0, 1, 2, 3].map((k) => cb.filter((v) => v === k).length));
  // the prediction displays with a PNG preview in the card's class colours
  const bundle = (tiled[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>).call(tiled);
  assert.match(bundle["text/plain"]!, /ScenePrediction 349×352/);
  const png = decode(Buffer.from(bundle["image/png"]!, "base64"));
  assert.equal(png.width, 349);
  const water = cb.findIndex((v) => v === 0);
  assert.deepEqual(Array.from(png.data.subarray(water * 4, water * 4 + 4)), [0x1f, 0x4e, 0x9c, 255]);
  // the regressor gives mean and std in metres; the patch classifier gives a class map
  const reg = await loadModel("data/models/olinda-elevation-regressor.onnx", { threads: 1 });
  const r = await predictScene(reg, scene, { tileSize: 128, progress: false });
  const m = r.mean!.band(1) as Float32Array;
  const s = r.std!.band(1) as Float32Array;
  assert.ok(m.every((v) => Number.isFinite(v) && v > -50 && v < 200) && s.every((v) => v > 0), "finite elevations and positive std");
  assert.match(r.mean!.descriptions[0]!, /elevation mean \(m\)/);
  const cls = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  const pc = await predictScene(cls, scene, { progress: false });
  assert.ok(pc.classMap!.band(1).every((v) => v < 4));
  await assert.rejects(predictScene(cls, scene, { outputs: ["mean"], progress: false }), (e: unknown) => e instanceof ModelInputError && /Output "mean" is not available for classification/.test(e.message));
  await Promise.all([model.dispose(), reg.dispose(), cls.dispose(), scene.close()]);
});

test("WebAssembly kernels and JavaScript loops give bit-identical scenes (uint8, uint16, float32 with nodata; segmenter, regressor, patch model; worker and main thread)", async () => {
  const seg = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const reg = await loadModel("data/models/olinda-elevation-regressor.onnx", { threads: 1 });
  const cls = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  const src = await openRaster("data/olinda/L7_ETMs.tif");
  const u8 = await src.read();
  await src.close();
  const geo = { width: u8.width, height: u8.height, transform: u8.transform, crs: u8.crs };
  const u16 = new Raster({ ...geo, dtype: "uint16", bands: Array.from({ length: 6 }, (_, b) => Uint16Array.from(u8.band(b + 1), (v) => v * 4)) });
  const f32Bands = Array.from({ length: 6 }, (_, b) => Float32Array.from(u8.band(b + 1)));
  for (let r = 40; r < 80; r++) for (let c = 10; c < 200; c++) f32Bands[1]![r * u8.width + c] = -1; // crosses strip overlaps (tile 48: rows 42–47)
  f32Bands[4]![777] = NaN;
  const f32 = new Raster({ ...geo, dtype: "float32", bands: f32Bands, nodata: -1 });
  const same = (a: ScenePrediction, b: ScenePrediction, what: string): void => {
    for (const k of ["classMap", "probabilities", "confidence", "mean", "std"] as const) {
      assert.equal(a[k] === null, b[k] === null, `${what}: ${k}`);
      for (let band = 1; band <= (a[k]?.count ?? 0); band++) assert.deepEqual(a[k]!.band(band), b[k]!.band(band), `${what}: ${k} band ${band}`);
    }
  };
  const cases: [string, Model, RasterSourceLike, Parameters<typeof predictScene>[2]][] = [
    ["segmenter uint8", seg, u8, { tileSize: 64, outputs: ["class", "probabilities", "confidence"] }],
    ["segmenter uint8 class only", seg, u8, { tileSize: 72, overlap: 20, batchSize: 3, outputs: ["class"] }],
    ["segmenter uint16", seg, u16, { tileSize: 64, outputs: ["class", "confidence"] }],
    ["segmenter float32 nodata", seg, f32, { tileSize: 48, outputs: ["class", "probabilities"] }],
    ["segmenter float32 nodata class only", seg, f32, { tileSize: 48, outputs: ["class"] }],
    ["regressor", reg, u8, { tileSize: 96 }],
    ["patch classifier", cls, u8, {}],
  ];
  // files whose pixels the kernels read as stored (pixel-interleaved: readInterleavedInto), and a band-interleaved one
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-pixels-"));
  const gdal = (out: string, ...opts: string[]): string => {
    execFileSync("gdal_translate", ["-q", ...opts.flatMap((o) => ["-co", o]), "data/olinda/L7_ETMs.tif", join(dir, out)]);
    return join(dir, out);
  };
  const u8Pixels = await openRaster(gdal("u8-pixels.tif", "INTERLEAVE=PIXEL", "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=DEFLATE"));
  const u8Strips = await openRaster(gdal("u8-strips.tif", "INTERLEAVE=PIXEL", "BLOCKYSIZE=7"), { cacheBytes: 0 });
  const u8Bands = await openRaster(gdal("u8-bands.tif", "INTERLEAVE=BAND", "TILED=YES"));
  execFileSync("gdal_translate", ["-q", "-ot", "UInt16", "-scale", "0", "255", "0", "1020", "-co", "INTERLEAVE=PIXEL", "-co", "TILED=YES", "-co", "BLOCKXSIZE=48", "-co", "BLOCKYSIZE=16", "data/olinda/L7_ETMs.tif", join(dir, "u16-scaled.tif")]);
  const u16Scaled = await openRaster(join(dir, "u16-scaled.tif"));
  // one tile per strip: the strip buffers come round while the workers still hold earlier strips' batches
  execFileSync("gdal_translate", ["-q", "-srcwin", "40", "0", "64", "352", "-co", "INTERLEAVE=PIXEL", "data/olinda/L7_ETMs.tif", join(dir, "u8-narrow.tif")]);
  const u8Narrow = await openRaster(join(dir, "u8-narrow.tif"));
  const seg2 = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 }); // two workers: four batches in flight
  cases.push(
    ["segmenter, one tile per strip", seg2, u8Narrow, { tileSize: 64, overlap: 12, outputs: ["class", "probabilities"] }],
    ["segmenter, pixel-interleaved DEFLATE tiles", seg, u8Pixels, { tileSize: 64, outputs: ["class", "probabilities", "confidence"] }],
    ["segmenter, pixel-interleaved strips, class only", seg, u8Strips, { tileSize: 72, overlap: 20, batchSize: 3, outputs: ["class"] }],
    ["segmenter, band-interleaved file", seg, u8Bands, { tileSize: 64, outputs: ["class"] }],
    ["segmenter, pixel-interleaved uint16 tiles", seg, u16Scaled, { tileSize: 64, outputs: ["class", "confidence"] }],
    ["patch classifier, pixel-interleaved file", cls, u8Pixels, {}],
  );
  for (const [what, model, scene, o] of cases) {
    for (const worker of [true, false]) {
      const js = await predictScene(model, scene, { ...o, progress: false, worker, wasm: false });
      const wasm = await predictScene(model, scene, { ...o, progress: false, worker, wasm: true });
      same(wasm, js, `${what}, worker ${worker}`);
    }
  }
  await Promise.all([seg.dispose(), seg2.dispose(), reg.dispose(), cls.dispose(), u8Pixels.close(), u8Strips.close(), u8Bands.close(), u16Scaled.close(), u8Narrow.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test("a model whose output is not K planes of the tile's size is an error naming the model and the shape needed (smaller, larger; worker, main thread, JavaScript)", async () => {
  // stride 2: 4 planes of half the tile's size; the input twice over (12 planes) where the card lists
  // 4 classes (the graphs leave the output's sizes open, so loadModel cannot tell)
  const bad = [["half", 4, 32], ["twelve", 12, 64]] as const;
  const graphs: Record<string, string> = {
    half: `w = h.make_tensor("w", T.FLOAT, [4, 6, 1, 1], [0.01] * 24)
nodes = [h.make_node("Conv", ["input", "w"], ["logits"], strides=[2, 2])]; inits = [w]; c = 6`,
    twelve: `nodes = [h.make_node("Concat", ["input", "input"], ["logits"], axis=1)]; inits = []; c = "c"`,
  };
  for (const [name] of bad) {
    execFileSync("/usr/bin/python3", ["-c", `
import onnx, sys
from onnx import helper as h, TensorProto as T
${graphs[name]}
g = h.make_graph(nodes, "${name}", [h.make_tensor_value_info("input", T.FLOAT, ["n", c, "h", "w"])], [h.make_tensor_value_info("logits", T.FLOAT, ["n", "k", "oh", "ow"])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])
`, join(tmp, `${name}.onnx`)]);
  }
  const scene = new SyntheticScene(200, 150);
  for (const [name, k, size] of bad) {
    const model = await loadModel(join(tmp, `${name}.onnx`), { card: { ...constCard, name }, threads: 2 });
    for (const [worker, wasm] of [[true, true], [false, true], [false, false]] as const) {
      await assert.rejects(predictScene(model, scene, { tileSize: 64, batchSize: 3, progress: false, worker, wasm }), (e: unknown) => {
        assert.ok(e instanceof ModelOutputError, `${name}, worker ${worker}, wasm ${wasm}: ${String(e)}`);
        assert.match(e.message, new RegExp(`^Model ${name} returned \\d+ values \\(shape \\[3, ${k}, ${size}, ${size}\\]\\) for a batch of 3 64×64 tiles; predictScene needs shape \\[3, 4, 64, 64\\]`));
        assert.deepEqual(e.expected, [3, 4, 64, 64]);
        return true;
      }, `${name}, worker ${worker}, wasm ${wasm}`);
    }
    await model.dispose();
  }
});

test("scene workers: one per intra-op thread up to four, one for a model file over 64 MiB", async () => {
  const m = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const withSource = (bytes: number, threads: number) =>
    new Model(m.session, m.card, m.path, m.info, { bytes: new Uint8Array(bytes), sessionOptions: { intraOpNumThreads: threads } }).sceneWorkerCount();
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((t) => withSource(1000, t)), [1, 2, 3, 4, 4, 4]);
  assert.equal(withSource(65 * 2 ** 20, 8), 1, "big weights are not copied into several workers");
  await m.dispose();
});

test("the scene workers are started once per model and reused; dispose stops them; idle workers do not keep the process alive", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  assert.equal(model.sceneWorkerCount(), 2, "two threads: two single-threaded sessions");
  const workers = await model.sceneWorkers();
  assert.equal(workers.length, 2);
  assert.ok(workers.every((w) => w.alive));
  const a = await predictScene(model, scene, { tileSize: 64, outputs: ["class"], progress: false, worker: true });
  const b = await predictScene(model, scene, { tileSize: 64, outputs: ["class"], progress: false, worker: true });
  assert.deepEqual(await model.sceneWorkers(), workers, "the same workers serve later calls");
  assert.deepEqual(a.classMap!.band(1), b.classMap!.band(1));
  const single = await predictScene(model, scene, { tileSize: 64, outputs: ["class"], progress: false, worker: false });
  assert.deepEqual(a.classMap!.band(1), single.classMap!.band(1), "batches on two workers blend to the main thread's result");
  await model.dispose();
  assert.ok(workers.every((w) => !w.alive), "dispose stops the workers");
  await scene.close();
  // a script that never disposes its model still exits once predictScene is done
  const script = `import { loadModel, openRaster, predictScene } from ${JSON.stringify(join(process.cwd(), "kernel/src/eo/index.ts"))};
const m = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
const p = await predictScene(m, await openRaster("data/olinda/L7_ETMs.tif"), { tileSize: 64, outputs: ["class"], progress: false, worker: true });
console.log("tiles", p.tiles);`;
  const t = performance.now();
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.match(out, /tiles \d+/);
  assert.ok(performance.now() - t < 60_000);
});

test("with several workers the last strip's tiles are sent one at a time (the workers finish together); earlier strips go in whole batches; the next strip is read once every worker has a batch", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const sizes: number[] = [];
  /** Batches launched before each strip's read began. */
  const launchedBeforeRead: number[] = [];
  for (const name of ["read", "readInterleavedInto"] as const) {
    const f = (scene[name] as (...a: unknown[]) => Promise<unknown>).bind(scene);
    (scene as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      launchedBeforeRead.push(sizes.length);
      return f(...a);
    };
  }
  const workers = await model.sceneWorkers();
  for (const r of workers) {
    for (const name of ["predictTiles", "predictShared", "predictTransfer"] as const) {
      const f = (r[name] as (...a: unknown[]) => Promise<unknown>).bind(r);
      (r as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
        sizes.push(name === "predictTiles" ? (a[6] as number[]).length : ((name === "predictShared" ? a[1] : a[2]) as number[])[0]!);
        return f(...a);
      };
    }
  }
  const o = { tileSize: 64, overlap: 8, batchSize: 3, outputs: ["class", "probabilities"] as ("class" | "probabilities")[], progress: false };
  const got = await predictScene(model, scene, { ...o, worker: true });
  const cols = tileStarts(scene.width, 64, 56).length;
  const rows = tileStarts(scene.height, 64, 56).length;
  const perStrip = [...Array<number>(Math.floor(cols / 3)).fill(3), ...(cols % 3 ? [cols % 3] : [])];
  assert.deepEqual(sizes, [...Array.from({ length: rows - 1 }, () => perStrip).flat(), ...Array<number>(cols).fill(1)]);
  // strip k + 1 is read after the batches of the strips before k and the first batch of strip k for each worker
  assert.equal(workers.length, 2);
  assert.deepEqual(launchedBeforeRead, Array.from({ length: rows }, (_, k) => (k === 0 ? 0 : (k - 1) * perStrip.length + Math.min(workers.length, perStrip.length))));
  const single = await predictScene(model, scene, { ...o, worker: false });
  assert.deepEqual(got.classMap!.band(1), single.classMap!.band(1));
  for (let b = 1; b <= 4; b++) assert.deepEqual(got.probabilities!.band(b), single.probabilities!.band(b), `probabilities band ${b}`);
  await model.dispose();
  await scene.close();
});

test("the model keeps predictScene's kernel memory between calls: reused (reset) memory gives a fresh memory's scene; an aborted call's is not kept; dispose drops it", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 });
  const taken: SceneKernels[] = [];
  const take = model.takeSceneKernels.bind(model);
  model.takeSceneKernels = (bytes: number) => {
    const k = take(bytes);
    if (k) taken.push(k);
    return k;
  };
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-reuse-"));
  const tif = join(dir, "pixels.tif");
  execFileSync("gdal_translate", ["-q", "-co", "INTERLEAVE=PIXEL", "-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "data/olinda/L7_ETMs.tif", tif]);
  const scene = await openRaster(tif);
  // class only first (the accumulators, strips and outputs are not cleared on reuse), then calls that need other arrays cleared
  const calls: Parameters<typeof predictScene>[2][] = [
    { tileSize: 64, outputs: ["class"] },
    { tileSize: 64, outputs: ["class", "probabilities", "confidence"] },
    { tileSize: 48, overlap: 10, batchSize: 3, outputs: ["class"] },
    { tileSize: 64, outputs: ["class"], worker: false },
  ];
  for (const [i, o] of calls.entries()) {
    const got = await predictScene(model, scene, { ...o, progress: false });
    const fresh = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 });
    const want = await predictScene(fresh, scene, { ...o, progress: false });
    await fresh.dispose();
    for (const k of ["classMap", "probabilities", "confidence"] as const) {
      assert.equal(got[k] === null, want[k] === null);
      for (let b = 1; b <= (got[k]?.count ?? 0); b++) assert.deepEqual(got[k]!.band(b), want[k]!.band(b), `call ${i}: ${k} band ${b}`);
    }
    // (every call after the first fits in the first call's memory, or in the larger one kept then)
    if (i > 0) assert.ok(taken.slice(0, i).includes(taken[i]!), `call ${i} reuses a kept memory`);
  }
  // an aborted call's memory may still be written by a worker finishing its batch: the model does not keep it
  const big = new SyntheticScene(2000, 2000, 5);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(predictScene(model, big, { tileSize: 256, outputs: ["class"], progress: false, signal: ac.signal }), (e: unknown) => (e as Error).name === "AbortError");
  const aborted = taken[taken.length - 1]!;
  await predictScene(model, scene, { tileSize: 64, outputs: ["class"], progress: false });
  assert.notEqual(taken[taken.length - 1], aborted, "the aborted call's memory is not handed out again");
  await model.dispose();
  const after = taken[taken.length - 1]!;
  const again = take(1024);
  assert.ok(again && again !== after && !taken.includes(again), "dispose drops the kept memory");
  await scene.close();
  rmSync(dir, { recursive: true, force: true });
});

test("nodata pixels get no prediction; NaN never reaches the model", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const src = await openRaster("data/olinda/L7_ETMs.tif");
  const full = await src.read({ window: { col: 100, row: 100, width: 120, height: 90 } });
  await src.close();
  const bands = Array.from({ length: 6 }, (_, b) => Float32Array.from(full.band(b + 1)));
  for (let r = 20; r < 40; r++) for (let c = 30; c < 70; c++) bands[2]![r * 120 + c] = -1; // a hole in band 3
  bands[5]![5] = NaN;
  const scene = new Raster({ width: 120, height: 90, dtype: "float32", bands, nodata: -1, transform: full.transform, crs: full.crs });
  const pred = await predictScene(model, scene, { tileSize: 48, outputs: ["class", "probabilities", "confidence"], progress: false });
  const c = pred.classMap!.band(1);
  let holes = 0;
  for (let i = 0; i < c.length; i++) {
    const inHole = (Math.floor(i / 120) >= 20 && Math.floor(i / 120) < 40 && i % 120 >= 30 && i % 120 < 70) || i === 5;
    assert.equal(c[i] === 255, inHole, `pixel ${i}`);
    if (inHole) {
      holes++;
      assert.ok(Number.isNaN(pred.probabilities!.band(1)[i]) && Number.isNaN(pred.confidence!.band(1)[i]));
    } else assert.ok(c[i]! < 4);
  }
  assert.equal(holes, 20 * 40 + 1);
  // nodata: null ignores the source's nodata (the -1 values are then data)
  const raw = await predictScene(model, scene, { tileSize: 48, nodata: null, progress: false });
  assert.equal(raw.classMap!.band(1)[20 * 120 + 30]! < 4, true);
  await model.dispose();
});

test("an abort stops predictScene within 1 s (one scene worker, and two)", async () => {
  for (const threads of [1, 2]) {
    const model = await loadModel(constPath, { card: constCard, threads });
    const scene = new SyntheticScene(4000, 4000, 20);
    const ac = new AbortController();
    let abortedAt = 0;
    const t = setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 300);
    await assert.rejects(predictScene(model, scene, { tileSize: 256, signal: ac.signal, outputs: [], progress: false }), (e: unknown) => (e as Error).name === "AbortError");
    clearTimeout(t);
    const lag = performance.now() - abortedAt;
    assert.ok(abortedAt > 0 && lag < 1000, `${threads} thread(s): stopped ${lag.toFixed(0)} ms after the abort`);
    assert.ok(scene.reads < 16, `${threads} thread(s): only ${scene.reads} of 16 strips read`);
    await model.dispose();
  }
});

test("memory stays bounded on a large synthetic scene (streamed strips)", async () => {
  const model = await loadModel(constPath, { card: constCard, threads: 1 });
  const W = 4000;
  const H = 4000; // 16 Mpx: 384 MB as float32 input, 256 MB as float32 probabilities if materialized
  const scene = new SyntheticScene(W, H);
  // what does not grow with the scene is there before the baseline: the scene worker, its session's
  // buffers for a batch of 256×256 tiles, onnxruntime's code (a small scene's call sets them up)
  await predictScene(model, new SyntheticScene(1024, 1024), { tileSize: 256, outputs: [], progress: false, onStrip: () => undefined });
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  let rows = 0;
  let next = 0;
  let ones = 0;
  await predictScene(model, scene, {
    tileSize: 256, outputs: [], progress: false,
    onStrip: (s) => {
      assert.equal(s.row, next, "strips arrive in order without gaps");
      next += s.height;
      rows += s.height;
      const c = s.outputs.class!.band(1);
      for (const v of c) if (v === 1) ones++;
      peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  clearInterval(timer);
  assert.equal(rows, H);
  assert.equal(ones, W * H);
  const grew = (peak - base) / 2 ** 20;
  assert.ok(grew < 150, `peak RSS grew by ${grew.toFixed(0)} MB`);
  await model.dispose();
});

test("regression error bars: Gaussian intervals from mean and std; z equals Python's NormalDist quantile", async () => {
  const reg = await loadModel("data/models/olinda-elevation-regressor.onnx", { threads: 1 });
  const scene = await openRaster("data/olinda/L7_ETMs.tif");
  const pred = await predictScene(reg, scene, { tileSize: 128, progress: false });
  const levels = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999999];
  const want = JSON.parse(execFileSync("/usr/bin/python3", ["-c", `import json, statistics; print(json.dumps([statistics.NormalDist().inv_cdf((1 + p) / 2) for p in ${JSON.stringify(levels)}]))`], { encoding: "utf8" })) as number[];
  levels.forEach((l, i) => {
    const zl = predictionInterval(pred, l).z;
    assert.ok(Math.abs(zl - want[i]!) < 1e-8 * want[i]!, `level ${l}: z ${zl} vs ${want[i]}`);
  });
  const { lower, upper, z } = predictionInterval(pred, 0.95);
  const m = pred.mean!.band(1);
  const s = pred.std!.band(1);
  const lo = lower.band(1);
  const hi = upper.band(1);
  for (let i = 0; i < m.length; i += 97) {
    assert.ok(lo[i]! < m[i]! && m[i]! < hi[i]!);
    assert.ok(Math.abs(hi[i]! - lo[i]! - 2 * z * s[i]!) < 1e-3);
  }
  // empirical coverage of the DEM on the test blocks is close to the card's (per-block protocol)
  const demSrc = await openRaster("data/olinda-bench/dem_l7grid.tif");
  const dem = (await demSrc.read()).band(1);
  await demSrc.close();
  const blocks = readFileSync("data/olinda-bench/blocks.csv", "utf8").trim().split("\n").slice(1).map((l) => l.split(",")).filter((r) => r[5] === "test");
  let inside = 0;
  let n = 0;
  for (const [, c, r, w, h] of blocks) {
    for (let y = +r!; y < +r! + +h!; y++) for (let x = +c!; x < +c! + +w!; x++) {
      const i = y * scene.width + x;
      if (dem[i] === -9999) continue;
      n++;
      if (dem[i]! >= lo[i]! && dem[i]! <= hi[i]!) inside++;
    }
  }
  const card = reg.card.metrics as { coverage95: number };
  assert.ok(Math.abs(inside / n - card.coverage95) < 0.05, `scene coverage ${inside / n} vs card ${card.coverage95}`);
  assert.match(lower.descriptions[0]!, /lower 95%/);
  const seg = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const sp = await predictScene(seg, scene, { tileSize: 128, progress: false });
  assert.throws(() => predictionInterval(sp), (e: unknown) => e instanceof ModelInputError && /needs a regression prediction with both mean and std/.test(e.message));
  await Promise.all([reg.dispose(), seg.dispose(), scene.close()]);
});
