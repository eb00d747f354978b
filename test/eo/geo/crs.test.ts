import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { openRaster, transformPoints, pixelToCrs, crsToPixel, pixelToLonLat, lonLatToPixel, proj4Of, CrsError, epsgToProj4 } from "../../../kernel/src/eo/index.js";

function gdaltransform(from: string, to: string, pts: [number, number][]): [number, number][] {
  const out = execFileSync("gdaltransform", ["-s_srs", from, "-t_srs", to], { input: pts.map((p) => p.join(" ")).join("\n") + "\n" }).toString();
  return out.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}

// Tolerance: 1e-6 m for projected and 1e-9 degrees for geographic results (proj4js vs PROJ).
const cases: [string, string, [number, number][]][] = [
  ["EPSG:31985", "EPSG:4326", [[288776.25, 9120760.75], [298722.75, 9110728.75], [500000, 9000000]]],
  ["EPSG:4326", "EPSG:32632", [[9.2, 50.8], [6.1, 47.5], [12.0, 54.2]]],
  ["EPSG:4326", "EPSG:32725", [[-34.9, -7.95], [-36.1, -9.0]]],
  ["EPSG:4326", "EPSG:3857", [[-34.9, -7.95], [179, 85]]],
  ["EPSG:4326", "EPSG:3035", [[10, 52], [-5, 40], [25, 65]]],
  ["EPSG:32611", "EPSG:4326", [[1841001.75, 1144003.25]]],
];

test("CRS ↔ CRS and lon/lat transforms agree with gdaltransform (1e-6 m / 1e-9°)", () => {
  for (const [from, to, pts] of cases) {
    // gdaltransform reads and prints x/y in GIS order (longitude first), like ai4eo
    const want = gdaltransform(from, to, pts);
    const got = transformPoints(pts, from, to);
    const tol = to === "EPSG:4326" ? 1e-9 : 1e-6;
    got.forEach((g, i) => {
      const w = want[i]!;
      assert.ok(Math.abs(g[0] - w[0]) <= tol && Math.abs(g[1] - w[1]) <= tol, `${from}→${to} point ${i}: ${g} vs gdaltransform ${w}`);
    });
  }
});

test("pixel ↔ CRS ↔ lon/lat on the Landsat-7 scene (gdaltransform on the file)", async () => {
  const src = await openRaster("data/olinda/L7_ETMs.tif");
  const pix: [number, number][] = [[0, 0], [174.5, 176.5], [349, 352]];
  const want = execFileSync("gdaltransform", ["-t_srs", "EPSG:4326", "data/olinda/L7_ETMs.tif"], { input: pix.map((p) => p.join(" ")).join("\n") + "\n" })
    .toString().trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
  pix.forEach(([c, r], i) => {
    const [lon, lat] = pixelToLonLat(src, c, r);
    assert.ok(Math.abs(lon - want[i]![0]!) < 1e-9 && Math.abs(lat - want[i]![1]!) < 1e-9, `pixel ${c},${r}: ${lon},${lat} vs ${want[i]}`);
    const [c2, r2] = lonLatToPixel(src, lon, lat);
    assert.ok(Math.abs(c2 - c) < 1e-6 && Math.abs(r2 - r) < 1e-6);
  });
  const t = [1841001.75, 1.5, -5, 1144003.25, -5, -1.5] as const;
  const [x, y] = pixelToCrs(t, 3.25, 7.5);
  const [c, r] = crsToPixel(t, x, y);
  assert.ok(Math.abs(c - 3.25) < 1e-9 && Math.abs(r - 7.5) < 1e-9);
});

test("EPSG definitions: UTM N/S, SIRGAS 2000 UTM; unknown codes name the fix", () => {
  assert.equal(epsgToProj4(32725), "+proj=utm +zone=25 +south +datum=WGS84 +units=m +no_defs");
  assert.match(epsgToProj4(31983)!, /\+zone=23 \+south \+ellps=GRS80/);
  assert.match(epsgToProj4(31972)!, /\+zone=18 \+ellps=GRS80/);
  assert.throws(() => proj4Of(2154), (e: unknown) => e instanceof CrsError && /EPSG:2154 has no built-in definition\. Register it with addEpsg\(2154/.test(e.message));
  assert.throws(() => proj4Of({}), /CRS is unknown/);
});
