// The Map in an exported static page (no kernel): a notebook with two maps of the Olinda Landsat-7
// scene (RGB + NDVI + GeoJSON; a time series in a swipe with RGB) is exported with `ai4eo export`,
// opened from disk in chromium, and checked: it renders from the embedded bounded pyramid with no
// request leaving file://, colours at known pixels match GDAL's values, pan/zoom, layer toggles,
// opacity, the time slider and swipe work, the inspector shows the embedded values, and the
// full-screen button fills the viewport (Fullscreen API, or a fixed-position fallback where refused);
// a drawn polygon is reshaped and deleted in the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { decode } from "fast-png";
import { ensureWidgetBundles, openBrowser, compareScreenshot, type BrowserSession } from "./harness.js";
import { main as exportMain } from "../../kernel/src/cli/export.js";
import { openRaster } from "../../kernel/src/eo/raster/open.js";
import { Raster } from "../../kernel/src/eo/raster/raster.js";
import { Map } from "../../kernel/src/widgets/map/index.js";
import { currentNotebookWidgetState, widgetStore } from "../../kernel/src/widgets/index.js";
import type { ResolvedVis } from "../../widgets/src/map/contract.js";
import { colourDistance, colourOf, gdalPoints, L7, ndviOf, ROOT, type PixelRef } from "../widgets/map/reference.js";

const LC = join(ROOT, "data", "olinda", "lc.tif");

let dir: string;
let session: BrowserSession;
let html: string;
let mapA: Map, mapB: Map, mapC: Map;
let visOf: Record<string, ResolvedVis>;

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");
function display(x: Map): Record<string, unknown> {
  const bundle = (x as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!();
  return { output_type: "display_data", data: { ...bundle, "application/vnd.jupyter.widget-view+json": { version_major: 2, version_minor: 0, model_id: x.modelId } }, metadata: {} };
}

before(async () => {
  ensureWidgetBundles();
  for (const [id, x] of widgetStore()) if (!x.live) widgetStore().delete(id);
  const src = await openRaster(L7);
  const rn = await src.read({ bands: [3, 4] });
  const red = rn.band(1), nir = rn.band(2);
  const nd = new Float32Array(red.length);
  for (let i = 0; i < nd.length; i++) nd[i] = (nir[i]! - red[i]!) / (nir[i]! + red[i]!);
  const mk = (b: Float32Array, name: string) => new Raster({ width: src.width, height: src.height, dtype: "float32", bands: [b], transform: src.transform, crs: src.crs, descriptions: [name] });
  const detached = { registry: null } as const;
  mapA = new Map({ height: 420, ...detached });
  await mapA.addLayer(src, { bands: [3, 2, 1], min: 30, max: 110 }, "RGB");
  await mapA.addLayer(mk(nd, "NDVI"), { min: -0.2, max: 0.6, palette: "RdYlGn" }, "NDVI");
  mapA.addGeoJSON({ type: "FeatureCollection", features: [{ type: "Feature", properties: { name: "Olinda centre", kind: "urban" }, geometry: { type: "Point", coordinates: [-34.855, -8.01] } }] }, { colorBy: "kind" }, "Places");
  mapB = new Map({ height: 420, ...detached });
  const half = Float32Array.from(nd, (v) => v * 0.5 + 0.25);
  await mapB.addTimeSeries([mk(new Float32Array(nd.length).fill(0.1), "v"), mk(half, "v")], { min: 0, max: 0.6, palette: "magma" }, "Series", { labels: ["2019", "2020"] });
  await mapB.addLayer(src, { bands: [3, 2, 1], min: 30, max: 110 }, "RGB");
  mapB.swipe("Series", "RGB");
  mapC = new Map({ height: 300, ...detached });
  await mapC.addLayer(await openRaster(LC), {}, "Land cover");
  visOf = Object.fromEntries([...mapA.layers, ...mapB.layers, ...mapC.layers].filter((l) => l.vis).map((l) => [`${l.name}`, l.vis!]));
  const state = currentNotebookWidgetState();
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "ai4eo", display_name: "AI4EO (TypeScript)", language: "typescript" }, widgets: { "application/vnd.jupyter.widget-state+json": state } },
    cells: [
      { cell_type: "markdown", source: "# Olinda maps", metadata: {} },
      { cell_type: "code", source: "mapA", outputs: [display(mapA)], execution_count: 1, metadata: {} },
      { cell_type: "code", source: "mapB", outputs: [display(mapB)], execution_count: 2, metadata: {} },
      { cell_type: "code", source: "mapC", outputs: [display(mapC)], execution_count: 3, metadata: {} },
    ],
  };
  dir = mkdtempSync(join(tmpdir(), "ai4eo-map-static-"));
  writeFileSync(join(dir, "maps.ipynb"), JSON.stringify(nb));
  html = join(dir, "maps.html");
  assert.equal(await exportMain([join(dir, "maps.ipynb"), "--html", html, "--title", "maps"]), 0);
  session = await openBrowser({ viewport: { width: 1000, height: 1200 } });
  await session.page.goto(pathToFileURL(html).href);
  await session.page.waitForFunction(() => document.querySelectorAll(".ai4eo-map[data-ai4eo-rendered=map]").length === 3, null, { timeout: 20000 });
});

after(async () => {
  await session?.close();
  mapA?.close();
  mapB?.close();
  mapC?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setView(id: string, lat: number, lon: number, zoom: number): Promise<void> {
  await session.page.evaluate(({ id, lat, lon, zoom }) => window.ai4eoMaps!.find((p) => p.modelId === id)!.map.setView([lat, lon], zoom, { animate: false }), { id, lat, lon, zoom });
  await session.page.waitForTimeout(50);
  await session.page.waitForFunction((id) => document.querySelectorAll(`.ai4eo-map[data-model-id="${id}"] .leaflet-tile-container canvas:not(.leaflet-tile-loaded)`).length === 0, id);
}

async function toScreen(id: string, pts: { lon: number; lat: number }[]): Promise<[number, number][]> {
  return session.page.evaluate(({ id, pts }) => {
    const m = window.ai4eoMaps!.find((p) => p.modelId === id)!.map;
    return pts.map((p) => { const c = m.latLngToContainerPoint([p.lat, p.lon]); return [c.x, c.y] as [number, number]; });
  }, { id, pts });
}

async function shot(id: string): Promise<{ png: Buffer; at(x: number, y: number): number[] }> {
  const png = await session.page.locator(`.ai4eo-map[data-model-id="${id}"] .ai4eo-map-leaflet`).screenshot();
  const img = decode(png);
  return { png, at: (x, y) => [0, 1, 2].map((c) => Number(img.data[(Math.round(y) * img.width + Math.round(x)) * img.channels + c])) };
}

/** GDAL values of the 3×3 pixels around each pixel (the embedded grid resamples once more). */
function neighbourhoods(pixels: [number, number][]): PixelRef[][] {
  const all: [number, number][] = pixels.flatMap(([c, r]) => [-1, 0, 1].flatMap((dr) => [-1, 0, 1].map((dc) => [c + dc, r + dr] as [number, number])));
  const ref = gdalPoints(L7, { pixels: all }).pixels;
  return pixels.map((_, i) => ref.slice(i * 9, i * 9 + 9));
}

const PIXELS: [number, number][] = [[170, 160], [190, 150], [160, 175], [200, 170]];

test("the static page renders both maps from the embedded pyramid, with no request leaving file://", async () => {
  assert.deepEqual(session.errors, []);
  const outside = session.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  assert.deepEqual(outside, []);
  const live = await session.page.evaluate(() => window.ai4eoMaps!.map((p) => p.live));
  assert.deepEqual(live, [false, false, false]);
  // The page is the runtime plus the embedded pixels: 7 layer-steps at ≤ 512 px on the long side
  // (uint8 RGB, float32 NDVI/series, validity masks), base64 in the page; inside the 20 MiB budget.
  const size = statSync(html).size;
  let raw = 0;
  for (const m of [mapA, mapB, mapC]) for (const e of Object.values(m.embedData())) raw += [...e.frames, ...e.masks].reduce((a, f) => a + (f?.array.byteLength ?? 0), 0);
  const runtime = statSync(join(ROOT, "dist", "widgets", "embed.js")).size + statSync(join(ROOT, "dist", "widgets", "embed.css")).size;
  assert.ok(size < runtime + raw * 4 / 3 + 2 * 1024 * 1024, `page ${size} bytes: runtime ${runtime} + embedded ${raw} raw bytes in base64 + < 2 MiB of the rest`);
  assert.ok(size < 14 * 1024 * 1024, `page is ${size} bytes`);
  for (const e of [...Object.values(mapA.embedData()), ...Object.values(mapB.embedData())]) assert.equal(Math.max(e.width, e.height), 512, `embedded ${e.width}×${e.height}`);
  const lc = Object.values(mapC.embedData())[0]!;
  assert.equal(Math.max(lc.width, lc.height), 168, "an 84-pixel-wide raster is embedded at 2 pixels per source pixel");
});

test("pan/zoom and layer toggles: colours at known pixels match GDAL's values (within the 3×3 neighbourhood)", async () => {
  const hoods = neighbourhoods(PIXELS);
  const centre = hoods[2]![4]!;
  for (const zoom of [14, 15]) {
    await setView(mapA.modelId, centre.lat, centre.lon, zoom);
    const screen = await toScreen(mapA.modelId, hoods.map((h) => h[4]!));
    let s = await shot(mapA.modelId);
    for (const [i, h] of hoods.entries()) {
      const got = s.at(...screen[i]!);
      const best = Math.min(...h.map((p) => colourDistance(got, colourOf(visOf["NDVI"]!, [ndviOf(p.values!)]))));
      assert.ok(best <= 3, `zoom ${zoom}, NDVI near col ${h[4]!.col} row ${h[4]!.row}: ${got} (closest expected colour off by ${best})`);
    }
    // Toggle NDVI off in the layer panel: the RGB layer shows.
    const box = session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-layer`).filter({ hasText: "NDVI" }).locator(".ai4eo-map-visible");
    await box.uncheck();
    s = await shot(mapA.modelId);
    for (const [i, h] of hoods.entries()) {
      const got = s.at(...screen[i]!);
      const best = Math.min(...h.map((p) => colourDistance(got, colourOf(visOf["RGB"]!, [p.values![2]!, p.values![1]!, p.values![0]!]))));
      assert.ok(best <= 3, `zoom ${zoom}, RGB near col ${h[4]!.col} row ${h[4]!.row}: ${got} (off by ${best})`);
    }
    await box.check();
  }
  const s = await shot(mapA.modelId);
  const cmp = compareScreenshot("map-static-ndvi", s.png);
  assert.ok(cmp.ok, cmp.message);
});

test("opacity slider blends the NDVI layer over RGB", async () => {
  const [h] = neighbourhoods([[180, 160]]);
  await setView(mapA.modelId, h![4]!.lat, h![4]!.lon, 15);
  const [[x, y]] = await toScreen(mapA.modelId, [h![4]!]) as [[number, number]];
  const slider = session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-layer`).filter({ hasText: "NDVI" }).locator(".ai4eo-map-opacity");
  await slider.evaluate((el: HTMLInputElement) => { el.value = "0.5"; el.dispatchEvent(new Event("input")); el.dispatchEvent(new Event("change")); });
  const got = (await shot(mapA.modelId)).at(x, y);
  const best = Math.min(...h!.flatMap((p) => h!.map((q) => {
    const a = colourOf(visOf["NDVI"]!, [ndviOf(p.values!)]), b = colourOf(visOf["RGB"]!, [q.values![2]!, q.values![1]!, q.values![0]!]);
    return colourDistance(got, [0, 1, 2].map((c) => 0.5 * a[c]! + 0.5 * b[c]!));
  })));
  assert.ok(best <= 4, `50% NDVI over RGB: ${got} (off by ${best})`);
  await slider.evaluate((el: HTMLInputElement) => { el.value = "1"; el.dispatchEvent(new Event("input")); el.dispatchEvent(new Event("change")); });
});

test("the inspector shows the embedded values of every layer at the clicked point", async () => {
  const [h] = neighbourhoods([[190, 150]]);
  await setView(mapA.modelId, h![4]!.lat, h![4]!.lon, 15);
  const [[x, y]] = await toScreen(mapA.modelId, [h![4]!]) as [[number, number]];
  const box = (await session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-leaflet`).boundingBox())!;
  await session.page.mouse.click(box.x + x, box.y + y);
  const popup = session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .leaflet-popup-content`);
  await popup.waitFor();
  const rows = await popup.locator(".ai4eo-map-popup-layer").evaluateAll((els) => els.map((e) => ({
    layer: e.getAttribute("data-layer"),
    values: Array.from(e.querySelectorAll("tr")).map((tr) => [tr.children[0]!.textContent, Number(tr.children[1]!.textContent)]),
  })));
  const rgb = rows.find((r) => r.layer === "RGB")!, nd = rows.find((r) => r.layer === "NDVI")!;
  assert.deepEqual(rgb.values.map((v) => v[0]), ["B3", "B2", "B1"]);
  assert.ok(h!.some((p) => p.values![2] === rgb.values[0]![1] && p.values![1] === rgb.values[1]![1] && p.values![0] === rgb.values[2]![1]), `RGB values ${JSON.stringify(rgb.values)} are GDAL's values of a pixel next to col 190 row 150`);
  assert.ok(h!.some((p) => Math.abs(ndviOf(p.values!) - Number(nd.values[0]![1])) < 1e-4), `NDVI ${nd.values[0]![1]}`);
  assert.match((await popup.textContent())!, /embedded pixels/);
});

test("time slider and swipe work on the static page", async () => {
  const [h] = neighbourhoods([[180, 160]]);
  await setView(mapB.modelId, h![4]!.lat, h![4]!.lon, 14);
  const { width, height } = (await session.page.locator(`.ai4eo-map[data-model-id="${mapB.modelId}"] .ai4eo-map-leaflet`).boundingBox())!;
  const pts = await session.page.evaluate(({ id, w, h }) => {
    const m = window.ai4eoMaps!.find((p) => p.modelId === id)!.map;
    return [[w * 0.3, h * 0.5], [w * 0.7, h * 0.5]].map(([x, y]) => { const ll = m.containerPointToLatLng([x!, y!]); return { x: x!, y: y!, lon: ll.lng, lat: ll.lat }; });
  }, { id: mapB.modelId, w: width, h: height });
  const refs = gdalPoints(L7, { lonlat: pts.map((p) => [p.lon, p.lat]) }).lonlat;
  const hoodR = neighbourhoods([[refs[1]!.col, refs[1]!.row]])[0]!;
  let s = await shot(mapB.modelId);
  // Left of the divider: the series at step 0 (0.1 everywhere); right: RGB.
  assert.ok(colourDistance(s.at(pts[0]!.x, pts[0]!.y), colourOf(visOf["Series"]!, [Math.fround(0.1)])) <= 3, `left ${s.at(pts[0]!.x, pts[0]!.y)}`);
  const right = s.at(pts[1]!.x, pts[1]!.y);
  assert.ok(Math.min(...hoodR.map((p) => colourDistance(right, colourOf(visOf["RGB"]!, [p.values![2]!, p.values![1]!, p.values![0]!])))) <= 3, `right ${right}`);
  const slider = session.page.locator(`.ai4eo-map[data-model-id="${mapB.modelId}"] .ai4eo-map-time`);
  await slider.evaluate((el: HTMLInputElement) => { el.value = "1"; el.dispatchEvent(new Event("input")); el.dispatchEvent(new Event("change")); });
  await session.page.waitForTimeout(50);
  await session.page.waitForFunction((id) => document.querySelectorAll(`.ai4eo-map[data-model-id="${id}"] .leaflet-tile-container canvas:not(.leaflet-tile-loaded)`).length === 0, mapB.modelId);
  s = await shot(mapB.modelId);
  const hoodL = neighbourhoods([[refs[0]!.col, refs[0]!.row]])[0]!;
  const left = s.at(pts[0]!.x, pts[0]!.y);
  assert.ok(Math.min(...hoodL.map((p) => colourDistance(left, colourOf(visOf["Series"]!, [Math.fround(ndviOf(p.values!) * 0.5 + 0.25)])))) <= 3, `step 1 left ${left}`);
  assert.equal(await session.page.locator(`.ai4eo-map[data-model-id="${mapB.modelId}"] .ai4eo-map-time-label`).textContent(), "2020");
  const cmp = compareScreenshot("map-static-swipe-time", s.png);
  assert.ok(cmp.ok, cmp.message);
});

test("a paletted land-cover raster (Albers, NAD83) is a categorical layer coloured by the file's colour table, with a class legend", async () => {
  const vis = visOf["Land cover"]!;
  assert.ok(vis.classes && vis.classes.length >= 5, `classes ${JSON.stringify(vis.classes)}`);
  assert.deepEqual(vis.classes.find((c) => c.value === 11), { value: 11, label: "11", color: "#476ba1" }, "open water: GDAL colour table entry 11 = 71,107,161");
  const swatches = await session.page.locator(`.ai4eo-map[data-model-id="${mapC.modelId}"] .ai4eo-map-class`).count();
  assert.equal(swatches, vis.classes.length);
  const pixels: [number, number][] = [[20, 20], [40, 25], [60, 15], [30, 35]];
  const all = pixels.flatMap(([c, r]) => [-1, 0, 1].flatMap((dr) => [-1, 0, 1].map((dc) => [c + dc, r + dr] as [number, number])));
  const ref = gdalPoints(LC, { pixels: all }).pixels;
  const centres = pixels.map((_, i) => ref[i * 9 + 4]!);
  const cx = centres.reduce((a, p) => a + p.lon, 0) / centres.length, cy = centres.reduce((a, p) => a + p.lat, 0) / centres.length;
  await setView(mapC.modelId, cy, cx, 9);
  const screen = await toScreen(mapC.modelId, centres);
  const s = await shot(mapC.modelId);
  let exact = 0;
  for (const [i, p] of centres.entries()) {
    const got = s.at(...screen[i]!);
    if (colourDistance(got, colourOf(vis, [p.values![0]!])) <= 3) exact++;
    const hood = ref.slice(i * 9, i * 9 + 9);
    const best = Math.min(...hood.map((q) => colourDistance(got, colourOf(vis, [q.values![0]!]))));
    assert.ok(best <= 3, `class colour at col ${p.col} row ${p.row}: ${got} is no class colour of the 3×3 neighbourhood`);
  }
  assert.ok(exact >= 3, `${exact} of 4 pixel centres show exactly their own class colour`);
});

test("GeoJSON features show their properties on click; the layer order buttons restack layers", async () => {
  await setView(mapA.modelId, -8.01, -34.855, 14);
  const [[x, y]] = await toScreen(mapA.modelId, [{ lon: -34.855, lat: -8.01 }]) as [[number, number]];
  const box = (await session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-leaflet`).boundingBox())!;
  await session.page.mouse.click(box.x + x, box.y + y);
  const props = session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .leaflet-popup-content .ai4eo-map-props`);
  await props.waitFor();
  assert.match((await props.textContent())!, /nameOlinda centre.*kindurban/);
  const placesLegend = await session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-layer`).filter({ hasText: "Places" }).locator(".ai4eo-map-class").allTextContents();
  assert.deepEqual(placesLegend, ["urban"], "the colour-by property's categories are in the legend");
  const names = () => session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-name`).allTextContents();
  assert.deepEqual(await names(), ["Places", "NDVI", "RGB"]);
  await session.page.locator(`.ai4eo-map[data-model-id="${mapA.modelId}"] .ai4eo-map-layer`).filter({ hasText: "RGB" }).locator(".ai4eo-map-up").click();
  assert.deepEqual(await names(), ["Places", "RGB", "NDVI"]);
  const z = await session.page.evaluate((id) => {
    const grids = Array.from(document.querySelectorAll(`.ai4eo-map[data-model-id="${id}"] .leaflet-layer`)) as HTMLElement[];
    return grids.map((g) => [g.className.match(/ai4eo-layer-(L\d+)/)?.[1], Number(g.style.zIndex)]);
  }, mapA.modelId);
  const zi = Object.fromEntries(z);
  const ids = Object.fromEntries(mapA.layers.map((l) => [l.name, l.id]));
  assert.ok(zi[ids["RGB"]!] > zi[ids["NDVI"]!], `RGB above NDVI after moving it up: ${JSON.stringify(z)}`);
});

/** The map box's rectangle and Leaflet's size for map `id`. */
async function boxAndSize(id: string): Promise<{ rect: number[]; size: number[] }> {
  return session.page.evaluate((id) => {
    const r = document.querySelector(`.ai4eo-map[data-model-id="${id}"] .ai4eo-map-box`)!.getBoundingClientRect();
    const s = window.ai4eoMaps!.find((p) => p.modelId === id)!.map.getSize();
    return { rect: [r.x, r.y, r.width, r.height], size: [s.x, s.y] };
  }, id);
}

async function waitForSize(id: string, size: number[]): Promise<void> {
  await session.page.waitForFunction(({ id, size }) => {
    const s = window.ai4eoMaps!.find((p) => p.modelId === id)!.map.getSize();
    return s.x === size[0] && s.y === size[1];
  }, { id, size }, { timeout: 5000 });
}

test("the full-screen button makes the map fill the viewport (Fullscreen API); a second click, or leaving full screen otherwise, restores it", async () => {
  const page = session.page;
  const id = mapA.modelId;
  const sel = `.ai4eo-map[data-model-id="${id}"]`;
  const button = page.locator(`${sel} .ai4eo-map-fullscreen a`);
  const before = await boxAndSize(id);
  assert.deepEqual(before.size, [before.rect[2], 420], "Leaflet fills the 420 px box");
  const vp = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
  // "browser": left by the browser (Esc, F11), which headless chromium has no UI for: exitFullscreen() from the page.
  for (const leave of ["button", "browser"] as const) {
    await button.click();
    await page.waitForFunction((sel) => document.fullscreenElement === document.querySelector(`${sel} .ai4eo-map-box`), sel, { timeout: 5000 });
    await waitForSize(id, vp);
    const full = await boxAndSize(id);
    assert.deepEqual(full.rect, [0, 0, vp[0], vp[1]], "the map box covers the viewport");
    assert.deepEqual(full.size, vp, "Leaflet's size follows the box");
    if (leave === "button") {
      await page.evaluate((id) => window.ai4eoMaps!.find((p) => p.modelId === id)!.map.closePopup(), id);
      await setView(id, -8.0, -34.87, 13);
      const cmp = compareScreenshot("map-static-fullscreen", await page.screenshot());
      assert.ok(cmp.ok, cmp.message);
      await button.click();
    } else {
      await page.evaluate(() => document.exitFullscreen());
    }
    await page.waitForFunction(() => document.fullscreenElement === null, null, { timeout: 5000 });
    await waitForSize(id, before.size);
    const after = await boxAndSize(id);
    assert.deepEqual(after.rect.slice(2), before.rect.slice(2), `left by ${leave}: the box is back to its size in the page`);
  }
});

test("where the Fullscreen API is refused (e.g. an iframe without allow=fullscreen), the button covers the window with the map instead", async () => {
  const page = session.page;
  const id = mapA.modelId;
  const sel = `.ai4eo-map[data-model-id="${id}"]`;
  const button = page.locator(`${sel} .ai4eo-map-fullscreen a`);
  const before = await boxAndSize(id);
  const vp = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
  const original = await page.evaluateHandle(() => HTMLElement.prototype.requestFullscreen);
  await page.evaluate(() => { HTMLElement.prototype.requestFullscreen = () => Promise.reject(new TypeError("Permissions check failed")); });
  try {
    for (const leave of ["button", "Escape"] as const) {
      await button.click();
      await waitForSize(id, vp);
      const full = await boxAndSize(id);
      assert.equal(await page.evaluate(() => document.fullscreenElement), null, "the API was not used");
      assert.deepEqual(full.rect, [0, 0, vp[0], vp[1]], "the map box covers the viewport");
      // The box is on top: the element at the centre of the window belongs to this map.
      assert.ok(await page.evaluate(({ sel, vp }) => document.querySelector(sel)!.contains(document.elementFromPoint(vp[0]! / 2, vp[1]! / 2)), { sel, vp }));
      if (leave === "button") await button.click();
      else await page.keyboard.press("Escape");
      await waitForSize(id, before.size);
      assert.deepEqual((await boxAndSize(id)).rect.slice(2), before.rect.slice(2), `left by ${leave}`);
    }
  } finally {
    await page.evaluate((f) => { HTMLElement.prototype.requestFullscreen = f; }, original);
  }
});

test("on the static page a drawn polygon is kept in the page and can be reshaped vertex by vertex and deleted", async () => {
  const page = session.page;
  const id = mapA.modelId;
  const sel = `.ai4eo-map[data-model-id="${id}"]`;
  const drawn = () => page.evaluate((id) => window.ai4eoMaps!.find((p) => p.modelId === id)!.drawn(), id) as Promise<{ features: { properties: { id: number; shape: string }; geometry: { coordinates: number[][][] } }[] }>;
  const ref = gdalPoints(L7, { pixels: [[150, 150], [190, 145], [175, 185], [200, 200]] }).pixels;
  await setView(id, ref[0]!.lat, (ref[0]!.lon + ref[1]!.lon) / 2, 14);
  const pts = await toScreen(id, ref);
  await page.locator(`${sel} .ai4eo-map-leaflet`).scrollIntoViewIfNeeded();
  const box = (await page.locator(`${sel} .ai4eo-map-leaflet`).boundingBox())!;
  await page.locator(`${sel} .ai4eo-map-draw-polygon`).click();
  for (const [x, y] of pts.slice(0, 2)) await page.mouse.click(box.x + x, box.y + y);
  await page.mouse.dblclick(box.x + pts[2]![0], box.y + pts[2]![1]);
  let fc = await drawn();
  assert.equal(fc.features.length, 1);
  const shape = fc.features[0]!;
  assert.equal(shape.properties.shape, "polygon");
  const ring0 = shape.geometry.coordinates[0]!;
  assert.equal(ring0.length, 4);
  // Select (click inside the triangle), drag its third vertex to the fourth point. (Waits allow 15 s: with
  // 5 s the wait after the drag timed out once while the whole suite loaded the machine.)
  const cx = (pts[0]![0] + pts[1]![0] + pts[2]![0]) / 3, cy = (pts[0]![1] + pts[1]![1] + pts[2]![1]) / 3;
  await page.mouse.click(box.x + cx, box.y + cy);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .ai4eo-map-vertex`).length === 3, sel, { timeout: 15_000 });
  await page.mouse.move(box.x + pts[2]![0], box.y + pts[2]![1]);
  await page.mouse.down();
  await page.mouse.move(box.x + pts[3]![0], box.y + pts[3]![1], { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(({ id, before }) => JSON.stringify(window.ai4eoMaps!.find((p) => p.modelId === id)!.drawn().features[0]) !== before, { id, before: JSON.stringify(shape) }, { timeout: 15_000 });
  fc = await drawn();
  const ring = fc.features[0]!.geometry.coordinates[0]!;
  assert.equal(fc.features[0]!.properties.id, shape.properties.id);
  assert.deepEqual([ring[0], ring[1]], [ring0[0], ring0[1]], "the other vertices stay");
  // A dragged marker lands on whole screen pixels (≈9.4 m at zoom 14): within 2 pixels of the mouse.
  assert.ok(Math.abs(ring[2]![0]! - ref[3]!.lon) < 2e-4 && Math.abs(ring[2]![1]! - ref[3]!.lat) < 2e-4, `moved vertex ${ring[2]} vs ${ref[3]!.lon},${ref[3]!.lat}`);
  assert.deepEqual(ring[3], ring[0], "the ring stays closed");
  // Esc ends the selection (Delete then removes nothing); select again and delete with the Delete key (the live test clicks the ✕).
  await page.keyboard.press("Escape");
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .ai4eo-map-vertex`).length === 0, sel);
  await page.keyboard.press("Delete");
  assert.equal((await drawn()).features.length, 1);
  await page.mouse.click(box.x + cx, box.y + cy);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .ai4eo-map-vertex`).length === 3, sel, { timeout: 15_000 });
  await page.keyboard.press("Delete");
  assert.equal((await drawn()).features.length, 0);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} path[stroke="#ff7800"], ${sel} .ai4eo-map-vertex`).length === 0, sel, { timeout: 15_000 });
});

test("a click on a polygon right after the double-click that finished it selects it, before any timer runs (the CI flake: a busy browser runs input ahead of timers)", async () => {
  const page = session.page;
  const id = mapA.modelId;
  const sel = `.ai4eo-map[data-model-id="${id}"]`;
  const ref = gdalPoints(L7, { pixels: [[150, 150], [190, 145], [175, 185]] }).pixels;
  await setView(id, ref[0]!.lat, (ref[0]!.lon + ref[1]!.lon) / 2, 14);
  const pts = await toScreen(id, ref);
  await page.locator(`${sel} .ai4eo-map-leaflet`).scrollIntoViewIfNeeded();
  const box = (await page.locator(`${sel} .ai4eo-map-leaflet`).boundingBox())!;
  await page.locator(`${sel} .ai4eo-map-draw-polygon`).click();
  // All in one task of the page: three clicks and a double-click draw the triangle, then a click
  // inside it; no timer can run in between.
  // (a string: tsx would wrap named helpers in __name, which the page does not have)
  const vertices = await page.evaluate(`((sel, pts, box) => {
    const fire = (type, x, y, detail = 1) => {
      const init = { clientX: box.x + x, clientY: box.y + y, bubbles: true, cancelable: true, view: window, button: 0, detail };
      const target = document.elementFromPoint(init.clientX, init.clientY);
      // (clicks are PointerEvents from a mouse, as the browser makes them: Leaflet takes quick clicks
      // without a pointerType for a touch double-tap)
      for (const t of type === "click" ? ["mousedown", "mouseup", "click"] : [type]) {
        target.dispatchEvent(t === "click" ? new PointerEvent(t, { ...init, pointerType: "mouse" }) : new MouseEvent(t, init));
      }
    };
    for (const [x, y] of pts) fire("click", x, y);
    fire("dblclick", pts[2][0], pts[2][1], 2);
    fire("click", (pts[0][0] + pts[1][0] + pts[2][0]) / 3, (pts[0][1] + pts[1][1] + pts[2][1]) / 3);
    return document.querySelectorAll(sel + " .ai4eo-map-vertex").length;
  })(${JSON.stringify(sel)}, ${JSON.stringify(pts)}, ${JSON.stringify(box)})`) as number;
  const fc = await page.evaluate((id) => window.ai4eoMaps!.find((p) => p.modelId === id)!.drawn(), id) as { features: { geometry: { coordinates: number[][][] } }[] };
  assert.equal(fc.features.length, 1, "the triangle was drawn");
  assert.equal(fc.features[0]!.geometry.coordinates[0]!.length, 4);
  assert.equal(vertices, 3, "the click selected it (its three vertex handles)");
  await page.keyboard.press("Delete");
  assert.equal((await page.evaluate((id) => window.ai4eoMaps!.find((p) => p.modelId === id)!.drawn(), id) as { features: unknown[] }).features.length, 0);
});
