// reproject's grid options: a NaN exactEvery, like size or bound made the column loop never end;
// zero or infinite sizes asked for arrays that cannot exist. Each is a CrsError naming the option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CrsError, Raster, reproject, REPROJECT_MAX_BYTES } from "../../../kernel/src/eo/index.js";

const src = new Raster({
  width: 16, height: 12, dtype: "float32", bands: [Float32Array.from({ length: 192 }, (_, i) => i % 13)],
  transform: [500000, 30, 0, 9100000, 0, -30], crs: { epsg: 32725 },
});
const grid = { width: 10, height: 10, transform: [500000, 30, 0, 9100000, 0, -30] as const, crs: { epsg: 32725 } };

function refused(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof CrsError, String(e));
    assert.match(e.message, pattern);
    return true;
  };
}

test("exactEvery must be a number ≥ 1 (before: NaN never returned)", { timeout: 10_000 }, async () => {
  for (const exactEvery of [Number.NaN, 0, -1, "8"]) {
    await assert.rejects(reproject(src, { exactEvery: exactEvery as number }),
      refused(new RegExp(`^exactEvery must be a number ≥ 1 \\(target columns between exact transforms; 1 = exact, default 8\\), got ${typeof exactEvery === "string" ? `the string "${exactEvery}"` : String(exactEvery)}\\.$`)), String(exactEvery));
  }
  const exact = await reproject(src, { exactEvery: 1 });
  assert.deepEqual(await reproject(src, { exactEvery: Infinity }), exact);
});

test("like must have a positive whole size and a finite transform (before: a NaN width never returned)", { timeout: 10_000 }, async () => {
  for (const width of [Number.NaN, 0, 2.5, Infinity, "10"]) {
    await assert.rejects(reproject(src, { like: { ...grid, width: width as number } }),
      refused(/^like must be a grid of positive whole width and height \(e\.g\. a Raster\), got width .+ and height 10\.$/), String(width));
  }
  await assert.rejects(reproject(src, { like: { ...grid, transform: [500000, Number.NaN, 0, 9100000, 0, -30] } }),
    refused(/^like\.transform must be 6 finite numbers \(a GDAL geotransform\), got an array of 6 \(\[500000, NaN, 0, 9100000, 0, -30\]\)\.$/));
  const r = await reproject(src, { like: grid });
  assert.deepEqual([r.width, r.height], [10, 10]);
});

test("resolution must be finite and positive, bounds finite and ordered (before: NaN bounds never returned, resolution 0 was a bare RangeError)", { timeout: 10_000 }, async () => {
  for (const resolution of [0, -30, Number.NaN, Infinity, [30, 0], "30"]) {
    await assert.rejects(reproject(src, { resolution: resolution as number }),
      refused(/^resolution must be a finite pixel size > 0 in target CRS units, or \[x, y\] sizes, got .+\.$/), String(resolution));
  }
  for (const maxX of [Number.NaN, Infinity, 499000]) {
    await assert.rejects(reproject(src, { bounds: { minX: 500000, minY: 9099640, maxX, maxY: 9100000 } }),
      refused(new RegExp(`^bounds must be finite numbers \\{ minX, minY, maxX, maxY \\} in target CRS units with minX < maxX and minY < maxY, got an object \\(\\{ minX: 500000, minY: 9099640, maxX: ${maxX}, maxY: 9100000 \\}\\)\\.$`)), String(maxX));
  }
  const r = await reproject(src, { resolution: 60, bounds: { minX: 500000, minY: 9099640, maxX: 500480, maxY: 9100000 } });
  assert.deepEqual([r.width, r.height], [8, 6]);
});

test("a grid over maxBytes (default REPROJECT_MAX_BYTES) is refused with its size and the units to check (before: a resolution in degrees for a metric CRS ran for ever or ran out of memory)", { timeout: 60_000 }, async () => {
  await assert.rejects(reproject(src, { crs: 32725, resolution: 0.0001 }),
    refused(/^reproject would make a 4800000×3600000 grid of 1 band\(s\), \d+\.\d GiB with its coordinates, over maxBytes 8\.0 GiB\. Check that resolution \[0\.0001, 0\.0001\] is in the target CRS's units \(metres\); raise maxBytes for a warp this large\.$/));
  await assert.rejects(reproject(src, { crs: 4326, resolution: 1e-9 }), refused(/ is in the target CRS's units \(degrees\);/));
  await assert.rejects(reproject(src, { crs: 32725, bounds: { minX: 0, minY: 0, maxX: 1e9, maxY: 1e9 } }), refused(/resolution \[30, 30\] and bounds are in the target CRS's units/));
  // the budget counts the output bands and 16 bytes of coordinates per target pixel: 16×12×(16 + 4) = 3840 bytes
  await assert.rejects(reproject(src, { crs: 32725, resolution: 30, maxBytes: 3839 }), refused(/over maxBytes 0\.000 GiB/));
  assert.equal((await reproject(src, { crs: 32725, resolution: 30, maxBytes: 3840 })).width, 16);
  for (const maxBytes of [0, -1, Number.NaN, "8"]) {
    await assert.rejects(reproject(src, { crs: 32725, maxBytes: maxBytes as number }), refused(/^maxBytes must be a number of bytes > 0, got /), String(maxBytes));
  }
  assert.equal(REPROJECT_MAX_BYTES, 8 * 2 ** 30);
});
