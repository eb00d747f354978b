// The Map widget live in a real browser against the real kernel (Debian's jupyter_server + this
// kernel + chromium): the Landsat-7 Olinda scene as RGB and an NDVI layer computed in a cell; pixel
// colours at known coordinates against GDAL's values; only viewport tiles requested; a palette
// change re-renders with no message to the kernel; a click gives the kernel the right row/col and
// values and shows the hook's result; a drawn rectangle reaches the kernel as GeoJSON and can be
// reshaped and deleted on its own; swipe; time
// slider; screenshots compared with references.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { decode } from "fast-png";
import { ensureDist } from "../cli/ensure-dist.js";
import { ensureWidgetBundles, openBrowser, compareScreenshot, type BrowserSession } from "./harness.js";
import { runCell, startJupyterServer, startPageServer, type Exec, type JupyterServer } from "./live-harness.js";
import { colourDistance, colourOf, gdalPoints, L7, ndviOf } from "../widgets/map/reference.js";
import type { LayerState } from "../../widgets/src/map/contract.js";

let jupyter: JupyterServer;
let pageServer: Server;
let session: BrowserSession;

const run = (code: string): Promise<Exec> => runCell(session, code);

/** Run a cell that prints one JSON line and parse it. */
async function kernelJson<T>(expr: string): Promise<T> {
  const r = await run(`console.log(JSON.stringify(${expr}));`);
  return JSON.parse(r.text.join("")) as T;
}

interface Probe { requested: string[]; received: number; rendered: number; sent: Record<string, number> }

async function probe(): Promise<Probe> {
  return session.page.evaluate(() => {
    const p = window.ai4eoMaps![window.ai4eoMaps!.length - 1]!;
    return { requested: [...p.requested], received: p.received, rendered: p.rendered, sent: { ...p.sent } };
  });
}

/** Wait until every tile asked for has been answered and Leaflet is done loading. */
async function settle(): Promise<void> {
  await session.page.waitForFunction(() => {
    const p = window.ai4eoMaps?.[window.ai4eoMaps.length - 1];
    if (!p) return false;
    const loading = document.querySelectorAll(".ai4eo-map .leaflet-tile-container canvas:not(.leaflet-tile-loaded)").length;
    return p.requested.length === p.received && loading === 0;
  }, null, { timeout: 20000, polling: 50 });
}

async function setView(lat: number, lon: number, zoom: number): Promise<void> {
  await session.page.evaluate(({ lat, lon, zoom }) => window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map.setView([lat, lon], zoom, { animate: false }), { lat, lon, zoom });
  await settle();
}

/** Container points of lon/lat points in the current view. */
async function toScreen(points: { lon: number; lat: number }[]): Promise<[number, number][]> {
  return session.page.evaluate((pts) => {
    const m = window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map;
    return pts.map((p) => { const c = m.latLngToContainerPoint([p.lat, p.lon]); return [c.x, c.y] as [number, number]; });
  }, points);
}

/** Screenshot of the map area (Leaflet container) as RGBA. */
async function mapPixels(): Promise<{ png: Buffer; at(x: number, y: number): number[] }> {
  const png = await session.page.locator(".ai4eo-map-leaflet").last().screenshot();
  const img = decode(png);
  return {
    png,
    at(x, y) {
      const i = (Math.round(y) * img.width + Math.round(x)) * img.channels;
      return [0, 1, 2].map((c) => Number(img.data[i + c]));
    },
  };
}

async function layers(): Promise<LayerState[]> {
  return kernelJson<LayerState[]>("m.layers.map((l) => ({ ...l, geojson: null }))");
}

// Pixels of the scene used for colour checks (well inside, away from controls at zoom 14).
const PIXELS: [number, number][] = [[170, 160], [190, 150], [160, 175], [200, 170], [180, 185]];

before(async () => {
  ensureDist();
  ensureWidgetBundles();
  const page = await startPageServer();
  pageServer = page.server;
  jupyter = await startJupyterServer(page.origin);
  session = await openBrowser({ allow: ["http://127.0.0.1:", "data:"], viewport: { width: 1000, height: 800 } });
  await session.page.goto(page.url);
  await session.page.evaluate(
    ({ baseUrl, token }) => (window as unknown as { ai4eoLive: { connect(o: object): Promise<string> } }).ai4eoLive.connect({ baseUrl, token, kernelName: "ai4eo" }),
    { baseUrl: jupyter.baseUrl, token: jupyter.token },
  );
  const r = await run([
    'import { Map, openRaster, Raster } from "ai4eo";',
    `const src = await openRaster(${JSON.stringify(L7)});`,
    "const rn = await src.read({ bands: [3, 4] });",
    "const red = rn.band(1), nir = rn.band(2);",
    "const nd = new Float32Array(red.length);",
    "for (let i = 0; i < nd.length; i++) nd[i] = (nir[i]! - red[i]!) / (nir[i]! + red[i]!);",
    'const ndvi = new Raster({ width: src.width, height: src.height, dtype: "float32", bands: [nd], transform: src.transform, crs: src.crs, descriptions: ["NDVI"] });',
    "const m = new Map({ height: 480 });",
    'await m.addLayer(src, { bands: [3, 2, 1], min: 30, max: 110 }, "RGB");',
    'await m.addLayer(ndvi, { min: -0.2, max: 0.6, palette: "RdYlGn" }, "NDVI");',
    "const hookSeen: number[][] = [];",
    'm.onClick((ev) => { const l = ev.layers.find((x) => x.name === "NDVI")!; hookSeen.push([l.col, l.row]); return { "NDVI×100": Math.round(l.values["NDVI"]! * 100) }; });',
    "m",
  ].join("\n"));
  assert.equal(r.widgets.length, 1, "the map cell displays one widget view");
  await session.page.waitForSelector(".ai4eo-map[data-ai4eo-rendered=map]");
  await settle();
});

after(async () => {
  try {
    await session?.page.evaluate(() => (window as unknown as { ai4eoLive: { shutdown(): Promise<void> } }).ai4eoLive.shutdown());
  } catch { /* page may be gone */ }
  await session?.close();
  await jupyter?.stop();
  pageServer?.close();
});

test("RGB and NDVI layers: canvas colours at known pixels equal the colours of GDAL's values", async () => {
  assert.deepEqual(session.errors, []);
  const ref = gdalPoints(L7, { pixels: PIXELS });
  const c = ref.pixels[2]!;
  await setView(c.lat, c.lon, 14);
  const ls = await layers();
  const [rgb, ndvi] = [ls.find((l) => l.name === "RGB")!, ls.find((l) => l.name === "NDVI")!];
  assert.deepEqual(rgb.vis!.min, [30, 30, 30]);
  const screen = await toScreen(ref.pixels);
  let shot = await mapPixels();
  for (const [i, p] of ref.pixels.entries()) {
    const want = colourOf(ndvi.vis!, [ndviOf(p.values!)]);
    const got = shot.at(...screen[i]!);
    assert.ok(colourDistance(got, want) <= 3, `NDVI at col ${p.col} row ${p.row}: screen ${got} vs expected ${want} (NDVI ${ndviOf(p.values!)})`);
  }
  // Hide NDVI from the kernel: the RGB layer below shows.
  await run('m.setVisible("NDVI", false);');
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map .leaflet-layer").length === 1);
  shot = await mapPixels();
  for (const [i, p] of ref.pixels.entries()) {
    const want = colourOf(rgb.vis!, [p.values![2]!, p.values![1]!, p.values![0]!]);
    const got = shot.at(...screen[i]!);
    assert.ok(colourDistance(got, want) <= 3, `RGB at col ${p.col} row ${p.row}: screen ${got} vs expected ${want}`);
  }
  await run('m.setVisible("NDVI", true);');
  await settle();
});

test("only the tiles of the viewport are requested, when moving and zooming", async () => {
  const ref = gdalPoints(L7, { pixels: [[175, 176]] });
  const c = ref.pixels[0]!;
  const maxNative = (await layers())[0]!.max_native_zoom;
  assert.equal(maxNative, 14, "28.5 m pixels: native zoom 12, tiles up to zoom 14");
  for (const [dx, dy, zoom] of [[0, 0, 13], [400, 0, 13], [0, 300, 13], [0, 0, 14], [-300, -200, 14], [0, 0, 16], [0, 0, 12]] as const) {
    const before = (await probe()).requested.length;
    await session.page.evaluate(({ lat, lon, zoom, dx, dy }) => {
      const m = window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map;
      if (dx === 0 && dy === 0) m.setView([lat, lon], zoom, { animate: false });
      else m.panBy([dx, dy], { animate: false });
    }, { lat: c.lat, lon: c.lon, zoom, dx, dy });
    await settle();
    // Leaflet asks for tiles at the zoom shown, capped at the layer's max native zoom (then scaled).
    const view = await session.page.evaluate((maxNative) => {
      const m = window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map;
      const z = Math.min(m.getZoom(), maxNative);
      const b = m.getPixelBounds();
      const k = 2 ** (z - m.getZoom()) / 256;
      return { z, minX: Math.floor(b.min!.x * k), maxX: Math.floor((b.max!.x - 1) * k), minY: Math.floor(b.min!.y * k), maxY: Math.floor((b.max!.y - 1) * k) };
    }, maxNative);
    const asked = (await probe()).requested.slice(before).map((k) => k.split("/").map((v, i) => (i === 0 ? v : Number(v)))) as [string, number, number, number, number][];
    for (const [layer, z, x, y] of asked) {
      assert.equal(z, view.z, `tile ${layer}/${z}/${x}/${y} is not at the current zoom ${view.z}`);
      assert.ok(x >= view.minX && x <= view.maxX && y >= view.minY && y <= view.maxY, `tile ${z}/${x}/${y} is outside the viewport tiles x ${view.minX}..${view.maxX}, y ${view.minY}..${view.maxY}`);
    }
    const unique = new Set(asked.map((a) => a.join("/")));
    assert.equal(unique.size, asked.length, "no tile is asked twice");
    const perLayer = (view.maxX - view.minX + 1) * (view.maxY - view.minY + 1);
    assert.ok(asked.length <= 2 * perLayer, `${asked.length} tiles asked for a ${perLayer}-tile viewport and 2 layers`);
  }
});

test("changing the palette re-colours the tiles in the browser with no message to the kernel", async () => {
  const ref = gdalPoints(L7, { pixels: PIXELS });
  await setView(ref.pixels[2]!.lat, ref.pixels[2]!.lon, 14);
  const before = await probe();
  const servedBefore = await kernelJson<number>("m.tilesServed");
  const r = await run('await m.setVis("NDVI", { palette: "viridis", min: 0, max: 0.5 });');
  assert.equal(r.status, "ok");
  await session.page.waitForFunction((n) => window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.rendered > n, before.rendered);
  const after = await probe();
  assert.deepEqual(after.sent, before.sent, "the view sent no message to the kernel");
  assert.equal(after.requested.length, before.requested.length, "no tile was requested again");
  assert.equal(await kernelJson<number>("m.tilesServed"), servedBefore, "the kernel served no tile");
  const ndvi = (await layers()).find((l) => l.name === "NDVI")!;
  assert.equal(ndvi.vis!.palette[0], "#440154");
  const screen = await toScreen(ref.pixels);
  const shot = await mapPixels();
  for (const [i, p] of ref.pixels.entries()) {
    const want = colourOf(ndvi.vis!, [ndviOf(p.values!)]);
    assert.ok(colourDistance(shot.at(...screen[i]!), want) <= 3, `viridis NDVI at col ${p.col} row ${p.row}: ${shot.at(...screen[i]!)} vs ${want}`);
  }
  const cmp = compareScreenshot("map-live-ndvi-viridis", shot.png);
  assert.ok(cmp.ok, cmp.message);
});

test("a click gives the kernel the right row/col and values of every layer, and the popup shows the hook's result", async () => {
  const ref = gdalPoints(L7, { pixels: [[190, 150]] });
  const p = ref.pixels[0]!;
  await setView(p.lat, p.lon, 15);
  const [[x, y]] = await toScreen([p]) as [[number, number]];
  const box = (await session.page.locator(".ai4eo-map-leaflet").last().boundingBox())!;
  await session.page.mouse.click(box.x + x, box.y + y);
  await session.page.waitForSelector(".leaflet-popup-content .ai4eo-map-popup-hook", { timeout: 10000 });
  const click = await kernelJson<{ layers: { name: string; col: number; row: number; values: Record<string, number> }[] }>("m.lastClick");
  const rgb = click.layers.find((l) => l.name === "RGB")!;
  const nd = click.layers.find((l) => l.name === "NDVI")!;
  assert.deepEqual([rgb.col, rgb.row], [190, 150]);
  assert.deepEqual([nd.col, nd.row], [190, 150]);
  assert.deepEqual(Object.values(rgb.values), p.values);
  assert.equal(nd.values["NDVI"], ndviOf(p.values!));
  const text = await session.page.locator(".leaflet-popup-content").textContent();
  assert.match(text!, new RegExp(`NDVI×100${Math.round(ndviOf(p.values!) * 100)}`));
  assert.match(text!, /row 150, col 190/);
  assert.deepEqual(await kernelJson<number[][]>("hookSeen"), [[190, 150]]);
  await session.page.evaluate(() => window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map.closePopup());
});

test("drawing a rectangle gives the kernel GeoJSON in lon/lat and in the layer's CRS with its pixel window", async () => {
  await run('var drawnEv: unknown = null; m.onDraw((ev) => { drawnEv = ev; });');
  const ref = gdalPoints(L7, { pixels: [[150, 140], [200, 180]] });
  await setView((ref.pixels[0]!.lat + ref.pixels[1]!.lat) / 2, (ref.pixels[0]!.lon + ref.pixels[1]!.lon) / 2, 14);
  const [a, b] = await toScreen(ref.pixels) as [[number, number], [number, number]];
  const box = (await session.page.locator(".ai4eo-map-leaflet").last().boundingBox())!;
  await session.page.locator(".ai4eo-map-draw-rectangle").last().click();
  await session.page.mouse.move(box.x + a[0], box.y + a[1]);
  await session.page.mouse.down();
  await session.page.mouse.move(box.x + (a[0] + b[0]) / 2, box.y + (a[1] + b[1]) / 2);
  await session.page.mouse.move(box.x + b[0], box.y + b[1]);
  await session.page.mouse.up();
  await session.page.waitForTimeout(0);
  let ev: { feature: { geometry: { coordinates: number[][][] } }; layers: Record<string, { coordinates: number[][][]; window: { col: number; row: number; width: number; height: number } }> } | null = null;
  for (let i = 0; i < 50 && !ev; i++) ev = await kernelJson("drawnEv");
  assert.ok(ev, "the kernel got the drawing");
  const ring = ev.feature.geometry.coordinates[0]!;
  assert.equal(ring.length, 5);
  const lons = ring.map((c) => c[0]!), lats = ring.map((c) => c[1]!);
  // Screen points are whole pixels at zoom 14 (≈9.4 m): corners within a screen pixel of the pixel centres.
  assert.ok(Math.abs(Math.min(...lons) - ref.pixels[0]!.lon) < 1e-4 && Math.abs(Math.max(...lons) - ref.pixels[1]!.lon) < 1e-4);
  assert.ok(Math.abs(Math.max(...lats) - ref.pixels[0]!.lat) < 1e-4 && Math.abs(Math.min(...lats) - ref.pixels[1]!.lat) < 1e-4);
  const inCrs = ev.layers["RGB"]!;
  const xs = inCrs.coordinates[0]!.map((c) => c[0]!), ys = inCrs.coordinates[0]!.map((c) => c[1]!);
  assert.ok(Math.abs(Math.min(...xs) - ref.pixels[0]!.x) < 15 && Math.abs(Math.max(...xs) - ref.pixels[1]!.x) < 15, `x ${Math.min(...xs)}..${Math.max(...xs)} vs GDAL ${ref.pixels[0]!.x}..${ref.pixels[1]!.x}`);
  assert.ok(Math.abs(Math.max(...ys) - ref.pixels[0]!.y) < 15 && Math.abs(Math.min(...ys) - ref.pixels[1]!.y) < 15);
  assert.deepEqual(inCrs.window, { col: 150, row: 140, width: 51, height: 41 });
  assert.equal(await kernelJson<number>("m.drawn.features.length"), 1);
});

test("a drawn rectangle is edited on its own: dragging a corner reshapes it, its ✕ deletes it; map.drawn and onDraw follow", async () => {
  await run('var drawEvents: { action: string; id: number; ring: number[][]; window: unknown }[] = []; m.onDraw((ev) => { drawEvents.push({ action: ev.action, id: ev.id, ring: ev.feature.geometry.coordinates[0]!, window: ev.layers["RGB"]?.window ?? null }); });');
  const before = await kernelJson<{ properties: { id: number; shape: string }; geometry: { coordinates: number[][][] } }[]>("m.drawn.features");
  assert.equal(before.length, 1, "the rectangle of the previous test");
  const { id, shape } = before[0]!.properties;
  assert.equal(shape, "rectangle");
  const ref = gdalPoints(L7, { pixels: [[150, 140], [200, 180], [220, 190]] }).pixels;
  await setView((ref[0]!.lat + ref[1]!.lat) / 2, (ref[0]!.lon + ref[1]!.lon) / 2, 14);
  const [a, b, c] = await toScreen(ref) as [number, number][];
  const box = (await session.page.locator(".ai4eo-map-leaflet").last().boundingBox())!;
  const clicksBefore = (await probe()).sent["click"] ?? 0;
  // Select it: a click inside the shape shows a handle on each corner (and asks the inspector nothing).
  await session.page.mouse.click(box.x + (a![0] + b![0]) / 2, box.y + (a![1] + b![1]) / 2);
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map .ai4eo-map-vertex").length === 4, null, { timeout: 5000 });
  assert.equal((await probe()).sent["click"] ?? 0, clicksBefore, "selecting a shape is not an inspector click");
  // Drag the south-east corner (pixel 200,180) to pixel 220,190.
  await session.page.mouse.move(box.x + b![0], box.y + b![1]);
  await session.page.mouse.down();
  await session.page.mouse.move(box.x + (b![0] + c![0]) / 2, box.y + (b![1] + c![1]) / 2, { steps: 3 });
  await session.page.mouse.move(box.x + c![0], box.y + c![1], { steps: 3 });
  await session.page.mouse.up();
  type Ev = { action: string; id: number; ring: number[][]; window: unknown };
  let evs: Ev[] = [];
  for (let i = 0; i < 50 && !evs.some((e) => e.action === "edit"); i++) evs = await kernelJson<Ev[]>("drawEvents");
  const edit = evs.find((e) => e.action === "edit");
  assert.ok(edit, `the kernel got the edit: ${JSON.stringify(evs)}`);
  assert.equal(edit.id, id);
  // The north-west corner stays on pixel 150,140; the dragged corner is within a source pixel of 220,190.
  const win = edit.window as { col: number; row: number; width: number; height: number };
  assert.deepEqual([win.col, win.row], [150, 140]);
  assert.ok(Math.abs(win.width - 71) <= 1 && Math.abs(win.height - 51) <= 1, `window ${JSON.stringify(win)}`);
  const ring = edit.ring;
  assert.equal(ring.length, 5);
  assert.deepEqual(ring[0], before[0]!.geometry.coordinates[0]![0], "the north-west corner did not move");
  const lons = ring.map((p) => p[0]!), lats = ring.map((p) => p[1]!);
  // A dragged marker lands on whole screen pixels (≈9.4 m at zoom 14): within 2 pixels of the mouse.
  assert.ok(Math.abs(Math.max(...lons) - ref[2]!.lon) < 2e-4 && Math.abs(Math.min(...lats) - ref[2]!.lat) < 2e-4, "the dragged corner is at pixel 220,190");
  assert.equal(new Set(lons.slice(0, 4)).size, 2, "still a rectangle (two longitudes)");
  assert.equal(new Set(lats.slice(0, 4)).size, 2, "still a rectangle (two latitudes)");
  const now = await kernelJson<{ properties: { id: number }; geometry: { coordinates: number[][][] } }[]>("m.drawn.features");
  assert.equal(now.length, 1);
  assert.equal(now[0]!.properties.id, id);
  assert.deepEqual(now[0]!.geometry.coordinates[0], ring, "map.drawn holds the edited shape");
  // Still selected after the kernel's update: delete it with its ✕.
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map .ai4eo-map-vertex").length === 4, null, { timeout: 5000 });
  const cmp = compareScreenshot("map-live-draw-edit", (await mapPixels()).png);
  assert.ok(cmp.ok, cmp.message);
  await session.page.locator(".ai4eo-map .ai4eo-map-draw-delete").last().click();
  for (let i = 0; i < 50 && !evs.some((e) => e.action === "delete"); i++) evs = await kernelJson<Ev[]>("drawEvents");
  const del = evs.find((e) => e.action === "delete");
  assert.ok(del, "the kernel got the deletion");
  assert.equal(del.id, id);
  assert.deepEqual(del.ring, ring, "the hook sees the shape as it was");
  assert.equal(await kernelJson<number>("m.drawn.features.length"), 0);
  await session.page.waitForFunction(() => document.querySelectorAll('.ai4eo-map path[stroke="#ff7800"]').length === 0 && document.querySelectorAll(".ai4eo-map .ai4eo-map-vertex, .ai4eo-map .ai4eo-map-draw-delete").length === 0, null, { timeout: 5000 });
});

test("swipe: NDVI left of the divider, RGB right of it", async () => {
  await run('m.swipe("NDVI", "RGB");');
  await session.page.waitForSelector(".ai4eo-map-swipe-divider");
  const ref = gdalPoints(L7, { pixels: [[175, 165]] });
  await setView(ref.pixels[0]!.lat, ref.pixels[0]!.lon, 15);
  const { width, height } = (await session.page.locator(".ai4eo-map-leaflet").last().boundingBox())!;
  const pts = await session.page.evaluate(({ w, h }) => {
    const m = window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.map;
    return [[w * 0.3, h * 0.5], [w * 0.7, h * 0.5]].map(([x, y]) => { const ll = m.containerPointToLatLng([x!, y!]); return { x: x!, y: y!, lon: ll.lng, lat: ll.lat }; });
  }, { w: width, h: height });
  const vals = gdalPoints(L7, { lonlat: pts.map((p) => [p.lon, p.lat]) }).lonlat;
  const ls = await layers();
  const ndvi = ls.find((l) => l.name === "NDVI")!, rgb = ls.find((l) => l.name === "RGB")!;
  const shot = await mapPixels();
  const left = shot.at(pts[0]!.x, pts[0]!.y), right = shot.at(pts[1]!.x, pts[1]!.y);
  assert.ok(colourDistance(left, colourOf(ndvi.vis!, [ndviOf(vals[0]!.values!)])) <= 3, `left ${left}`);
  const v = vals[1]!.values!;
  assert.ok(colourDistance(right, colourOf(rgb.vis!, [v[2]!, v[1]!, v[0]!])) <= 3, `right ${right}`);
  const cmp = compareScreenshot("map-live-swipe", shot.png);
  assert.ok(cmp.ok, cmp.message);
  await run("m.swipe(null);");
});

test("time slider: moving it asks for the new step's tiles and shows its values", async () => {
  await run([
    "m.clearDrawn();",
    "const lo = new Float32Array(nd.length).fill(0.1), hi = new Float32Array(nd.length);",
    "for (let i = 0; i < hi.length; i++) hi[i] = nd[i]! * 0.5 + 0.25;",
    'const mk = (b: Float32Array) => new Raster({ width: src.width, height: src.height, dtype: "float32", bands: [b], transform: src.transform, crs: src.crs, descriptions: ["v"] });',
    'await m.addTimeSeries([mk(lo), mk(hi)], { min: 0, max: 0.6, palette: "magma" }, "Series", { labels: ["2019", "2020"] });',
  ].join("\n"));
  const ref = gdalPoints(L7, { pixels: [[180, 160]] });
  const p = ref.pixels[0]!;
  await setView(p.lat, p.lon, 15);
  const series = (await layers()).find((l) => l.name === "Series")!;
  const [[x, y]] = await toScreen([p]) as [[number, number]];
  let shot = await mapPixels();
  assert.ok(colourDistance(shot.at(x, y), colourOf(series.vis!, [Math.fround(0.1)])) <= 3, `step 0: ${shot.at(x, y)}`);
  const before = (await probe()).requested.length;
  const slider = session.page.locator(`.ai4eo-map-layer[data-layer=${series.id}] .ai4eo-map-time`);
  await slider.evaluate((el: HTMLInputElement) => { el.value = "1"; el.dispatchEvent(new Event("input")); el.dispatchEvent(new Event("change")); });
  await session.page.waitForFunction((n) => window.ai4eoMaps![window.ai4eoMaps!.length - 1]!.requested.length > n, before);
  await settle();
  const asked = (await probe()).requested.slice(before);
  assert.ok(asked.length > 0 && asked.every((k) => k.startsWith(`${series.id}/`) && k.endsWith("/1")), `step-1 tiles of the series only: ${asked.join(" ")}`);
  assert.equal(await kernelJson<number>(`m.get("layer_time")["${series.id}"]`), 1);
  assert.equal(await session.page.locator(`.ai4eo-map-layer[data-layer=${series.id}] .ai4eo-map-time-label`).textContent(), "2020");
  shot = await mapPixels();
  const want = colourOf(series.vis!, [Math.fround(ndviOf(p.values!) * 0.5 + 0.25)]);
  assert.ok(colourDistance(shot.at(x, y), want) <= 3, `step 1: ${shot.at(x, y)} vs ${want}`);
  await run('m.removeLayer("Series");');
});

test("drawing a polygon (clicks, double-click to finish) reaches the kernel", async () => {
  await run("m.clearDrawn(); drawnEv = null;");
  const ref = gdalPoints(L7, { pixels: [[150, 150], [190, 145], [175, 185]] }).pixels;
  await setView(ref[0]!.lat, (ref[0]!.lon + ref[1]!.lon) / 2, 14);
  const pts = await toScreen(ref);
  const box = (await session.page.locator(".ai4eo-map-leaflet").last().boundingBox())!;
  await session.page.locator(".ai4eo-map-draw-polygon").last().click();
  for (const [x, y] of pts.slice(0, 2)) await session.page.mouse.click(box.x + x, box.y + y);
  await session.page.mouse.dblclick(box.x + pts[2]![0], box.y + pts[2]![1]);
  let ev: { shape: string; feature: { geometry: { coordinates: number[][][] } } } | null = null;
  for (let i = 0; i < 50 && !ev; i++) ev = await kernelJson("drawnEv");
  assert.ok(ev, "the kernel got the polygon");
  assert.equal(ev.shape, "polygon");
  const ring = ev.feature.geometry.coordinates[0]!;
  assert.equal(ring.length, 4, `three vertices and the closing point: ${JSON.stringify(ring)}`);
  for (const [i, p] of ref.entries()) assert.ok(Math.abs(ring[i]![0]! - p.lon) < 1e-4 && Math.abs(ring[i]![1]! - p.lat) < 1e-4, `vertex ${i}`);
  assert.deepEqual(ring[3], ring[0]);
});

test("an optional basemap URL template is requested with z/x/y and credited; none is used by default", async () => {
  const before = session.requests.length;
  const r = await run('const mb = new Map({ height: 200, center: [-7.99, -34.87], zoom: 12, basemap: { url: "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png", attribution: "Test tiles ©", maxZoom: 19 } }); mb');
  assert.equal(r.widgets.length, 1);
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map[data-ai4eo-rendered=map]").length >= 2);
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map img.leaflet-tile").length > 0);
  const tiles = session.requests.slice(before).filter((u) => /^http:\/\/127\.0\.0\.1:9\/tiles\/12\/\d+\/\d+\.png$/.test(u));
  assert.ok(tiles.length > 0, `basemap tiles asked for: ${session.requests.slice(before).join(" ")}`);
  assert.match((await session.page.locator(".ai4eo-map .leaflet-control-attribution").last().textContent())!, /Test tiles ©/);
  // The first map has no basemap: no tile URL was requested before this one existed.
  assert.equal(session.requests.slice(0, before).filter((u) => /\/tiles\//.test(u)).length, 0);
  await run("mb.close();");
});
