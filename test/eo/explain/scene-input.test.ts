// Bad inputs to the whole-scene band-group ablation: ExplainInputErrors naming the argument, and
// nodata pixels masked instead of an error pointing at a pixel of a tile.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { ExplainInputError, sceneBandGroupAblation } from "../../../kernel/src/eo/explain/index.js";

/** N×3×H×W → N×2 logits: mean of band 0 + band 1, and of band 2. */
const cls = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N, C, H, W] = x.dims as [number, number, number, number];
    const P = H * W;
    const out = new Float32Array(N * 2);
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) {
      out[n * 2] += (x.data[(n * C) * P + p]! + x.data[(n * C + 1) * P + p]!) / P;
      out[n * 2 + 1] += x.data[(n * C + 2) * P + p]! / P;
    }
    return { data: out, dims: [N, 2] };
  },
};
const scene = (f: (b: number, i: number) => number) =>
  new Raster({ width: 24, height: 16, dtype: "float32", bands: [0, 1, 2].map((b) => Float32Array.from({ length: 384 }, (_, i) => f(b, i))) });
const r = scene((b, i) => 1 + Math.sin(i + b));
const names = ["B2", "B3", "B4"];
const q = { progress: false, tileSize: 8, bandNames: names, groups: { vis: ["B2", "B3"], red: ["B4"] }, target: 0 };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("a non-model, a non-scene and null options are ExplainInputErrors (before: bare TypeErrors)", async () => {
  await assert.rejects(sceneBandGroupAblation(null as never, r, q), isInputError(/The model must be an object with a predict\(\) method/));
  await assert.rejects(sceneBandGroupAblation(cls, null as never, q), isInputError(/sceneBandGroupAblation needs a scene: an opened raster \(openRaster\(\)\) or a Raster, got null/));
  await assert.rejects(sceneBandGroupAblation(cls, { data: new Float32Array(3), dims: [1, 3, 1, 1] } as never, q), isInputError(/a tensor: for a batch of patches use bandGroupAblation\(\)/));
  await assert.rejects(sceneBandGroupAblation(cls, r, null as never), isInputError(/options must be an object such as \{ bandNames, groups \}, got null/));
});

test("one target per item and empty groups are refused (before: 'targets for a batch of 3 items', a 0-band raster error)", async () => {
  await assert.rejects(sceneBandGroupAblation(cls, r, { ...q, target: [0] as never }),
    isInputError(/target must be a class index or "predicted" for a scene \(one target for every tile\), got an array of 1/));
  await assert.rejects(sceneBandGroupAblation(cls, r, { ...q, groups: {} }), isInputError(/groups is empty; name at least one band group/));
});

test("nodata pixels are NaN in the maps and left out of the scene means (before: an error naming a pixel of a tile, not of the scene)", async () => {
  const bad = scene((b, i) => (i === 30 && b === 2 ? Number.NaN : 1 + Math.sin(i + b)));
  const res = await sceneBandGroupAblation(cls, bad, q);
  assert.ok(Number.isNaN(res.raster.band(1)[30]!) && Number.isNaN(res.raster.band(2)[30]!));
  assert.ok(Number.isNaN(res.raster.nodata[0]!));
  // Pixel 30 (row 1, col 6) is in the first tile; the tile's other pixels keep the tile's value.
  assert.ok(Number.isFinite(res.raster.band(1)[31]!));
  const vis = res.raster.band(1);
  let s = 0, n = 0;
  for (const v of vis) if (!Number.isNaN(v)) { s += v; n++; }
  assert.equal(n, 383);
  assert.ok(Math.abs(res.mean.vis! - s / n) < 1e-9);
  // vis drop of the tile = mean of bands 0 and 1 over the tile, with the nodata pixel fed as 0 in every band.
  let t = 0;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (y * 24 + x !== 30) t += (bad.band(1)[y * 24 + x]! + bad.band(2)[y * 24 + x]!) / 64;
  assert.ok(Math.abs(vis[0]! - t) < 1e-5);
});
