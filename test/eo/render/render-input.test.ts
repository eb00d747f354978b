// Bad display arguments are named errors instead of TypeErrors from deep inside: a quicklook's
// maxSize (NaN failed inside the PNG encoder, 0 gave a 1×1 picture), a colormap that is not a name,
// a CRS that is null or not a whole EPSG code, a bivariate map without class colours.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bivariateMap, ColormapError, colormapLut, CrsError, openRaster, QuicklookError, Raster, toCrs, UncertaintyInputError,
} from "../../../kernel/src/eo/index.js";

test("quicklook maxSize must be a whole number ≥ 1 (the source's and the function's)", { timeout: 60_000 }, async () => {
  const src = await openRaster("data/olinda/L7_ETMs.tif");
  try {
    for (const maxSize of [Number.NaN, 0, -5, 2.5, "64"]) {
      await assert.rejects(src.quicklook({ maxSize: maxSize as number }), (e: unknown) => e instanceof QuicklookError &&
        e.message === `maxSize must be a whole number of pixels ≥ 1 (the quicklook's longest side; default 512), got ${typeof maxSize === "string" ? `the string "${maxSize}"` : String(maxSize)}.`, String(maxSize));
    }
    const { width, height } = await src.quicklook({ maxSize: 64 });
    assert.equal(Math.max(width, height), 64);
  } finally {
    await src.close();
  }
});

test("colormapLut with a non-string, toCrs with null or a bad EPSG code are named", () => {
  assert.throws(() => colormapLut(5 as never), (e: unknown) => e instanceof ColormapError && /^A colormap is named by a string such as "viridis" or "RdYlGn_r", got 5\.$/.test(e.message));
  assert.throws(() => colormapLut(null as never), (e: unknown) => e instanceof ColormapError && /got null\.$/.test(e.message));
  assert.equal(colormapLut("viridis").length, 1024);
  assert.throws(() => toCrs(null as never), (e: unknown) => e instanceof CrsError && /^A CRS is an EPSG code \(32725 or "EPSG:32725"\), a proj4 string or \{ epsg\?, wkt\?, proj4\? \}, got null\.$/.test(e.message));
  assert.throws(() => toCrs(undefined as never), (e: unknown) => e instanceof CrsError && /got undefined\.$/.test(e.message));
  for (const code of [0, -4326, 4326.5, Number.NaN]) {
    assert.throws(() => toCrs(code), (e: unknown) => e instanceof CrsError && e.message === `EPSG codes are positive whole numbers such as 32725, got ${code}.`, String(code));
  }
  assert.equal(toCrs(4326).epsg, 4326);
});

test("bivariateMap without classColors is named (before: a TypeError reading map of undefined)", () => {
  const r = new Raster({ width: 2, height: 1, dtype: "float32", bands: [Float32Array.of(0.1, 0.9)] });
  const c = new Raster({ width: 2, height: 1, dtype: "uint8", bands: [Uint8Array.of(0, 1)] });
  for (const options of [{}, null, { classColors: "#ff0000" }, { classColors: [1, 2] }]) {
    assert.throws(() => bivariateMap(c, r, options as never), (e: unknown) => e instanceof UncertaintyInputError &&
      /^bivariateMap needs options\.classColors: one CSS hex colour per class, e\.g\. card\.classes\.map\(\(c\) => c\.color\); got /.test(e.message), JSON.stringify(options));
  }
  assert.equal(bivariateMap(c, r, { classColors: ["#ff0000", "#00ff00"] }).count, 4);
});
