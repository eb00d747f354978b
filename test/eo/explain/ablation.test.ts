import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bandGroupAblation, featureAblation, gridSegments, segmentAblation, slicSegments, spectralGroups, UnknownBandGroupError,
} from "../../../kernel/src/eo/explain/index.js";
import { BAND_W, loadFixture, randomTensor } from "./models.js";

const names = ["B2", "B3", "B4", "B8"];
const x = randomTensor([3, 4, 8, 8], 21, -1, 1);

function bandMean(n: number, c: number): number {
  let s = 0;
  for (let p = 0; p < 64; p++) s += x.data[(n * 4 + c) * 64 + p]!;
  return s / 64;
}

test("band-group ablation of a linear model equals Σ_{c∈group} W[t,c]·mean(x_c)", async () => {
  const m = await loadFixture("band_linear.onnx");
  const groups = spectralGroups(names);
  assert.deepEqual(groups, { visible: ["B2", "B3", "B4"], NIR: ["B8"] });
  const r = await bandGroupAblation(m, x, { bandNames: names, groups, target: [0, 1, 2], progress: false });
  assert.deepEqual(r.groups, ["visible", "NIR"]);
  for (let n = 0; n < 3; n++) {
    const t = [0, 1, 2][n]!;
    const vis = [0, 1, 2].reduce((s, c) => s + BAND_W[t]![c]! * bandMean(n, c), 0);
    const nir = BAND_W[t]![3]! * bandMean(n, 3);
    assert.ok(Math.abs(r.item(n).visible! - vis) < 1e-5, `item ${n} visible ${r.item(n).visible} vs ${vis}`);
    assert.ok(Math.abs(r.item(n).NIR! - nir) < 1e-5, `item ${n} NIR`);
  }
  // one pass for the targets and one for all 3×2 perturbed copies
  assert.deepEqual(m.calls, [3, 6]);
  const bundle = (r as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["image/svg+xml"], /<rect/);
  assert.match(bundle["text/plain"], /visible/);
});

test("spectral groups for Sentinel-2, Landsat TM/ETM+ and SAR names", () => {
  assert.deepEqual(spectralGroups(["B02", "B05", "B8A", "B08", "B11", "B12"]), { visible: ["B02"], "red edge": ["B05", "B8A"], NIR: ["B08"], SWIR: ["B11", "B12"] });
  assert.deepEqual(spectralGroups(["B1", "B2", "B3", "B4", "B5", "B7"], { sensor: "landsat-tm" }), { visible: ["B1", "B2", "B3"], NIR: ["B4"], SWIR: ["B5", "B7"] });
  assert.deepEqual(spectralGroups(["VV", "VH", "dem"]), { SAR: ["VV", "VH"], dem: ["dem"] });
});

test("bad input: groups naming unknown bands, band-name count mismatch", async () => {
  const m = await loadFixture("band_linear.onnx");
  await assert.rejects(bandGroupAblation(m, x, { bandNames: names, groups: { swir: ["B11"] } }),
    (e: unknown) => e instanceof UnknownBandGroupError && e.band === "B11" &&
      /Band group "swir" names band "B11", which is not among the model's 4 input bands \[B2, B3, B4, B8\]/.test(e.message));
  await assert.rejects(bandGroupAblation(m, x, { bandNames: ["B2"] }), /bandNames lists 1 bands but the input has 4/);
  await assert.rejects(bandGroupAblation(m, x, { groups: { g: [7] } }), /names band 7/);
});

test("superpixel (grid) ablation of the linear model: each block gets Σ_c W[t,c]·Σ_block x/64", async () => {
  const m = await loadFixture("band_linear.onnx");
  const seg = gridSegments(8, 8, 4);
  assert.equal(seg.count, 4);
  const a = await segmentAblation(m, x, { segments: seg, target: 1, progress: false });
  for (let n = 0; n < 3; n++) for (let p = 0; p < 64; p++) {
    const l = seg.labels[p]!;
    let exp = 0;
    for (let c = 0; c < 4; c++) for (let q = 0; q < 64; q++) if (seg.labels[q] === l) exp += (BAND_W[1]![c]! * x.data[(n * 4 + c) * 64 + q]!) / 64;
    assert.ok(Math.abs(a.map(n)[p]! - exp) < 1e-5);
  }
});

test("SLIC superpixels follow a two-region image's boundary and are contiguous labels", () => {
  const H = 16, W = 16;
  const data = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) data[c * H * W + y * W + xx] = xx < 5 ? 0 : 10;
  const s = slicSegments({ data, dims: [1, 3, H, W] }, { segments: 8, compactness: 1 });
  assert.ok(s.count >= 4 && s.count <= 12, `count ${s.count}`);
  assert.equal(Math.max(...s.labels) + 1, s.count);
  // No superpixel straddles the edge at x = 5.
  for (let l = 0; l < s.count; l++) {
    const xs = new Set<boolean>();
    s.labels.forEach((v, p) => { if (v === l) xs.add(p % W < 5); });
    assert.equal(xs.size, 1, `segment ${l} straddles the edge`);
  }
});

test("featureAblation dispatches to band groups or segments", async () => {
  const m = await loadFixture("band_linear.onnx");
  const g = await featureAblation(m, x, { bandNames: names, target: 0, progress: false });
  assert.deepEqual(g.groups, names);
  assert.ok(Math.abs(g.item(0).B3! - BAND_W[0]![1]! * bandMean(0, 1)) < 1e-5);
  const s = await featureAblation(m, x, { segments: gridSegments(8, 8, 8), target: 0, progress: false });
  assert.ok(Math.abs(s.map(0)[0]! - (s.baseScores[0]! - 0.1)) < 1e-5); // all pixels removed → only the bias remains
});
