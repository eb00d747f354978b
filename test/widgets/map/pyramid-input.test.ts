// TilePyramid.render's output size is checked before anything is allocated: before, a 50000×50000
// box ran for minutes towards 2.5e9 pixels of index, mask and band arrays, 1e9×1e9 was a bare
// "Invalid typed array length", and 0, NaN or fractional sizes silently returned null.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { MapLayerError, RENDER_MAX_PIXELS, TilePyramid } from "../../../kernel/src/widgets/index.js";

const raster = new Raster({ width: 8, height: 4, dtype: "float32", bands: [Float32Array.from({ length: 32 }, (_, i) => i)] });
const box = [0, -4, 8, 0] as const;

test("render width and height must be whole numbers ≥ 1", { timeout: 60_000 }, async () => {
  const p = new TilePyramid(raster, [1], { name: "ramp", proj: null });
  for (const [w, h, arg, v] of [[0, 4, "width", "0"], [Number.NaN, 4, "width", "NaN"], [-5, 4, "width", "-5"], [8, 2.5, "height", "2.5"], [8, Infinity, "height", "Infinity"]] as const) {
    await assert.rejects(p.render(box, w, h), (e: unknown) => e instanceof MapLayerError &&
      e.message === `Map layer "ramp": render ${arg} must be a whole number of pixels ≥ 1 (a tile is 256), got ${v}.`, `${w}×${h}`);
  }
  const t = (await p.render(box, 8, 4))!;
  assert.deepEqual([...t.bands[0]!.subarray(0, 4)], [0, 1, 2, 3]);
});

test("a render box over RENDER_MAX_PIXELS says to render in tiles", { timeout: 60_000 }, async () => {
  const p = new TilePyramid(raster, [1], { name: "ramp", proj: null });
  assert.equal(RENDER_MAX_PIXELS, 4096 * 4096);
  for (const [w, h] of [[50_000, 50_000], [1e9, 1e9], [4097, 4096]]) {
    await assert.rejects(p.render(box, w, h), (e: unknown) => e instanceof MapLayerError &&
      e.message === `Map layer "ramp": render box of ${w}×${h} pixels is more than RENDER_MAX_PIXELS (16777216, 4096×4096); render it in tiles of at most that many pixels.`, `${w}×${h}`);
  }
  assert.notEqual(await p.render(box, 8192, 2048), null);
});
