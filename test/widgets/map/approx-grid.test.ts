// The map's approximate transformer (a coarse grid of exact proj4 points, bilinear inside) against
// the exact transform at every pixel centre: within the tolerance after refine(), refined where a
// coarse grid is not accurate enough, exact where the projection's domain ends inside the box.
import { test } from "node:test";
import assert from "node:assert/strict";
import proj4 from "proj4";
import { ApproxPixelGrid, type ToPixel } from "../../../kernel/src/widgets/map/approx-grid.js";
import { epsgToProj4 } from "../../../kernel/src/eo/geo/epsg.js";
import { tileBounds3857, lonLatTo3857 } from "../../../widgets/src/map/render.js";

const M = 20037508.342789244;

/** EPSG:3857 → source pixel of a north-up raster in `epsg` with origin (x0, y0) and square pixels `res`. */
function toPixelOf(epsg: number, x0: number, y0: number, res: number): ToPixel {
  const p = proj4(epsgToProj4(epsg)!, "EPSG:3857");
  return (x, y) => {
    const [sx, sy] = p.inverse([x, y]) as [number, number];
    return [(sx - x0) / res, (y0 - sy) / res];
  };
}

function tileAt(lon: number, lat: number, z: number): [number, number] {
  const [x, y] = lonLatTo3857(lon, lat);
  const size = (2 * M) / 2 ** z;
  return [Math.floor((x + M) / size), Math.floor((M - y) / size)];
}

/** Largest distance (source pixels) between the grid's and the exact coordinates over every pixel centre with a finite exact value. */
function worstError(g: ApproxPixelGrid, box: [number, number, number, number], w: number, h: number, toPixel: ToPixel): { worst: number; finite: number } {
  const exact = ApproxPixelGrid.exact(box, w, h, toPixel);
  const ac = new Float64Array(w), ar = new Float64Array(w), ec = new Float64Array(w), er = new Float64Array(w);
  let worst = 0, finite = 0;
  for (let y = 0; y < h; y++) {
    g.fillRow(y, ac, ar);
    exact.fillRow(y, ec, er);
    for (let x = 0; x < w; x++) {
      if (!Number.isFinite(ec[x]!) || !Number.isFinite(er[x]!)) continue;
      finite++;
      worst = Math.max(worst, Math.hypot(ac[x]! - ec[x]!, ar[x]! - er[x]!));
    }
  }
  return { worst, finite };
}

// A Sentinel-2 10 m band in UTM 33N (the map benchmark's scene): origin 600000 E, 5000000 N.
const S2 = toPixelOf(32633, 600000, 5000000, 10);
const S2_CENTRE: [number, number] = [proj4(epsgToProj4(32633)!, "EPSG:4326").forward([654900, 4945100])[0]!, proj4(epsgToProj4(32633)!, "EPSG:4326").forward([654900, 4945100])[1]!];

test("a native-zoom tile of a UTM band: the 8×8 grid is kept and every pixel centre is within 0.125 px of proj4", (ctx) => {
  for (const z of [13, 14]) {
    const [x, y] = tileAt(S2_CENTRE[0], S2_CENTRE[1], z);
    const box = tileBounds3857(z, x, y);
    const g = ApproxPixelGrid.build(box, 256, 256, S2).refine(0.125);
    assert.equal(g.cells, 8, `zoom ${z}: no refinement needed`);
    assert.ok(g.error <= 0.125, `zoom ${z}: measured error ${g.error}`);
    const { worst, finite } = worstError(g, box, 256, 256, S2);
    ctx.diagnostic(`zoom ${z}: worst pixel-centre error ${worst.toExponential(2)} px (largest at the checked edge midpoints and centres ${g.error.toExponential(2)})`);
    assert.equal(finite, 256 * 256);
    assert.ok(worst <= 0.125, `zoom ${z}: worst ${worst} px`);
  }
});

// UTM and Web Mercator are conformal, so the bilinear errors along x and y nearly cancel at a cell's
// centre: a check at cell centres only passed this box with 5.8 px errors on the cell edges.
test("a wide box that a coarse grid cannot follow is refined until it meets the tolerance", (ctx) => {
  // Zoom 6 around the scene: ~600 km, far off the UTM zone's central meridian on its western part.
  const [x, y] = tileAt(10, 45, 6);
  const box = tileBounds3857(6, x, y);
  const coarse = ApproxPixelGrid.build(box, 256, 256, S2);
  const before = worstError(coarse, box, 256, 256, S2).worst;
  // A tolerance the 8×8 grid misses but a finer one meets (the render's tolerance at this zoom's level is 0.125 × its pixel size).
  const tol = before / 8;
  const g = coarse.refine(tol);
  const { worst } = worstError(g, box, 256, 256, S2);
  ctx.diagnostic(`8×8 grid: worst ${before.toFixed(2)} px; refined to ${g.cells} cells for ${tol.toFixed(2)} px: worst ${worst.toFixed(3)} px`);
  assert.ok(before > tol, "the coarse grid misses the tolerance");
  assert.ok(g.cells > 8, `refined (cells ${g.cells})`);
  assert.ok(worst <= tol, `worst ${worst} px ≤ ${tol}`);
});

test("a box reaching outside the projection's domain is transformed exactly at every pixel", () => {
  // The whole world at zoom 0 seen from a polar stereographic raster: points beyond its domain are not finite.
  const p = proj4("+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs", "EPSG:3857");
  const toPixel: ToPixel = (x, y) => {
    const [sx, sy] = p.inverse([x, y]) as [number, number];
    return [(sx + 3e6) / 1000, (3e6 - sy) / 1000];
  };
  const box = tileBounds3857(0, 0, 0);
  const g = ApproxPixelGrid.build(box, 64, 64, toPixel).refine(0.125);
  assert.equal(g.cells, 0);
  assert.equal(g.error, 0);
  assert.equal(worstError(g, box, 64, 64, toPixel).worst, 0);
});

test("an affine transform (pixel space) is reproduced to rounding by the grid, for odd sizes too", () => {
  const toPixel: ToPixel = (x, y) => [0.5 * x + 0.1 * y + 3, -0.5 * y + 7];
  const box: [number, number, number, number] = [0, -300, 500, 0];
  for (const [w, h] of [[256, 256], [333, 97], [5, 3]] as const) {
    const g = ApproxPixelGrid.build(box, w, h, toPixel).refine(1e-9);
    assert.ok(g.cells > 0);
    assert.ok(worstError(g, box, w, h, toPixel).worst < 1e-9);
  }
});
