import { test } from "node:test";
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { bivariateMap, mostUncertain, uncertaintyHistogram } from "../../../kernel/src/eo/uncertainty/index.js";

test("bivariate map: class hue fades to grey with uncertainty; nodata and NaN are transparent", () => {
  const geo = { transform: [500000, 30, 0, 9000000, 0, -30] as const, crs: { epsg: 32725 } };
  const pred = new Raster({ width: 4, height: 1, dtype: "int32", bands: [Int32Array.from([0, 1, 1, 255])], ...geo });
  const unc = new Raster({ width: 4, height: 1, dtype: "float32", bands: [Float32Array.from([0, 0.5, 1, 0.2])], ...geo });
  const rgba = bivariateMap(pred, unc, { classColors: ["#1f4e9c", "#2e8b3a"], max: 1, fadeTo: "#ffffff" });
  assert.equal(rgba.count, 4);
  assert.deepEqual(rgba.crs, { epsg: 32725 });
  const px = (p: number) => [1, 2, 3, 4].map((b) => rgba.band(b)[p]);
  assert.deepEqual(px(0), [0x1f, 0x4e, 0x9c, 255]);
  assert.deepEqual(px(1), [Math.round((0x2e + 255) / 2), Math.round((0x8b + 255) / 2), Math.round((0x3a + 255) / 2), 255]);
  assert.deepEqual(px(2), [255, 255, 255, 255]);
  assert.deepEqual(px(3), [0, 0, 0, 0]);
  assert.throws(() => bivariateMap(pred, unc, { classColors: ["blue"] }), /Colour "blue" is not a #rrggbb hex colour/);
});

test("uncertainty histograms per predicted class count every finite value once", () => {
  const h = uncertaintyHistogram([0, 0.1, 0.9, 1, NaN, 0.5], [0, 0, 1, 1, 1, 0], { bins: 2, classes: ["water", "urban"], measure: "MI" });
  assert.deepEqual(Array.from(h.edges), [0, 0.5, 1]);
  assert.deepEqual(Array.from(h.counts), [2, 1, 0, 2]);
  assert.match((h as any)[Symbol.for("Jupyter.display")]()["text/plain"], /water\s+3/);
});

test("most uncertain samples: top-k order and PNG thumbnails of the patches", () => {
  const N = 5, C = 3, H = 4, W = 4;
  const data = new Float32Array(N * C * H * W).map((_, i) => i % 7);
  const m = mostUncertain([0.1, 0.9, 0.3, 0.9, 0.05], { k: 3, input: { data, dims: [N, C, H, W] }, labels: ["a", "b", "c", "d", "e"], measure: "entropy" });
  assert.deepEqual(Array.from(m.indices), [1, 3, 2]);
  assert.deepEqual(m.labels, ["b", "d", "c"]);
  const png = decode(m.thumbnails[0]!);
  assert.equal(png.width, 4);
  assert.equal(png.channels, 3);
  const bundle = (m as any)[Symbol.for("Jupyter.display")]();
  assert.equal((bundle["text/html"].match(/data:image\/png;base64/g) ?? []).length, 3);
});
