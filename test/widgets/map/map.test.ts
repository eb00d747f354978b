// The Map widget's kernel side over a loopback comm: tile requests answered with binary buffers,
// empty tiles outside the data, clicks with hooks, drawings (created, edited, deleted), vis-param errors, GeoJSON, the PNG
// fallback, percentile stretches against NumPy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { decode } from "fast-png";
import { openRaster } from "../../../kernel/src/eo/raster/open.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { Map, MapLayerError, percentile, colormap } from "../../../kernel/src/widgets/map/index.js";
import { lonLatTo3857 } from "../../../widgets/src/map/render.js";
import { LoopbackRegistry } from "../loopback-registry.js";
import { gdalPoints, L7, ROOT, colourOf } from "./reference.js";

function tileAt(lon: number, lat: number, z: number): [number, number] {
  const [x, y] = lonLatTo3857(lon, lat);
  const size = (2 * 20037508.342789244) / 2 ** z;
  return [Math.floor((x + 20037508.342789244) / size), Math.floor((20037508.342789244 - y) / size)];
}

async function liveMap(): Promise<{ m: Map; reg: LoopbackRegistry }> {
  const reg = new LoopbackRegistry();
  const m = new Map({ registry: reg });
  await m.addLayer(await openRaster(L7), { bands: ["B3", "B2", "B1"] }, "RGB");
  return { m, reg };
}

test("tile requests are answered with raw typed-array buffers; outside the data with empty tiles", async () => {
  const { m, reg } = await liveMap();
  const id = m.layers[0]!.id;
  const [x, y] = tileAt(-34.87, -7.99, 13);
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "tile", id: 7, layer: id, data_version: 1, t: 0, z: 13, x, y } });
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "tile", id: 8, layer: id, data_version: 1, t: 0, z: 13, x: x + 50, y } });
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "tile", id: 9, layer: "nope", data_version: 1, t: 0, z: 13, x, y } });
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "tile", id: 10, layer: id, data_version: 1, t: 0, z: 2, x: 99, y: -1 } });
  await m.settled();
  const answers = reg.messages(m.modelId).filter((s) => s.type === "msg" && (s.data["content"] as { event?: string })?.event === "tile");
  const byId = Object.fromEntries(answers.map((a) => [(a.data["content"] as { id: number }).id, a]));
  const a7 = byId[7]!;
  const c7 = a7.data["content"] as { empty: boolean; dtype: string; bands: number; masked: boolean };
  assert.deepEqual([c7.empty, c7.dtype, c7.bands], [false, "uint8", 3]);
  assert.equal(a7.buffers.length, 3 + (c7.masked ? 1 : 0));
  assert.ok(a7.buffers.slice(0, 3).every((b) => b.byteLength === 256 * 256), "one byte per pixel per band: raw uint8, no JSON, no base64");
  for (const k of [8, 9, 10]) {
    assert.equal((byId[k]!.data["content"] as { empty: boolean }).empty, true, `request ${k} answered with an empty tile`);
    assert.equal(byId[k]!.buffers.length, 0);
  }
  assert.equal(m.tilesServed, 3);
  m.close();
});

test("a click is answered with a popup of every layer's values and the hooks' results; a throwing hook shows its error", async () => {
  const { m, reg } = await liveMap();
  m.onClick((ev) => ({ sum: Object.values(ev.layers[0]!.values).reduce((a, b) => a + b, 0) }));
  m.onClick(() => { throw new Error("model not loaded"); });
  m.onClick(async () => "async text <b>");
  const ref = gdalPoints(L7, { pixels: [[179, 155]] }).pixels[0]!;
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "click", id: 3, lat: ref.lat, lon: ref.lon, zoom: 15 } });
  await m.settled();
  const popup = reg.messages(m.modelId).map((s) => s.data["content"] as { event?: string; html?: string; id?: number }).find((c) => c?.event === "popup")!;
  assert.equal(popup.id, 3);
  const l = m.lastClick!.layers[0]!;
  assert.deepEqual([l.col, l.row], [179, 155]);
  assert.deepEqual(Object.values(l.values), ref.values);
  assert.equal(l.crs, "EPSG:31985");
  assert.ok(Math.abs(l.layerX - ref.x) < 0.01 && Math.abs(l.layerY - ref.y) < 0.01, "layer CRS coordinates of the pixel centre equal GDAL's");
  assert.match(popup.html!, new RegExp(`<td>sum</td><td>${ref.values!.reduce((a, b) => a + b, 0)}</td>`));
  assert.match(popup.html!, /model not loaded/);
  assert.match(popup.html!, /async text &lt;b&gt;/);
  m.close();
});

test("a drawn polygon reaches onDraw in lon/lat, in the layer CRS and as a pixel window; map.drawn keeps it", async () => {
  const { m, reg } = await liveMap();
  const seen: unknown[] = [];
  m.onDraw((ev) => { seen.push(ev); });
  const ref = gdalPoints(L7, { pixels: [[100, 100], [120, 130]] }).pixels;
  const [a, b] = [ref[0]!, ref[1]!];
  const ring = [[a.lon, a.lat], [b.lon, a.lat], [b.lon, b.lat], [a.lon, b.lat], [a.lon, a.lat]];
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "draw", shape: "rectangle", geometry: { type: "Polygon", coordinates: [ring] } } });
  await m.settled();
  assert.equal(seen.length, 1);
  const ev = seen[0] as { layers: Record<string, { coordinates: number[][][]; window: unknown }> };
  assert.deepEqual(ev.layers["RGB"]!.window, { col: 100, row: 100, width: 21, height: 31 });
  const [x0, y0] = ev.layers["RGB"]!.coordinates[0]![0]!;
  assert.ok(Math.abs(x0! - a.x) < 0.5 && Math.abs(y0! - a.y) < 0.5, `corner ${x0},${y0} vs GDAL ${a.x},${a.y}`);
  assert.equal(m.drawn.features.length, 1);
  m.clearDrawn();
  assert.equal(m.drawn.features.length, 0);
  m.close();
});

test("drawn shapes are edited and deleted one by one: ids stay unique, map.drawn and onDraw follow, unknown ids are ignored", async (ctx) => {
  const { m, reg } = await liveMap();
  const seen: { action: string; id: number; window: unknown; ring: number[][] }[] = [];
  m.onDraw((ev) => { seen.push({ action: ev.action, id: ev.id, window: ev.layers["RGB"]?.window ?? null, ring: ev.feature.geometry.coordinates[0]! }); });
  const ref = gdalPoints(L7, { pixels: [[100, 100], [120, 130], [140, 150]] }).pixels;
  const rect = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => [[a.lon, a.lat], [b.lon, a.lat], [b.lon, b.lat], [a.lon, b.lat], [a.lon, a.lat]];
  const send = (content: Record<string, unknown>) => reg.fromFrontend(m.modelId, { method: "custom", content });
  send({ event: "draw", shape: "rectangle", geometry: { type: "Polygon", coordinates: [rect(ref[0]!, ref[1]!)] } });
  send({ event: "draw", shape: "rectangle", geometry: { type: "Polygon", coordinates: [rect(ref[1]!, ref[2]!)] } });
  await m.settled();
  const ids = (m.drawn.features as { properties: { id: number } }[]).map((f) => f.properties.id);
  assert.equal(new Set(ids).size, 2);
  // Reshape the first: its window grows to the third point.
  send({ event: "draw_edit", id: ids[0], geometry: { type: "Polygon", coordinates: [rect(ref[0]!, ref[2]!)] } });
  await m.settled();
  assert.deepEqual(seen.map((e) => e.action), ["create", "create", "edit"]);
  assert.equal(seen[2]!.id, ids[0]);
  assert.deepEqual(seen[2]!.window, { col: 100, row: 100, width: 41, height: 51 });
  const first = m.drawn.features[0] as { properties: { id: number; shape: string }; geometry: { coordinates: number[][][] } };
  assert.deepEqual(first.properties, { shape: "rectangle", id: ids[0] });
  assert.deepEqual(first.geometry.coordinates[0], rect(ref[0]!, ref[2]!));
  // Delete the second; the hook sees it as it was; a new shape gets a fresh id.
  send({ event: "draw_delete", id: ids[1] });
  await m.settled();
  assert.deepEqual(seen.at(-1), { action: "delete", id: ids[1], window: { col: 120, row: 130, width: 21, height: 21 }, ring: rect(ref[1]!, ref[2]!) });
  assert.deepEqual((m.drawn.features as { properties: { id: number } }[]).map((f) => f.properties.id), [ids[0]]);
  send({ event: "draw", shape: "polygon", geometry: { type: "Polygon", coordinates: [rect(ref[1]!, ref[2]!)] } });
  await m.settled();
  const newId = seen.at(-1)!.id;
  assert.ok(!ids.includes(newId), `fresh id ${newId}`);
  // Edits of unknown or deleted shapes are ignored with a warning; a bad geometry too.
  const warnings: string[] = [];
  ctx.mock.method(console, "warn", (msg: string) => { warnings.push(msg); });
  send({ event: "draw_edit", id: ids[1], geometry: { type: "Polygon", coordinates: [rect(ref[0]!, ref[1]!)] } });
  send({ event: "draw_edit", id: ids[0], geometry: { type: "Polygon", coordinates: [[["a", 1]]] } });
  send({ event: "draw_delete", id: 999 });
  await m.settled();
  assert.equal(seen.length, 5, "no hook ran for them");
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, new RegExp(`drawn shape ${ids[1]}, which is not on the map`));
  assert.match(warnings[1]!, /without a Polygon geometry/);
  assert.equal(m.drawn.features.length, 2);
  // From the kernel: remove one by id.
  assert.equal(m.removeDrawn(newId), true);
  assert.equal(m.removeDrawn(newId), false);
  assert.deepEqual((m.drawn.features as { properties: { id: number } }[]).map((f) => f.properties.id), [ids[0]]);
  m.close();
});

test("bad vis params and names give errors that name the valid choices", async () => {
  const src = await openRaster(L7);
  const m = new Map({ registry: null });
  await assert.rejects(m.addLayer(src, { bands: ["nir"] }, "x"), (e: unknown) => e instanceof MapLayerError && /unknown band "nir"/.test(e.message) && /1 "B1"/.test(e.message));
  await assert.rejects(m.addLayer(src, { bands: [9] }, "x"), /band 9 is out of range/);
  await assert.rejects(m.addLayer(src, { bands: [4], palette: "rainbowz" }, "x"), (e: unknown) => e instanceof MapLayerError && /unknown colormap "rainbowz"/.test(e.message) && /viridis/.test(e.message));
  await assert.rejects(m.addLayer(src, { bands: [1, 2, 3], palette: "viridis" }, "x"), /applies to one band/);
  await assert.rejects(m.addLayer(src, { bands: [1, 2] }, "x"), /1 band .* or 3/);
  await assert.rejects(m.addLayer(src, { bands: [1], min: [0, 1] }, "x"), /vis.min has 2 values/);
  await m.addLayer(src, { bands: [4], palette: "magma_r" }, "NIR");
  await assert.rejects(m.setVis("NIR", { gamma: 0 }), /gamma must be > 0/);
  assert.throws(() => m.setOpacity("nothere", 0.5), /no such layer; layers on the map: "NIR"/);
  assert.throws(() => new Map({ registry: null, basemap: "google" as never }), /unknown basemap "google"; use one of osm, esri/);
  assert.deepEqual(m.layers[0]!.vis!.palette, colormap("magma")!.reverse());
  m.close();
});

test("a percentile stretch equals NumPy's percentiles of the stretched level", async () => {
  const src = await openRaster(L7);
  const m = new Map({ registry: null });
  await m.addLayer(src, { bands: [4], percentile: [2, 98] }, "NIR");
  const vis = m.layers[0]!.vis!;
  const py = spawnSync("/usr/bin/python3", ["-c", "import sys;from osgeo import gdal;import numpy as np;ds=gdal.Open(sys.argv[1]);a=ds.GetRasterBand(4).ReadAsArray().astype(float);print(np.percentile(a,2),np.percentile(a,98))", L7], { encoding: "utf8" });
  assert.equal(py.status, 0, py.stderr);
  const [lo, hi] = py.stdout.trim().split(" ").map(Number);
  // The scene is smaller than the 1024-pixel sample limit: the full-resolution values are used.
  assert.equal(vis.min[0], lo);
  assert.equal(vis.max[0], hi);
  assert.equal(percentile(new Float32Array([1, 2, 3, 4, Number.NaN, -1]), 50, -1), 2.5);
  m.close();
});

test("setVis re-colours without new tiles; changing bands bumps the data version", async () => {
  const { m, reg } = await liveMap();
  const before = reg.sent.length;
  await m.setVis("RGB", { min: 10, max: 90, gamma: 1.5 });
  const upd = reg.sent.slice(before).map((s) => s.data);
  assert.equal(upd.length, 1, "one update message");
  const layers = (upd[0]!["state"] as { layers: { vis: { min: number[]; gamma: number[] }; data_version: number }[] }).layers;
  assert.deepEqual(layers[0]!.vis.min, [10, 10, 10]);
  assert.deepEqual(layers[0]!.vis.gamma, [1.5, 1.5, 1.5]);
  assert.equal(layers[0]!.data_version, 1);
  await m.setVis("RGB", { bands: [4, 3, 2] });
  assert.equal(m.layers[0]!.data_version, 2);
  assert.deepEqual(m.layers[0]!.band_names, ["B4", "B3", "B2"]);
  m.close();
});

test("GeoJSON layers: bounds, categorical colours; non-lon/lat coordinates are refused", () => {
  const m = new Map({ registry: null });
  m.addGeoJSON({
    type: "FeatureCollection", features: [
      { type: "Feature", properties: { crop: "soy" }, geometry: { type: "Polygon", coordinates: [[[-34.9, -8], [-34.85, -8], [-34.85, -7.95], [-34.9, -8]]] } },
      { type: "Feature", properties: { crop: "maize" }, geometry: { type: "Point", coordinates: [-34.88, -7.97] } },
    ],
  }, { colorBy: "crop" }, "Fields");
  const l = m.layers[0]!;
  assert.deepEqual(l.bounds, [[-8, -34.9], [-7.95, -34.85]]);
  assert.deepEqual(Object.keys(l.style!.colors).sort(), ["maize", "soy"]);
  assert.deepEqual(m.get("fit_bounds"), l.bounds);
  assert.throws(() => m.addGeoJSON({ type: "Point", coordinates: [290000, 9120000] }, {}, "utm"), /must be in longitude\/latitude/);
  assert.throws(() => m.addGeoJSON({ type: "Nope" }, {}, "bad"), /not GeoJSON/);
  m.close();
});

test("the display fallback is a PNG of the layers with a legend strip, coloured like the view", async () => {
  const src = await openRaster(L7);
  const m = new Map({ registry: null });
  await m.addLayer(src, { bands: [4], min: 20, max: 120, palette: "viridis" }, "NIR");
  const bundle = (m as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
  assert.equal(bundle["application/vnd.jupyter.widget-view+json"], undefined, "a detached map has no widget view");
  assert.match(bundle["text/plain"]!, /Map with 1 layer\(s\): NIR \(raster\)/);
  assert.match(bundle["text/html"]!, /<img alt="map snapshot"/);
  const png = decode(Buffer.from(bundle["image/png"]!, "base64"));
  assert.ok(png.width <= 400 && png.width >= 380, `width ${png.width}`);
  const mapH = png.height - 14;
  assert.ok(Math.max(png.width, mapH) === 400 && Math.min(png.width, mapH) >= 380, `map area ${png.width}×${mapH} (400 on the long side), then one 14-pixel legend row`);
  // The centre of the map area shows the colour of the scene's centre pixel (within the 3×3 neighbourhood).
  const cx = Math.floor(png.width / 2), cy = Math.floor((png.height - 14) / 2);
  const px = [0, 1, 2].map((c) => Number(png.data[(cy * png.width + cx) * png.channels + c]));
  const ref = gdalPoints(L7, { pixels: [-1, 0, 1].flatMap((dr) => [-1, 0, 1].map((dc) => [174 + dc, 176 + dr] as [number, number])) }).pixels;
  const best = Math.min(...ref.map((p) => Math.max(...colourOf(m.layers[0]!.vis!, [p.values![3]!]).slice(0, 3).map((v, c) => Math.abs(v - px[c]!)))));
  assert.ok(best <= 3, `centre pixel ${px} (off by ${best})`);
  m.close();
});

test("a layer without georeference is shown in pixel space with a warning", async () => {
  const m = new Map({ registry: null });
  await m.addLayer(new Raster({ width: 8, height: 8, dtype: "uint8", bands: [new Uint8Array(64).fill(3)] }), {}, "plain");
  assert.equal(m.layers[0]!.pixel_space, true);
  assert.match(m.get("warnings")[0]!, /"plain" has no georeference: it is shown in pixel space/);
  m.close();
});

test("an inspector hook can run the shipped patch classifier with MC dropout on the patch around the clicked pixel", async () => {
  const { loadModel } = await import("../../../kernel/src/eo/model/load-model.js");
  const { rasterToTensor, selectBands, softmaxAxis1 } = await import("../../../kernel/src/eo/model/prepare.js");
  const { mcDropout } = await import("../../../kernel/src/eo/uncertainty/predictive.js");
  const model = await loadModel(`${ROOT}/data/models/olinda-patch-classifier.onnx`);
  const { m, reg } = await liveMap();
  const src = await openRaster(L7);
  const classes = model.card.classes!.map((c) => (typeof c === "string" ? c : (c as { name: string }).name));
  let deterministic: number[] = [];
  m.onClick(async (ev) => {
    const { col, row } = ev.layers.find((l) => l.name === "RGB")!;
    const window = { col: col - 4, row: row - 4, width: 8, height: 8 };
    const x = rasterToTensor(await src.read({ window, bands: selectBands(src, model.card) }), model.card);
    deterministic = Array.from(softmaxAxis1(await model.predict(x)).data);
    const d = mcDropout(model, x, { samples: 16, seed: 1, classes });
    const c = (await d).classification;
    const k = c.predicted.data[0]!;
    return { class: classes[k], p: c.mean.data[k]!.toFixed(3), "± (MC dropout std)": Math.sqrt(c.variance.data[k]!).toFixed(3), "mutual information": c.mutualInformation.data[0]!.toFixed(3) };
  });
  const ref = gdalPoints(L7, { pixels: [[120, 60]] }).pixels[0]!;
  reg.fromFrontend(m.modelId, { method: "custom", content: { event: "click", id: 1, lat: ref.lat, lon: ref.lon, zoom: 15 } });
  await m.settled();
  const popup = reg.messages(m.modelId).map((s) => s.data["content"] as { event?: string; html?: string }).find((c) => c?.event === "popup")!;
  const best = deterministic.indexOf(Math.max(...deterministic));
  assert.ok(Math.abs(deterministic.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.match(popup.html!, /<td>class<\/td><td>(water|vegetation|urban|bare soil)<\/td>/);
  assert.match(popup.html!, new RegExp(`<td>class</td><td>${classes[best]}</td>`), "MC dropout agrees with the deterministic prediction on this patch");
  assert.match(popup.html!, /<td>± \(MC dropout std\)<\/td><td>0\.\d{3}<\/td>/);
  m.close();
});

test("a RasterStack becomes one time-series layer labelled by its dates", async () => {
  const { RasterStack } = await import("../../../kernel/src/eo/stack/stack.js");
  const src = await openRaster(L7);
  const mk = (v: number) => new Raster({ width: 4, height: 4, dtype: "float32", bands: [new Float32Array(16).fill(v)], transform: [src.transform[0], 28.5, 0, src.transform[3], 0, -28.5], crs: src.crs });
  const stack = new RasterStack([mk(0.1), mk(0.2), mk(0.3)], [new Date("2001-08-01"), new Date("2002-08-01"), new Date("2003-08-01")]);
  const m = new Map({ registry: null });
  await m.addTimeSeries(stack, { min: 0, max: 0.5, palette: "viridis" }, "Stack");
  assert.deepEqual(m.layers[0]!.frames, ["2001-08-01", "2002-08-01", "2003-08-01"]);
  m.setTime("Stack", 2);
  const ev = await m.inspect(...(() => { const ref = gdalPoints(L7, { pixels: [[1, 1]] }).pixels[0]!; return [ref.lon, ref.lat] as [number, number]; })());
  assert.equal(ev.layers[0]!.t, 2);
  assert.equal(ev.layers[0]!.values["B1"], Math.fround(0.3));
  assert.throws(() => m.setTime("Stack", 3), /time step 3 is out of range 0..2/);
  m.close();
});

test("addLayer takes an AbortSignal: an aborted one stops the work and adds nothing", async () => {
  const src = await openRaster(L7);
  const m = new Map({ registry: null });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(m.addLayer(src, { bands: [4] }, "NIR", { signal: ac.signal }), (e: unknown) => (e as Error).name === "AbortError");
  assert.equal(m.layers.length, 0);
  m.close();
});

test("each layer's embedded pixels are their own model: adding a layer sends only its pixels", async () => {
  const { m, reg } = await liveMap();
  const before = reg.sent.length;
  await m.addLayer(await openRaster(L7), { bands: [4], palette: "viridis" }, "NIR");
  const sent = reg.sent.slice(before);
  const opens = sent.filter((s) => s.type === "open");
  assert.equal(opens.length, 1, "one new comm: the new layer's MapEmbedModel");
  assert.equal((opens[0]!.data["state"] as { _model_name: string })._model_name, "MapEmbedModel");
  const mapMsgs = sent.filter((s) => s.commId === m.modelId);
  assert.equal(mapMsgs.length, 1);
  assert.deepEqual(mapMsgs[0]!.buffers, [], "the Map's update carries references, not pixels");
  const embeds = (mapMsgs[0]!.data["state"] as { embeds: Record<string, string> }).embeds;
  assert.deepEqual(Object.values(embeds).map((v) => v.startsWith("IPY_MODEL_")), [true, true]);
  const ids = Object.keys(m.embedData());
  m.close();
  assert.ok(reg.sent.filter((s) => s.type === "close").length >= ids.length + 1, "closing the map closes its embed models");
});
