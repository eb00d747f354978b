// The figure helpers' numbers against the reference tools: numpy (histogram, histogram2d),
// scikit-learn (confusion_matrix, calibration_curve), run side by side with /usr/bin/python3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Raster } from "../../kernel/src/eo/raster/raster.js";
import { plots, Plot, ShapedArray } from "../../kernel/src/widgets/index.js";

function py(code: string, input: unknown): any {
  const r = spawnSync("/usr/bin/python3", ["-c", code], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

// Deterministic pseudo-random numbers (xorshift), so the test data is the same every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

test("histogram excludes nodata and NaN and matches numpy.histogram per band", () => {
  const r = rng(1), W = 50, H = 40, n = W * H;
  const b1 = new Float32Array(n), b2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    b1[i] = i % 17 === 0 ? -9999 : r() * 0.8 - 0.1;
    b2[i] = i % 29 === 0 ? NaN : r() * r();
  }
  const raster = new Raster({ width: W, height: H, dtype: "float32", bands: [b1, b2], nodata: -9999, descriptions: ["red", null] });
  const fig = plots.histogram(raster, { bins: 24 });
  // NaN is not JSON: the reference gets 1e30 for NaN in band 2 and turns it back into NaN.
  const ref2 = py(`
import json, sys, numpy as np
d = json.load(sys.stdin)
b1 = np.array(d["b1"], dtype=np.float32); b2 = np.array(d["b2"], dtype=np.float32); b2[b2 > 1e29] = np.nan
v1 = b1[(b1 != -9999) & np.isfinite(b1)]; v2 = b2[(b2 != -9999) & np.isfinite(b2)]
lo = float(min(v1.min(), v2.min())); hi = float(max(v1.max(), v2.max()))
c1, e = np.histogram(v1, bins=24, range=(lo, hi)); c2, _ = np.histogram(v2, bins=24, range=(lo, hi))
print(json.dumps({"c1": c1.tolist(), "c2": c2.tolist(), "edges": e.tolist(), "n1": int(v1.size), "n2": int(v2.size)}))
`, { b1: Array.from(b1), b2: Array.from(b2, (v) => (Number.isNaN(v) ? 1e30 : v)) });
  assert.deepEqual(Array.from(fig.stats.counts[0]!), ref2.c1);
  assert.deepEqual(Array.from(fig.stats.counts[1]!), ref2.c2);
  assert.deepEqual(fig.stats.valid, [ref2.n1, ref2.n2]);
  assert.deepEqual(fig.stats.excluded, [n - ref2.n1, n - ref2.n2]);
  fig.stats.edges.forEach((e, i) => assert.ok(Math.abs(e - ref2.edges[i]) < 1e-6, `edge ${i}`));
  assert.deepEqual(fig.data.map((t) => t.name), ["red", "band 2"]);
  assert.ok(fig.data[0]!["y"] instanceof Float64Array, "counts travel as a typed array");
});

test("histogram of integer data uses one bin per value; a band of only nodata is a clear error", () => {
  const r = new Raster({ width: 4, height: 1, dtype: "uint8", bands: [new Uint8Array([0, 3, 3, 255])], nodata: 255 });
  const fig = plots.histogram(r);
  assert.deepEqual(Array.from(fig.stats.counts[0]!), [1, 0, 0, 2]);
  const empty = new Raster({ width: 2, height: 1, dtype: "uint8", bands: [new Uint8Array([255, 255])], nodata: 255 });
  assert.throws(() => plots.histogram(empty), /bands with at least one valid pixel \(all 1 are nodata\/NaN\)/);
  assert.throws(() => plots.histogram(r, { bands: [2] }), /histogram\.bands must be band numbers 1\.\.1, got 2/);
});

test("confusion matrix equals sklearn.metrics.confusion_matrix (counts and row-normalised)", () => {
  const r = rng(7);
  const yt = Array.from({ length: 500 }, () => Math.floor(r() * 5));
  const yp = yt.map((t) => (r() < 0.7 ? t : Math.floor(r() * 5)));
  const fig = plots.confusionMatrix(yt, yp, { classNames: ["water", "urban", "forest", "crop", "bare"] });
  const ref = py(`
import json, sys
from sklearn.metrics import confusion_matrix, accuracy_score
d = json.load(sys.stdin)
print(json.dumps({"cm": confusion_matrix(d["t"], d["p"]).tolist(), "norm": confusion_matrix(d["t"], d["p"], normalize="true").tolist(), "acc": accuracy_score(d["t"], d["p"])}))
`, { t: yt, p: yp });
  const k = 5;
  const rows = Array.from({ length: k }, (_, i) => Array.from(fig.stats.counts.slice(i * k, (i + 1) * k)));
  assert.deepEqual(rows, ref.cm);
  assert.ok(Math.abs(fig.stats.accuracy - ref.acc) < 1e-12);
  const norm = plots.confusionMatrix(yt, yp, { normalize: "true" });
  const z = (norm.data[0]!["z"] as ShapedArray);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) assert.ok(Math.abs(z.at(i, j) - ref.norm[i][j]) < 1e-6);
  assert.throws(() => plots.confusionMatrix([1], [1, 2]), /confusionMatrix\.yPred must be 1 values like yTrue/);
});

test("reliability diagram bins match sklearn.calibration.calibration_curve and the ECE is Σ n_b/N |acc−conf|", () => {
  const r = rng(3);
  const conf = Array.from({ length: 2000 }, () => 0.3 + 0.7 * r());
  const ok = conf.map((p) => (r() < p * 0.9 ? 1 : 0));
  conf[0] = 0.5; conf[1] = 0.7; conf[2] = 1; // values on bin edges
  const fig = plots.reliabilityDiagram(conf, ok, { bins: 10 });
  const ref = py(`
import json, sys, numpy as np
from sklearn.calibration import calibration_curve
d = json.load(sys.stdin)
y = np.array(d["ok"]); p = np.array(d["conf"])
pt, pp = calibration_curve(y, p, n_bins=10, strategy="uniform")
bins = np.linspace(0, 1, 11); ids = np.searchsorted(bins[1:-1], p)
n = np.bincount(ids, minlength=10)
ece = sum(n[b] / len(p) * abs(y[ids == b].mean() - p[ids == b].mean()) for b in range(10) if n[b] > 0)
print(json.dumps({"pt": pt.tolist(), "pp": pp.tolist(), "n": n.tolist(), "ece": float(ece)}))
`, { conf, ok });
  const nonEmpty = [...fig.stats.counts.keys()].filter((b) => fig.stats.counts[b]! > 0);
  assert.deepEqual(Array.from(fig.stats.counts), ref.n);
  nonEmpty.forEach((b, i) => {
    assert.ok(Math.abs(fig.stats.accuracy[b]! - ref.pt[i]) < 1e-12, `accuracy bin ${b}`);
    assert.ok(Math.abs(fig.stats.confidence[b]! - ref.pp[i]) < 1e-12, `confidence bin ${b}`);
  });
  assert.ok(Math.abs(fig.stats.ece - ref.ece) < 1e-12);
  assert.throws(() => plots.reliabilityDiagram([1.2], [1]), /confidence\[0\] must be a probability in \[0, 1\], got 1\.2/);
});

test("scatter turns into a kernel-side density equal to numpy.histogram2d above maxPoints", () => {
  const r = rng(11);
  const x = Float32Array.from({ length: 5000 }, () => r());
  const y = Float32Array.from(x, (v) => v * 0.5 + r() * 0.5);
  const pts = plots.scatter(x, y, { maxPoints: 10000 });
  assert.equal(pts.stats.mode, "points");
  assert.equal((pts.data[0]!["x"] as Float64Array).length, 5000);
  const dens = plots.scatter(x, y, { maxPoints: 1000, bins: 16 });
  assert.equal(dens.stats.mode, "density");
  const ref = py(`
import json, sys, numpy as np
d = json.load(sys.stdin); x = np.array(d["x"], dtype=np.float32).astype(np.float64); y = np.array(d["y"], dtype=np.float32).astype(np.float64)
h, xe, ye = np.histogram2d(y, x, bins=16, range=[[y.min(), y.max()], [x.min(), x.max()]])
print(json.dumps(h.astype(int).tolist()))
`, { x: Array.from(x), y: Array.from(y) });
  const rows = Array.from({ length: 16 }, (_, i) => Array.from(dens.stats.counts!.slice(i * 16, (i + 1) * 16)));
  assert.deepEqual(rows, ref);
});

test("spectral profile sorts bands by wavelength and leaves nodata as gaps; heatmap/image keep shape and orientation", () => {
  const W = 3, H = 2;
  const bands = [0, 1, 2].map((b) => Float32Array.from({ length: W * H }, (_, i) => b * 10 + i));
  bands[1]![4] = -1;
  const r = new Raster({ width: W, height: H, dtype: "float32", bands, nodata: -1 });
  const s = plots.pixelSpectrum(r, 1, 1);
  assert.deepEqual(Array.from(s.values), [4, NaN, 24]);
  const fig = plots.spectralProfile([s], { wavelengths: [835, 485, 560], bandNames: ["NIR", "blue", "green"] });
  assert.deepEqual(Array.from(fig.data[0]!["x"] as Float64Array), [485, 560, 835]);
  assert.deepEqual(Array.from(fig.data[0]!["y"] as Float64Array), [NaN, 24, 4]);
  assert.deepEqual(fig.data[0]!["text"], ["blue", "green", "NIR"]);
  assert.throws(() => plots.pixelSpectrum(r, 2, 0), /inside the 3×2 raster/);
  const img = plots.imagePlot(r, { band: 3 });
  const z = img.data[0]!["z"] as ShapedArray;
  assert.deepEqual(z.shape, [2, 3]);
  assert.equal(z.at(1, 2), 25);
  assert.equal((img.layout["yaxis"] as { autorange: string }).autorange, "reversed");
  const big = new Raster({ width: 3000, height: 10, dtype: "uint8", bands: [new Uint8Array(30000)] });
  assert.equal(plots.imagePlot(big, { maxSize: 1000 }).stats.step, 3);
  assert.throws(() => plots.heatmap([1, 2, 3], 2, 2), /heatmap\.values must be 2×2 = 4 values/);
});

test("line chart: dates make a date axis, errors become a band; a Figure displays as a Plot", () => {
  const fig = plots.lineChart([{ name: "NDVI", x: [new Date("2023-01-05"), "2023-02-04"], y: [0.3, 0.4], error: [0.02, 0.03] }]);
  assert.equal((fig.layout["xaxis"] as { type: string }).type, "date");
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data[2]!["x"], ["2023-01-05T00:00:00.000Z", "2023-02-04"]);
  const bundle = (fig as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  assert.match(String(bundle["text/plain"]), /^Plot: scatter/);
  assert.match(String(bundle["text/html"]), /interactive plot/);
  const p = fig.show({ registry: null });
  assert.ok(p instanceof Plot);
  p.relayout({ "title.text": "NDVI 2023", "yaxis.range": [0, 1] });
  assert.deepEqual((p.figure_layout["title"] as { text: string }).text, "NDVI 2023");
  p.restyle({ "line.color": "red" }, [2]);
  assert.equal((p.data[2]!["line"] as { color: string }).color, "red");
  assert.throws(() => p.restyle({ opacity: 1 }, [5]), /restyle traces must be trace indices 0\.\.2/);
});

test("heatmap plots also display as a PNG picture (colorscale, nodata transparent, row 0 on top)", async () => {
  const { decode } = await import("fast-png");
  const fig = plots.heatmap(new Float32Array([0, 1, NaN, 2]), 2, 2, { colorscale: "Greys", zmin: 0, zmax: 2 });
  const bundle = (fig as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  const img = decode(Buffer.from(String(bundle["image/png"]), "base64"));
  assert.equal(img.width, 256);
  assert.equal(img.height, 256);
  const px = (x: number, y: number) => Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
  assert.deepEqual(px(10, 10), [0, 0, 0, 255]);          // z[0][0] = 0 → black
  assert.deepEqual(px(200, 10), [128, 128, 128, 255]);   // z[0][1] = 1 → mid grey
  assert.deepEqual(px(10, 200)[3], 0);                   // NaN → transparent
  assert.deepEqual(px(200, 200), [255, 255, 255, 255]);  // z[1][1] = 2 → white
  const line = (plots.lineChart([{ name: "a", x: [1], y: [1] }]) as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  assert.equal(line["image/png"], undefined, "only heatmaps get a PNG");
});
