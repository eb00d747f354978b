import { test } from "node:test";
import assert from "node:assert/strict";
import { occlusion, TargetMismatchError, WindowSizeError, windowStarts, boxBlur } from "../../../kernel/src/eo/explain/index.js";
import { BAND_W, loadFixture, randomTensor } from "./models.js";

const H = 8, W = 8;

/** Expected occlusion map of the band-linear model: window Δ = Σ_c W[t,c]·Σ_win (x − b)/64, averaged over covering windows. */
function expectedLinear(x: Float32Array, t: number, win: number, stride: number, base: (c: number, p: number) => number): Float64Array {
  const ys = windowStarts(H, win, stride), xs = windowStarts(W, win, stride);
  const sum = new Float64Array(H * W), cnt = new Float64Array(H * W);
  for (const y0 of ys) for (const x0 of xs) {
    let d = 0;
    for (let c = 0; c < 4; c++) for (let y = y0; y < y0 + win; y++) for (let xx = x0; xx < x0 + win; xx++) {
      d += (BAND_W[t]![c]! * (x[c * 64 + y * W + xx]! - base(c, y * W + xx))) / 64;
    }
    for (let y = y0; y < y0 + win; y++) for (let xx = x0; xx < x0 + win; xx++) { sum[y * W + xx]! += d; cnt[y * W + xx]!++; }
  }
  return sum.map((s, i) => s / cnt[i]!);
}

test("occlusion of a linear model over bands gives the analytic attribution (constant and blur baselines)", async () => {
  const m = await loadFixture("band_linear.onnx");
  const x = randomTensor([2, 4, H, W], 3, -1, 1);
  const a = await occlusion(m, x, { window: 3, stride: 2, target: [2, 1], progress: false });
  for (let n = 0; n < 2; n++) {
    const exp = expectedLinear(x.data.subarray(n * 256, (n + 1) * 256), [2, 1][n]!, 3, 2, () => 0);
    a.map(n).forEach((v, i) => assert.ok(Math.abs(v - exp[i]!) < 1e-5, `item ${n} pixel ${i}: ${v} vs ${exp[i]}`));
  }
  assert.deepEqual(Array.from(a.targets), [2, 1]);
  const blur = await occlusion(m, x, { window: 4, stride: 4, target: 0, baseline: "blur", progress: false });
  const b0 = boxBlur(x.data.subarray(0, 256), 4, H, W, 2);
  const exp = expectedLinear(x.data.subarray(0, 256), 0, 4, 4, (c, p) => b0[c * 64 + p]!);
  blur.map(0).forEach((v, i) => assert.ok(Math.abs(v - exp[i]!) < 1e-5, `blur pixel ${i}`));
});

test("occlusion of a model that only looks at one quadrant is zero elsewhere", async () => {
  const m = await loadFixture("quadrant.onnx");
  const x = randomTensor([1, 2, H, W], 4, 0, 1);
  const a = await occlusion(m, x, { window: 2, stride: 2, target: 0, progress: false });
  for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
    const v = a.map(0)[y * W + xx]!;
    if (y < 4 && xx < 4) {
      const y0 = y & ~1, x0 = xx & ~1;
      const exp = 0.25 * (x.data[y0 * W + x0]! + x.data[y0 * W + x0 + 1]! + x.data[(y0 + 1) * W + x0]! + x.data[(y0 + 1) * W + x0 + 1]!);
      assert.ok(Math.abs(v - exp) < 1e-5, `(${y},${xx}) ${v} vs ${exp}`);
    } else assert.equal(v, 0, `(${y},${xx}) outside the quadrant`);
  }
});

test("batched occlusion equals one forward pass at a time, with far fewer passes", async () => {
  const m1 = await loadFixture("band_linear.onnx");
  const m2 = await loadFixture("band_linear.onnx");
  const x = randomTensor([2, 4, H, W], 5);
  const progress: number[] = [];
  const one = await occlusion(m1, x, { window: 2, stride: 1, maxBatch: 1, progress: false });
  const many = await occlusion(m2, x, { window: 2, stride: 1, maxBatch: 64, progress: false, onProgress: (p) => progress.push(p.done) });
  one.data.forEach((v, i) => assert.ok(Math.abs(v - many.data[i]!) < 1e-6));
  assert.equal(m1.calls.length, 2 + 2 * 49);
  assert.deepEqual(m2.calls, [2, 64, 34]);
  assert.deepEqual(progress, [1, 2]);
});

test("occlusion results display themselves and become georeferenced rasters", async () => {
  const m = await loadFixture("quadrant.onnx");
  const x = randomTensor([1, 2, H, W], 6);
  const a = await occlusion(m, x, { window: 4, progress: false });
  const r = a.toRaster({ transform: [288790, 28.5, 0, 9120747, 0, -28.5], crs: { epsg: 31985 } });
  assert.equal(r.width, 8);
  assert.deepEqual(r.crs, { epsg: 31985 });
  assert.deepEqual(Array.from(r.band(1)), Array.from(a.map(0)));
  const bundle = (a as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /Occlusion \(window 4×4, stride 2×2, baseline 0\): 1 item of 8×8/);
  assert.match(bundle["text/html"], /<svg[\s\S]*<rect/);
});

test("bad input: window larger than the patch, unknown target class, wrong rank", async () => {
  const m = await loadFixture("band_linear.onnx");
  const x = randomTensor([1, 4, H, W], 7);
  await assert.rejects(occlusion(m, x, { window: [4, 9] }),
    (e: unknown) => e instanceof WindowSizeError && /window 4×9 is larger than the 8×8 patch/.test(e.message));
  await assert.rejects(occlusion(m, x, { target: 5, progress: false }),
    (e: unknown) => e instanceof TargetMismatchError && /Target class 5 \(item 0\) does not exist: the model outputs 3 classes \(0\.\.2\)/.test(e.message));
  await assert.rejects(occlusion(m, x, { target: [0, 1], progress: false }), /2 targets were given for a batch of 1 items/);
  await assert.rejects(occlusion(m, { data: new Float32Array(4), dims: [4] }), /must be an N×C×H×W batch, got dims \[4\]/);
});

test("receptive-field-aware occlusion of dense models (crops of window ± 2·halo) equals whole-patch occlusion", async () => {
  const { loadModel } = await import("../../../kernel/src/eo/model/load-model.js");
  const { fileURLToPath } = await import("node:url");
  const c3 = await loadFixture("seg_conv3.onnx");
  const x = randomTensor([2, 3, 12, 10], 8, -1, 1);
  for (const score of ["raw", "probability"] as const) {
    const full = await occlusion(c3, x, { window: 3, stride: 2, halo: null, score, progress: false });
    const crop = await occlusion(c3, x, { window: 3, stride: 2, halo: 1, score, progress: false });
    full.data.forEach((v, i) => assert.ok(Math.abs(v - crop.data[i]!) < 1e-5, `${score} value ${i}: ${v} vs ${crop.data[i]}`));
  }
  // The crops are 3 + 4·1 = 7 pixels on a side.
  const dims: number[][] = [];
  await occlusion({ predict: (t, o) => { dims.push([...t.dims]); return c3.predict(t, o); } }, x, { window: 3, stride: 2, halo: 1, progress: false });
  assert.deepEqual(dims[0], [2, 3, 12, 10]);
  assert.deepEqual(dims[1]!.slice(1), [3, 7, 7]);
  const seg = await loadModel(fileURLToPath(new URL("../../../data/models/olinda-segmenter.onnx", import.meta.url)));
  const p = randomTensor([1, 6, 24, 24], 9, -2, 2);
  const a = await occlusion(seg, p, { window: 4, stride: 4, halo: null, progress: false });
  const b = await occlusion(seg, p, { window: 4, stride: 4, progress: false }); // halo 3 from the card
  a.data.forEach((v, i) => assert.ok(Math.abs(v - b.data[i]!) < 1e-5, `segmenter value ${i}`));
});

test("per-class attribution tabs, and regression models explain their mean output by default", async () => {
  const { attributionPerClass } = await import("../../../kernel/src/eo/explain/index.js");
  const { loadModel } = await import("../../../kernel/src/eo/model/load-model.js");
  const { fileURLToPath } = await import("node:url");
  const m = await loadFixture("band_linear.onnx");
  const x = randomTensor([1, 4, H, W], 12, -1, 1);
  const tabs = await attributionPerClass((t) => occlusion(m, x, { window: 4, target: t, progress: false }), ["water", "urban", "veg"]);
  assert.deepEqual(Array.from(tabs.get("urban").targets), [1]);
  const exp = expectedLinear(x.data, 1, 4, 2, () => 0);
  tabs.get(1).map(0).forEach((v, i) => assert.ok(Math.abs(v - exp[i]!) < 1e-5));
  const html = (tabs as any)[Symbol.for("Jupyter.display")]()["text/html"] as string;
  assert.equal((html.match(/type="radio"/g) ?? []).length, 3);
  assert.throws(() => tabs.get("soil"), /No attribution for class "soil"; classes are \[water, urban, veg\]/);
  const reg = await loadModel(fileURLToPath(new URL("../../../data/models/olinda-elevation-regressor.onnx", import.meta.url)));
  const p = randomTensor([2, 6, 16, 16], 13, -1, 1);
  const a = await occlusion(reg, p, { window: 4, stride: 4, progress: false });
  assert.deepEqual(Array.from(a.targets), [0, 0]);
});

test("occlusion stops between forward passes when the signal aborts (a kernel interrupt)", async () => {
  const m = await loadFixture("band_linear.onnx");
  const x = randomTensor([1, 4, H, W], 14);
  const ac = new AbortController();
  await assert.rejects(
    occlusion(m, x, { window: 1, stride: 1, maxBatch: 4, signal: ac.signal, progress: false, onProgress: (p) => { if (p.done === 3) ac.abort(); } }),
    (e: unknown) => (e as Error).name === "AbortError",
  );
  assert.equal(m.calls.length, 1 + 3); // the unperturbed pass and three batches of 4, not all 16
});

test("dense models: a region mask explains only the predictions inside it (whole-patch and crop paths agree)", async () => {
  const c3 = await loadFixture("seg_conv3.onnx"); // 3×3 conv, halo 1
  const x = randomTensor([1, 3, 12, 12], 15, -1, 1);
  const region = new Uint8Array(144);
  for (let y = 0; y < 3; y++) for (let xx = 0; xx < 3; xx++) region[y * 12 + xx] = 1; // top-left 3×3 pixels
  const full = await occlusion(c3, x, { window: 2, stride: 2, target: 1, region, halo: null, progress: false });
  const crop = await occlusion(c3, x, { window: 2, stride: 2, target: 1, region, halo: 1, progress: false });
  full.data.forEach((v, i) => assert.ok(Math.abs(v - crop.data[i]!) < 1e-5, `value ${i}`));
  // Windows that cannot reach the region through the 3×3 receptive field have no effect.
  for (let y = 6; y < 12; y++) for (let xx = 0; xx < 12; xx++) assert.equal(full.map(0)[y * 12 + xx], 0);
  assert.ok(Math.abs(full.map(0)[0]!) > 0);
  await assert.rejects(occlusion(c3, x, { region: new Uint8Array(5), progress: false }), /region mask has 5 values but the model's output has 144 pixels/);
});
