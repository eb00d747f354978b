/**
 * The Map widget: in-kernel rasters (sources from `openRaster`, in-memory `Raster`s, model outputs)
 * on an interactive Leaflet map with no tile server and no files. The browser asks for the tiles of
 * its viewport over the comm; the kernel answers with binary buffers cut from a lazily built
 * overview pyramid reprojected to Web Mercator. Vis params (min/max, gamma, palette, classes,
 * opacity) are applied in the browser, so changing them needs no tiles. Inspector, swipe, time
 * slider, GeoJSON layers and drawing talk back to the kernel.
 * @module
 */
import type {
  Basemap, ClassEntry, EmbedState, LayerState, MapState, MapToKernel, ResolvedVis, TileRequest, VectorStyle,
} from "../../../../widgets/src/map/contract.js";
import { lonLatTo3857, mercToLonLat } from "../../../../widgets/src/map/render.js";
import type { RasterSourceLike } from "../../eo/raster/types.js";
import { interruptSignal } from "../../eo/progress.js";
import { isAny, isBool, isInt, isNumber, isObject, listOf, nullable } from "../checks.js";
import { domInit, domSpecs, DOMWidget, type DOMProps, type DOMWidgetOptions } from "../controls/common.js";
import { WidgetPropertyError } from "../errors.js";
import { AI4EO_MODULE, packageVersion } from "../version.js";
import { ShapedArray } from "../wire.js";
import { widgetRef, type WidgetOptions } from "../widget.js";
import { MapEmbed, type MapEmbedProps } from "./embed-widget.js";
import { MapLayerError } from "./errors.js";
import { mapFallbackHtml, mapFallbackPng } from "./fallback.js";
import { TilePyramid, sourceProj, type TileData } from "./pyramid.js";
import { bandNames, resolveBands, resolveVis, type VisParams } from "./vis-params.js";

/** Kernel-side values of the Map's synced fields (see {@link MapState} for their meaning). */
export interface MapProps extends DOMProps {
  center: [number, number];
  zoom: number;
  fit_bounds: [[number, number], [number, number]] | null;
  height: number;
  basemap: Basemap | null;
  layers: LayerState[];
  embeds: Record<string, MapEmbed>;
  layer_visible: Record<string, boolean>;
  layer_opacity: Record<string, number>;
  layer_order: string[];
  layer_time: Record<string, number>;
  swipe_layers: { left: string; right: string } | null;
  swipe_position: number;
  draw_tools: boolean;
  drawn: { type: "FeatureCollection"; features: unknown[] };
  warnings: string[];
}

/** Named basemaps for users who are online (none is used by default). */
export const BASEMAPS: Record<string, Basemap> = {
  osm: { url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: "© OpenStreetMap contributors", maxZoom: 19 },
  esri: {
    url: "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
    attribution: "Tiles © Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community", maxZoom: 19,
  },
};

/** Largest `embedMaxSize` of a {@link Map}: an embedded layer is at most this many pixels on its long side. */
export const MAX_EMBED_SIZE = 4096;

/** Options of {@link Map}. */
export interface MapOptions extends DOMWidgetOptions {
  /** `[lat, lon]` of the first view; default `[0, 0]` (the first raster layer fits the view). */
  center?: [number, number];
  /** First zoom; default 2. */
  zoom?: number;
  /** Height in CSS pixels; default 480. */
  height?: number;
  /**
   * A basemap: "osm", "esri" or `{ url, attribution, maxZoom }` with a `{z}/{x}/{y}` template.
   * Default none, so maps work offline.
   */
  basemap?: keyof typeof BASEMAPS | Basemap | null;
  /** Show the rectangle/polygon drawing tools; default true. */
  drawTools?: boolean;
  /**
   * Long side, in pixels, of the bounded pyramid embedded per layer (and time step) for static
   * exports and the PNG fallback, a whole number up to {@link MAX_EMBED_SIZE}; 0 turns embedding off. Default 512 (at most 2 embedded pixels
   * per source pixel, so small rasters stay small): a float32 band costs at most 1 MiB per time step.
   */
  embedMaxSize?: number;
}

/** Where the user clicked, and what every raster layer holds there. */
export interface MapClickEvent {
  lon: number;
  lat: number;
  /** EPSG:3857 metres. */
  x: number;
  y: number;
  zoom: number;
  /** One entry per raster layer that covers the point. */
  layers: {
    name: string;
    /** The layer's CRS (EPSG code or proj4 definition; "pixel" for layers in pixel space). */
    crs: string;
    /** Coordinates in the layer's CRS. */
    layerX: number;
    layerY: number;
    /** Full-resolution pixel of the layer's source (time step shown). */
    col: number;
    row: number;
    /** Time step shown. */
    t: number;
    /** Value of every band of the source, by band name. */
    values: Record<string, number>;
  }[];
}

/** What a click hook may return: text, an object (shown as a table), `{ html }`, or nothing. */
export type ClickHookResult = string | number | { html: string } | Record<string, unknown> | null | undefined | void;

/** A shape drawn, reshaped or deleted in the browser, as the kernel gets it. */
export interface MapDrawEvent {
  /** "create" when drawn, "edit" when a vertex was moved, "delete" when removed (the shape as it was). */
  action: "create" | "edit" | "delete";
  /** The shape's id on this map (also `feature.properties.id`), the same through edits. */
  id: number;
  shape: "rectangle" | "polygon";
  /** The shape as a GeoJSON Feature in longitude/latitude; properties `{ shape, id }`. */
  feature: { type: "Feature"; properties: Record<string, unknown>; geometry: { type: "Polygon"; coordinates: number[][][] } };
  /** Per raster layer: the polygon in the layer's CRS and its pixel window (clipped to the layer; null when outside). */
  layers: Record<string, { coordinates: number[][][]; window: { col: number; row: number; width: number; height: number } | null }>;
}

interface RasterLayer {
  id: string;
  name: string;
  frames: RasterSourceLike[];
  pyramids: TilePyramid[];
  vis: VisParams;
  resolved: ResolvedVis;
  crsLabel: string;
}

let layerCounter = 0;

/**
 * An interactive map (Leaflet) of in-kernel rasters and GeoJSON, with Earth-Engine-style layers.
 *
 * @example
 * ```ts
 * const src = await openRaster("data/olinda/L7_ETMs.tif");
 * const m = new Map({ height: 500 });
 * await m.addLayer(src, { bands: [3, 2, 1], min: 20, max: 120 }, "Landsat RGB");
 * await m.addLayer(ndvi, { min: -0.2, max: 0.8, palette: "RdYlGn" }, "NDVI");
 * m.onClick((ev) => `NDVI here: ${ev.layers.find((l) => l.name === "NDVI")?.values["NDVI"]}`);
 * m; // displays the map
 * ```
 */
export class Map extends DOMWidget<MapProps> {
  readonly #raster = new globalThis.Map<string, RasterLayer>();
  readonly #clickHooks = new Set<(ev: MapClickEvent) => ClickHookResult | Promise<ClickHookResult>>();
  readonly #drawHooks = new Set<(ev: MapDrawEvent) => void | Promise<void>>();
  #drawCount = 0;
  readonly #embedMax: number;
  readonly #registry: WidgetOptions["registry"];
  readonly #pending = new Set<Promise<unknown>>();
  #lastClick: MapClickEvent | null = null;
  #fitted: boolean;
  /** Tile requests answered so far (for tests and benchmarks). */
  tilesServed = 0;
  /** Bytes of tile buffers sent so far. */
  tileBytes = 0;

  /** @param options center/zoom, height (default 480), basemap (default none), drawTools, embedMaxSize */
  constructor(options: MapOptions = {}) {
    const version = packageVersion();
    const basemap = options.basemap === undefined || options.basemap === null ? null
      : typeof options.basemap === "string" ? BASEMAPS[options.basemap] ?? null : options.basemap;
    if (typeof options.basemap === "string" && !BASEMAPS[options.basemap]) {
      throw new MapLayerError("basemap", `unknown basemap "${options.basemap}"; use one of ${Object.keys(BASEMAPS).join(", ")} or { url, attribution, maxZoom }.`);
    }
    const embedMax = options.embedMaxSize ?? 512;
    if (!Number.isInteger(embedMax) || embedMax < 0 || embedMax > MAX_EMBED_SIZE) {
      throw new WidgetPropertyError("Map", "embedMaxSize", `a whole number of pixels from 0 (no embedding) to ${MAX_EMBED_SIZE} (MAX_EMBED_SIZE); default 512`, embedMax);
    }
    super("Map", {
      modelName: "MapModel" satisfies MapState["_model_name"], modelModule: AI4EO_MODULE, modelModuleVersion: version,
      viewName: "MapView" satisfies MapState["_view_name"], viewModule: AI4EO_MODULE, viewModuleVersion: version,
    }, {
      ...domSpecs(),
      center: { check: listOf(isNumber, 2) },
      zoom: { check: isNumber },
      fit_bounds: { check: isAny, viewWritable: false },
      height: { check: isInt, viewWritable: false },
      basemap: { check: nullable(isObject), viewWritable: false },
      layers: { check: isAny, viewWritable: false },
      embeds: {
        check: isObject, viewWritable: false,
        toJson: (v) => Object.fromEntries(Object.entries(v as Record<string, MapEmbed>).map(([k, w]) => [k, widgetRef(w)])),
      },
      layer_visible: { check: isObject },
      layer_opacity: { check: isObject },
      layer_order: { check: listOf((v) => (typeof v === "string" ? undefined : "string")) },
      layer_time: { check: isObject },
      swipe_layers: { check: isAny, viewWritable: false },
      swipe_position: { check: isNumber },
      draw_tools: { check: isBool, viewWritable: false },
      drawn: { check: isObject, viewWritable: false },
      warnings: { check: listOf((v) => (typeof v === "string" ? undefined : "string")), viewWritable: false },
    }, {
      ...domInit(options),
      center: options.center ?? [0, 0],
      zoom: options.zoom ?? 2,
      fit_bounds: null,
      height: options.height ?? 480,
      basemap,
      layers: [],
      embeds: {},
      layer_visible: {},
      layer_opacity: {},
      layer_order: [],
      layer_time: {},
      swipe_layers: null,
      swipe_position: 0.5,
      draw_tools: options.drawTools ?? true,
      drawn: { type: "FeatureCollection", features: [] },
      warnings: [],
    }, options);
    this.#embedMax = embedMax;
    this.#registry = options.registry;
    this.#fitted = options.center !== undefined;
    this.onCustomMessage((content) => this.#onMessage(content as unknown as MapToKernel));
  }

  /**
   * Add a raster layer (drawn on top). Without `min`/`max` the layer is stretched between the 2nd
   * and 98th percentile of a coarse overview. The first raster layer fits the view unless a center
   * was given. Resolves once the layer is on the map.
   * @param source an `openRaster` source or an in-memory `Raster` (e.g. a model output)
   * @param vis Earth-Engine-style vis params (see {@link VisParams})
   * @param name shown in the layer control; default "Layer N"
   * @param options `signal` aborts the work (overview building, stretch, embedding) of a large source
   * @throws {MapLayerError} for unknown bands or colormaps, bad vis params, or a CRS that cannot be reprojected.
   * @example
   * ```ts
   * await map.addLayer(src, { bands: ["B4", "B3", "B2"], percentile: [1, 99], gamma: 1.3 }, "True colour");
   * ```
   */
  async addLayer(source: RasterSourceLike, vis: VisParams = {}, name?: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.addTimeSeries([source], vis, name, options);
  }

  /**
   * Add a time series (a `RasterStack`, or a list of rasters on one grid) as one layer with a time
   * slider. All steps share the vis params (a percentile stretch is computed on the first step).
   * @param stack a `RasterStack` (its times label the steps) or one source per time step
   * @param options labels of the steps (default the stack's dates, YYYY-MM-DD, else "t0", "t1", …); `signal` aborts
   * @example
   * ```ts
   * await map.addTimeSeries([ndvi2019, ndvi2020, ndvi2021], { min: 0, max: 0.9, palette: "viridis" }, "NDVI", { labels: ["2019", "2020", "2021"] });
   * ```
   */
  async addTimeSeries(
    stack: RasterSourceLike[] | { layers: RasterSourceLike[]; times?: Date[] | undefined }, vis: VisParams = {}, name?: string, options: { labels?: string[]; signal?: AbortSignal } = {},
  ): Promise<void> {
    const layerName = name ?? `Layer ${this.layers.length + 1}`;
    // A kernel interrupt aborts the work unless the caller passed its own signal.
    const signal = options.signal ?? interruptSignal();
    if (signal) options = { ...options, signal };
    const frames = Array.isArray(stack) ? stack : stack.layers;
    if (!Array.isArray(stack) && stack.times && !options.labels) options = { ...options, labels: stack.times.map((d) => d.toISOString().slice(0, 10)) };
    if (frames.length === 0) throw new MapLayerError(layerName, "a time series needs at least one raster.");
    if (this.layers.some((l) => l.name === layerName)) throw new MapLayerError(layerName, "a layer with this name is already on the map; pick another name or removeLayer() it first.");
    const first = frames[0]!;
    for (const [i, f] of frames.entries()) {
      if (f.width !== first.width || f.height !== first.height || f.count !== first.count) {
        throw new MapLayerError(layerName, `time step ${i} is ${f.width}×${f.height}×${f.count} but step 0 is ${first.width}×${first.height}×${first.count}; stack rasters on one grid.`);
      }
    }
    if (options.labels && options.labels.length !== frames.length) {
      throw new MapLayerError(layerName, `${options.labels.length} labels for ${frames.length} time steps; give one label per step.`);
    }
    const bands = resolveBands(first, vis, layerName);
    const proj = sourceProj(first, layerName);
    const pyramids = frames.map((f) => new TilePyramid(f, bands, { name: layerName, proj: proj === null ? null : sourceProj(f, layerName) }));
    const p0 = pyramids[0]!;
    const fileClasses = vis.classes || vis.palette || vis.min !== undefined || vis.max !== undefined || bands.length !== 1
      ? undefined : await paletteClasses(first, bands[0]!, p0, options.signal);
    if (fileClasses) vis = { ...vis, classes: fileClasses };
    const needsSample = !vis.classes && (vis.min === undefined || vis.max === undefined);
    const sample = needsSample ? await p0.sample(1024, options.signal) : null;
    const resolved = resolveVis(vis, bands.length, layerName, () => sample);
    const id = `L${++layerCounter}`;
    const [minX, minY, maxX, maxY] = p0.mercatorBounds();
    const [w, s] = mercToLonLat(minX, minY);
    const [e, n] = mercToLonLat(maxX, maxY);
    const names = bandNames(first);
    const crs = first.crs;
    const crsLabel = proj === null ? "pixel" : crs.epsg !== undefined ? `EPSG:${crs.epsg}` : proj;
    const layer: LayerState = {
      id, name: layerName, kind: "raster", bounds: [[s, w], [n, e]], vis: resolved,
      band_names: bands.map((b) => names[b - 1]!), data_version: 1,
      frames: frames.map((_, i) => options.labels?.[i] ?? `t${i}`), pixel_space: proj === null,
      max_native_zoom: Math.min(24, p0.nativeZoom() + 2), geojson: null, style: null,
    };
    const embed = await this.#embed(pyramids, options.signal);
    this.#raster.set(id, { id, name: layerName, frames, pyramids, vis, resolved, crsLabel });
    const warnings = proj === null
      ? [...this.get("warnings"), `Layer "${layerName}" has no georeference: it is shown in pixel space (1 pixel = 1 map unit at null island), not at its place on Earth.`]
      : this.get("warnings");
    const fit = !this.#fitted;
    this.#fitted = true;
    this.set({
      layers: [...this.layers, layer],
      ...(embed ? { embeds: { ...this.get("embeds"), [id]: embed } } : {}),
      layer_visible: { ...this.get("layer_visible"), [id]: vis.visible ?? true },
      layer_opacity: { ...this.get("layer_opacity"), [id]: vis.opacity ?? 1 },
      layer_order: [...this.get("layer_order"), id],
      layer_time: { ...this.get("layer_time"), [id]: 0 },
      warnings,
      ...(fit ? { fit_bounds: layer.bounds, center: [(s + n) / 2, (w + e) / 2] as [number, number], zoom: Math.max(0, p0.nativeZoom() - 1) } : {}),
    });
  }

  /**
   * Add GeoJSON (a FeatureCollection, Feature or geometry in longitude/latitude) as a vector layer,
   * styled by `style` and optionally coloured by a categorical property; clicking a feature shows
   * its properties.
   * @example
   * ```ts
   * map.addGeoJSON(fields, { colorBy: "crop", colors: { soy: "#e6ab02", maize: "#66a61e" }, fillOpacity: 0.4 }, "Fields");
   * ```
   */
  addGeoJSON(geojson: Record<string, unknown>, style: Partial<VectorStyle> & { visible?: boolean } = {}, name?: string): void {
    const layerName = name ?? `Layer ${this.layers.length + 1}`;
    if (this.layers.some((l) => l.name === layerName)) throw new MapLayerError(layerName, "a layer with this name is already on the map; pick another name.");
    const fc = toFeatureCollection(geojson, layerName);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    walkCoords(fc, (x, y) => { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); });
    if (!Number.isFinite(minX)) throw new MapLayerError(layerName, "the GeoJSON has no coordinates.");
    if (minX < -180.0001 || maxX > 180.0001 || minY < -90.0001 || maxY > 90.0001) {
      throw new MapLayerError(layerName, `coordinates span x ${minX}…${maxX}, y ${minY}…${maxY}: GeoJSON must be in longitude/latitude (EPSG:4326); reproject it first.`);
    }
    const id = `L${++layerCounter}`;
    const st: VectorStyle = {
      color: style.color ?? "#3388ff", weight: style.weight ?? 2, opacity: style.opacity ?? 1,
      fillColor: style.fillColor ?? style.color ?? "#3388ff", fillOpacity: style.fillOpacity ?? 0.2,
      colorBy: style.colorBy ?? null, colors: style.colors ?? {}, popupProperties: style.popupProperties ?? [],
    };
    if (st.colorBy && Object.keys(st.colors).length === 0) {
      const values = [...new Set(fc.features.map((f) => String((f as { properties?: Record<string, unknown> }).properties?.[st.colorBy!] ?? "")))].sort();
      const pal = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];
      st.colors = Object.fromEntries(values.map((v, i) => [v, pal[i % pal.length]!]));
    }
    const layer: LayerState = {
      id, name: layerName, kind: "geojson", bounds: [[minY, minX], [maxY, maxX]], vis: null, band_names: [], data_version: 1,
      frames: [], pixel_space: false, max_native_zoom: 22, geojson: fc as unknown as Record<string, unknown>, style: st,
    };
    const fit = !this.#fitted;
    this.#fitted = true;
    this.set({
      layers: [...this.layers, layer],
      layer_visible: { ...this.get("layer_visible"), [id]: style.visible ?? true },
      layer_opacity: { ...this.get("layer_opacity"), [id]: 1 },
      layer_order: [...this.get("layer_order"), id],
      ...(fit ? { fit_bounds: layer.bounds } : {}),
    });
  }

  /**
   * Change a raster layer's vis params. Palette, min/max, gamma, classes and opacity are re-applied
   * in the browser to the tiles it already has (no tile is asked again); changing `bands` makes the
   * browser fetch new tiles.
   * @example
   * ```ts
   * await map.setVis("NDVI", { palette: "viridis", min: 0, max: 0.9 });
   * ```
   */
  async setVis(name: string, vis: VisParams): Promise<void> {
    const l = this.#rasterByName(name);
    const merged: VisParams = { ...l.vis, ...vis };
    if (vis.palette !== undefined && vis.classes === undefined) delete merged.classes;
    if (vis.classes !== undefined && vis.palette === undefined) delete merged.palette;
    const bands = resolveBands(l.frames[0]!, merged, name);
    const sameBands = bands.length === l.pyramids[0]!.bands.length && bands.every((b, i) => b === l.pyramids[0]!.bands[i]);
    if (!sameBands) {
      const proj = l.pyramids[0]!.proj;
      l.pyramids = l.frames.map((f) => new TilePyramid(f, bands, { name, proj }));
      if (vis.min === undefined) delete merged.min;
      if (vis.max === undefined) delete merged.max;
    }
    const needsSample = !merged.classes && (merged.min === undefined || merged.max === undefined);
    const sample = needsSample ? await l.pyramids[0]!.sample(1024) : null;
    const resolved = resolveVis(merged, bands.length, name, () => sample);
    l.vis = merged;
    l.resolved = resolved;
    const names = bandNames(l.frames[0]!);
    const embed = sameBands ? undefined : await this.#embed(l.pyramids);
    const oldEmbed = embed ? this.get("embeds")[l.id] : undefined;
    this.set({
      layers: this.layers.map((x) => (x.id === l.id ? { ...x, vis: resolved, band_names: bands.map((b) => names[b - 1]!), data_version: x.data_version + (sameBands ? 0 : 1) } : x)),
      ...(vis.opacity !== undefined ? { layer_opacity: { ...this.get("layer_opacity"), [l.id]: vis.opacity } } : {}),
      ...(vis.visible !== undefined ? { layer_visible: { ...this.get("layer_visible"), [l.id]: vis.visible } } : {}),
      ...(embed ? { embeds: { ...this.get("embeds"), [l.id]: embed } } : {}),
    });
    oldEmbed?.close();
  }

  /** Set a layer's opacity (0–1). */
  setOpacity(name: string, opacity: number): void {
    if (!(opacity >= 0 && opacity <= 1)) throw new MapLayerError(name, `opacity must be between 0 and 1, got ${opacity}.`);
    this.set({ layer_opacity: { ...this.get("layer_opacity"), [this.#idOf(name)]: opacity } });
  }

  /** Show or hide a layer. */
  setVisible(name: string, visible: boolean): void {
    this.set({ layer_visible: { ...this.get("layer_visible"), [this.#idOf(name)]: visible } });
  }

  /** Show time step `t` of a time-series layer. */
  setTime(name: string, t: number): void {
    const id = this.#idOf(name);
    const n = this.layers.find((l) => l.id === id)!.frames.length;
    if (!Number.isInteger(t) || t < 0 || t >= n) throw new MapLayerError(name, `time step ${t} is out of range 0..${n - 1}.`);
    this.set({ layer_time: { ...this.get("layer_time"), [id]: t } });
  }

  /** Remove a layer. */
  removeLayer(name: string): void {
    const id = this.#idOf(name);
    this.#raster.delete(id);
    const sw = this.get("swipe_layers");
    const drop = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== id));
    const embed = this.get("embeds")[id];
    this.set({
      layers: this.layers.filter((l) => l.id !== id), embeds: drop(this.get("embeds")),
      layer_visible: drop(this.get("layer_visible")), layer_opacity: drop(this.get("layer_opacity")),
      layer_time: drop(this.get("layer_time")), layer_order: this.get("layer_order").filter((x) => x !== id),
      ...(sw && (sw.left === id || sw.right === id) ? { swipe_layers: null } : {}),
    });
    embed?.close();
  }

  /**
   * Compare two layers with a swipe divider: `left` shows left of it, `right` right of it.
   * `swipe(null)` ends the comparison.
   * @example
   * ```ts
   * map.swipe("Prediction", "Landsat RGB");
   * ```
   */
  swipe(left: string | null, right?: string): void {
    if (left === null) {
      this.set({ swipe_layers: null });
      return;
    }
    if (right === undefined) throw new MapLayerError(left, "swipe needs two layer names: swipe(left, right).");
    const l = this.#idOf(left), r = this.#idOf(right);
    this.set({ swipe_layers: { left: l, right: r }, layer_visible: { ...this.get("layer_visible"), [l]: true, [r]: true } });
  }

  /** Fit the view to a layer's bounds. */
  fitLayer(name: string): void {
    const l = this.layers.find((x) => x.id === this.#idOf(name))!;
    this.set({ fit_bounds: l.bounds });
    if (this.live) this.sendCustom({ event: "fit", bounds: l.bounds });
  }

  /**
   * Run `fn` on every click on the map, with the location and the values of every raster layer
   * there. What it returns (text, an object shown as a table, `{ html }`, or a Promise of these)
   * is shown in the click popup under the values. Returns a remover.
   * @example
   * ```ts
   * map.onClick(async (ev) => {
   *   const { row, col } = ev.layers[0]!;
   *   const patch = await src.read({ window: { col: Math.max(0, col - 16), row: Math.max(0, row - 16), width: 32, height: 32 } });
   *   const res = await classify(model, [patch], { progress: false });   // your patch classifier
   *   return { class: res.classes[res.labels[0]!], p: res.confidence[0]!.toFixed(2) };
   * });
   * ```
   */
  onClick(fn: (ev: MapClickEvent) => ClickHookResult | Promise<ClickHookResult>): () => void {
    this.#clickHooks.add(fn);
    return () => this.#clickHooks.delete(fn);
  }

  /**
   * Run `fn` whenever a rectangle or polygon is drawn in the browser, reshaped (click it, drag a
   * vertex) or deleted (its ✕); it gets the action, the shape's id, the shape in longitude/latitude
   * and in each raster layer's CRS, with the pixel window it covers. Returns a remover.
   * @example
   * ```ts
   * map.onDraw(async (ev) => {
   *   if (ev.action === "delete") return;
   *   const win = ev.layers["Landsat RGB"]?.window;
   *   if (win) console.log(ev.id, await src.read({ window: win, bands: [4] }));
   * });
   * ```
   */
  onDraw(fn: (ev: MapDrawEvent) => void | Promise<void>): () => void {
    this.#drawHooks.add(fn);
    return () => this.#drawHooks.delete(fn);
  }

  /** Shapes drawn so far (edited ones as they are now), as a longitude/latitude GeoJSON FeatureCollection. */
  get drawn(): { type: "FeatureCollection"; features: unknown[] } {
    return this.get("drawn");
  }

  /** The embedded bounded pyramid of every raster layer (layer id → grids), as plain data. */
  embedData(): Record<string, MapEmbedProps> {
    return Object.fromEntries(Object.entries(this.get("embeds")).map(([k, w]) => [k, w.data()]));
  }

  /** Close the map and the models of its embedded pixels. */
  override close(): void {
    const embeds = Object.values(this.get("embeds"));
    super.close();
    for (const e of embeds) e.close();
  }

  /** Remove the shapes drawn so far (from the map and from {@link drawn}). */
  clearDrawn(): void {
    this.set({ drawn: { type: "FeatureCollection", features: [] } });
  }

  /**
   * Remove one drawn shape by its id (from the map and from {@link drawn}); false when there is none.
   * @example
   * ```ts
   * map.removeDrawn(map.drawn.features.length ? (map.drawn.features[0] as { properties: { id: number } }).properties.id : -1);
   * ```
   */
  removeDrawn(id: number): boolean {
    const features = this.drawn.features as DrawnFeature[];
    const kept = features.filter((f) => f.properties?.id !== id);
    if (kept.length === features.length) return false;
    this.set({ drawn: { type: "FeatureCollection", features: kept } });
    return true;
  }

  /** The last click seen (with layer values), or null. */
  get lastClick(): MapClickEvent | null {
    return this.#lastClick;
  }

  /** The layers (as the view sees them). */
  get layers(): LayerState[] {
    return this.get("layers");
  }

  /** Wait until every tile/click/draw answer started so far has been sent (for scripts and tests). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * The click computation without a browser: the values of every raster layer at a
   * longitude/latitude, as {@link onClick} hooks receive them.
   * @example
   * ```ts
   * const ev = await map.inspect(-34.85, -8.0);
   * ev.layers[0]?.values; // { B1: 74, B2: 61, ... }
   * ```
   */
  async inspect(lon: number, lat: number, zoom = this.get("zoom")): Promise<MapClickEvent> {
    const [x, y] = lonLatTo3857(lon, lat);
    const layers: MapClickEvent["layers"] = [];
    for (const id of this.get("layer_order")) {
      const l = this.#raster.get(id);
      if (!l) continue;
      const t = this.get("layer_time")[id] ?? 0;
      const p = l.pyramids[t]!;
      const [col, row] = p.mercToPixel(x, y);
      const values = await p.valuesAt(col, row);
      if (!values) continue;
      const [lx, ly] = p.mercToSource(x, y);
      const names = bandNames(l.frames[t]!);
      layers.push({ name: l.name, crs: l.crsLabel, layerX: lx, layerY: ly, col: Math.floor(col), row: Math.floor(row), t, values: Object.fromEntries(names.map((n, i) => [n, values[i]!])) });
    }
    return { lon, lat, x, y, zoom, layers };
  }

  protected override fallbackText(): string {
    const names = this.layers.map((l) => `${l.name} (${l.kind})`);
    return `Map with ${this.layers.length} layer(s)${names.length ? ": " + names.join(", ") : ""}`;
  }

  protected override fallbackBundle(): Record<string, unknown> {
    const png = mapFallbackPng(this.layers, this.embedData(), this.get("layer_visible"), this.get("layer_opacity"), this.get("layer_order"));
    return {
      ...(png ? { "image/png": Buffer.from(png).toString("base64") } : {}),
      "text/html": mapFallbackHtml(this.layers, png),
    };
  }

  #idOf(name: string): string {
    const l = this.layers.find((x) => x.name === name || x.id === name);
    if (!l) throw new MapLayerError(name, `no such layer; layers on the map: ${this.layers.map((x) => `"${x.name}"`).join(", ") || "none"}.`);
    return l.id;
  }

  #rasterByName(name: string): RasterLayer {
    const l = this.#raster.get(this.#idOf(name));
    if (!l) throw new MapLayerError(name, "is a vector layer; vis params apply to raster layers.");
    return l;
  }

  async #embed(pyramids: TilePyramid[], signal?: AbortSignal): Promise<MapEmbed | undefined> {
    if (this.#embedMax <= 0) return undefined;
    const p0 = pyramids[0]!;
    const b = p0.mercatorBounds();
    const bw = b[2] - b[0], bh = b[3] - b[1];
    // Two embedded pixels per source pixel along the long side (so the second nearest-neighbour
    // resampling in the page rarely picks a neighbour), at most embedMaxSize.
    const long = Math.min(this.#embedMax, 2 * Math.max(p0.source.width, p0.source.height));
    const width = Math.max(1, Math.round(bw >= bh ? long : (long * bw) / bh));
    const height = Math.max(1, Math.round(bh >= bw ? long : (long * bh) / bw));
    const frames: ShapedArray[] = [];
    const masks: (ShapedArray | null)[] = [];
    for (const p of pyramids) {
      const g = await p.render(b, width, height, signal);
      const nb = p.bands.length;
      const Ctor = (g?.bands[0]?.constructor ?? Float32Array) as Float32ArrayConstructor;
      const all = new Ctor(nb * width * height);
      if (g) g.bands.forEach((band, i) => all.set(band as Float32Array, i * width * height));
      frames.push(new ShapedArray(all, [nb, height, width]));
      masks.push(g === null ? new ShapedArray(new Uint8Array(width * height), [height, width]) : g.mask ? new ShapedArray(g.mask, [height, width]) : null);
    }
    return new MapEmbed({ bounds: b, width, height, frames, masks }, { registry: this.#registry });
  }

  #track<T>(p: Promise<T>): void {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  #onMessage(msg: MapToKernel): void {
    switch (msg.event) {
      case "tile": this.#track(this.#answerTile(msg)); return;
      case "click": this.#track(this.#answerClick(msg.lon, msg.lat, msg.zoom, msg.id)); return;
      case "draw": this.#track(this.#answerDraw(msg.geometry, msg.shape)); return;
      case "draw_edit": this.#track(this.#answerDrawEdit(msg.id, msg.geometry)); return;
      case "draw_delete": this.#track(this.#answerDrawDelete(msg.id)); return;
      case "cancel": return;
      default: console.warn(`ai4eo Map: unknown message ${JSON.stringify((msg as { event?: unknown }).event)} from the browser; ignored.`);
    }
  }

  async #answerTile(req: TileRequest): Promise<void> {
    const l = this.#raster.get(req.layer);
    const base = { event: "tile" as const, id: req.id, layer: req.layer, size: 256 };
    if (!l) {
      this.sendCustom({ ...base, empty: true, dtype: "uint8", bands: 0, masked: false });
      return;
    }
    let tile: TileData | null = null;
    try {
      const p = l.pyramids[Math.max(0, Math.min(l.pyramids.length - 1, req.t | 0))]!;
      const z = req.z | 0, n = 2 ** z;
      tile = req.x >= 0 && req.x < n && req.y >= 0 && req.y < n ? await p.tile(z, req.x, req.y) : null;
    } catch (e) {
      if (this.closed) return;
      this.sendCustom({ ...base, empty: true, dtype: "uint8", bands: 0, masked: false, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (this.closed) return;
    this.tilesServed++;
    if (!tile) {
      this.sendCustom({ ...base, empty: true, dtype: "uint8", bands: 0, masked: false });
      return;
    }
    const buffers = tile.bands.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    if (tile.mask) buffers.push(tile.mask);
    this.tileBytes += buffers.reduce((a, b) => a + b.byteLength, 0);
    this.sendCustom({ ...base, empty: false, dtype: tile.dtype, bands: tile.bands.length, masked: tile.mask !== null }, buffers);
  }

  async #answerClick(lon: number, lat: number, zoom: number, id: number): Promise<void> {
    const ev = await this.inspect(lon, lat, zoom);
    this.#lastClick = ev;
    const results: ClickHookResult[] = [];
    for (const fn of [...this.#clickHooks]) {
      try {
        results.push(await fn(ev));
      } catch (e) {
        results.push({ html: `<span class="ai4eo-map-error">${escapeHtml(e instanceof Error ? e.message : String(e))}</span>` });
      }
    }
    if (!this.closed && this.live) this.sendCustom({ event: "popup", id, lat, lon, html: popupHtml(ev, results) });
  }

  async #answerDraw(geometry: { type: "Polygon"; coordinates: number[][][] }, shape: "rectangle" | "polygon"): Promise<void> {
    if (!isPolygon(geometry)) {
      console.warn("ai4eo Map: a drawn shape without a Polygon geometry; ignored.");
      return;
    }
    const id = ++this.#drawCount;
    const feature: DrawnFeature = { type: "Feature", properties: { shape, id }, geometry };
    this.set({ drawn: { type: "FeatureCollection", features: [...this.drawn.features, feature] } });
    await this.#runDrawHooks({ action: "create", id, shape, feature, layers: this.#drawLayers(geometry) });
  }

  async #answerDrawEdit(id: number, geometry: { type: "Polygon"; coordinates: number[][][] }): Promise<void> {
    const features = this.drawn.features as DrawnFeature[];
    const old = features.find((f) => f.properties?.id === id);
    if (!old || !isPolygon(geometry)) {
      console.warn(`ai4eo Map: an edit of drawn shape ${id}, which ${old ? "came without a Polygon geometry" : "is not on the map (cleared from the kernel?)"}; ignored.`);
      return;
    }
    const feature: DrawnFeature = { type: "Feature", properties: { ...old.properties }, geometry };
    this.set({ drawn: { type: "FeatureCollection", features: features.map((f) => (f === old ? feature : f)) } });
    await this.#runDrawHooks({ action: "edit", id, shape: feature.properties.shape, feature, layers: this.#drawLayers(geometry) });
  }

  async #answerDrawDelete(id: number): Promise<void> {
    const old = (this.drawn.features as DrawnFeature[]).find((f) => f.properties?.id === id);
    if (!old) return; // already gone (cleared from the kernel)
    this.removeDrawn(id);
    await this.#runDrawHooks({ action: "delete", id, shape: old.properties.shape, feature: old, layers: this.#drawLayers(old.geometry) });
  }

  async #runDrawHooks(ev: MapDrawEvent): Promise<void> {
    for (const fn of [...this.#drawHooks]) {
      try {
        await fn(ev);
      } catch (e) {
        console.error(`ai4eo Map: an onDraw hook threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
  }

  /** A lon/lat polygon in every raster layer's CRS, with the pixel window it covers. */
  #drawLayers(geometry: { type: "Polygon"; coordinates: number[][][] }): MapDrawEvent["layers"] {
    const layers: MapDrawEvent["layers"] = {};
    for (const l of this.#raster.values()) {
      const p = l.pyramids[0]!;
      const coords = geometry.coordinates.map((ring) => ring.map(([lon, lat]) => {
        const [mx, my] = lonLatTo3857(lon!, lat!);
        return p.mercToSource(mx, my);
      }));
      let c0 = Infinity, r0 = Infinity, c1 = -Infinity, r1 = -Infinity;
      for (const [lon, lat] of geometry.coordinates[0] ?? []) {
        const [mx, my] = lonLatTo3857(lon!, lat!);
        const [c, r] = p.mercToPixel(mx, my);
        c0 = Math.min(c0, c); c1 = Math.max(c1, c); r0 = Math.min(r0, r); r1 = Math.max(r1, r);
      }
      const W = p.source.width, H = p.source.height;
      const col = Math.max(0, Math.floor(c0)), row = Math.max(0, Math.floor(r0));
      const colEnd = Math.min(W, Math.ceil(c1)), rowEnd = Math.min(H, Math.ceil(r1));
      layers[l.name] = { coordinates: coords, window: colEnd > col && rowEnd > row ? { col, row, width: colEnd - col, height: rowEnd - row } : null };
    }
    return layers;
  }
}

type DrawnFeature = MapDrawEvent["feature"] & { properties: { shape: "rectangle" | "polygon"; id: number } };

function isPolygon(g: unknown): g is { type: "Polygon"; coordinates: number[][][] } {
  const x = g as { type?: unknown; coordinates?: unknown } | null;
  return x?.type === "Polygon" && Array.isArray(x.coordinates) && x.coordinates.every((r) => Array.isArray(r) && r.every((p) => Array.isArray(p) && p.length >= 2 && p.every((v) => typeof v === "number" && Number.isFinite(v))));
}

/**
 * A paletted band (GDAL colour interpretation "palette" with a colour table) shows as a categorical
 * layer: one class per value present (in a coarse sample), coloured by the file's table.
 */
async function paletteClasses(src: RasterSourceLike, band: number, p: TilePyramid, signal?: AbortSignal): Promise<ClassEntry[] | undefined> {
  const s = src as RasterSourceLike & { colorInterp?: string[]; colormap?: [number, number, number, number][] };
  if (s.colorInterp?.[band - 1] !== "palette" || !s.colormap) return undefined;
  const { bands } = await p.sample(1024, signal);
  const present = new Set<number>();
  for (const v of bands[0]!) present.add(v);
  const nd = src.nodata[band - 1];
  const hex = (c: [number, number, number, number]) => "#" + c.slice(0, 3).map((v) => v.toString(16).padStart(2, "0")).join("");
  return [...present].filter((v) => v !== nd && s.colormap![v] && s.colormap![v]![3] > 0).sort((a, b) => a - b)
    .map((v) => ({ value: v, label: String(v), color: hex(s.colormap![v]!) }));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function fmt(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toExponential(3) : v.toFixed(4);
  return escapeHtml(String(v));
}

/** The HTML of the click popup: location, per-layer values, and hook results. */
export function popupHtml(ev: MapClickEvent, results: ClickHookResult[]): string {
  const parts = [`<div class="ai4eo-map-popup"><div><b>${ev.lat.toFixed(5)}, ${ev.lon.toFixed(5)}</b> <small>EPSG:3857 ${ev.x.toFixed(1)}, ${ev.y.toFixed(1)}</small></div>`];
  for (const l of ev.layers) {
    const rows = Object.entries(l.values).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${fmt(v)}</td></tr>`).join("");
    parts.push(`<div class="ai4eo-map-popup-layer" data-layer="${escapeHtml(l.name)}"><b>${escapeHtml(l.name)}</b> <small>row ${l.row}, col ${l.col} · ${escapeHtml(l.crs)} ${l.layerX.toFixed(1)}, ${l.layerY.toFixed(1)}</small><table>${rows}</table></div>`);
  }
  if (ev.layers.length === 0) parts.push("<div><i>no raster data here</i></div>");
  for (const r of results) {
    if (r === undefined || r === null) continue;
    let html: string;
    if (typeof r === "string" || typeof r === "number") html = `<pre>${escapeHtml(String(r))}</pre>`;
    else if (typeof (r as { html?: unknown }).html === "string") html = (r as { html: string }).html;
    else html = `<table>${Object.entries(r).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${fmt(typeof v === "object" ? JSON.stringify(v) : v)}</td></tr>`).join("")}</table>`;
    parts.push(`<div class="ai4eo-map-popup-hook">${html}</div>`);
  }
  parts.push("</div>");
  return parts.join("");
}

function toFeatureCollection(g: Record<string, unknown>, layer: string): { type: "FeatureCollection"; features: Record<string, unknown>[] } {
  const type = g["type"];
  if (type === "FeatureCollection" && Array.isArray(g["features"])) return g as never;
  if (type === "Feature") return { type: "FeatureCollection", features: [g] };
  if (typeof type === "string" && ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"].includes(type)) {
    return { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: g }] };
  }
  throw new MapLayerError(layer, `not GeoJSON: "type" is ${JSON.stringify(type)}; give a FeatureCollection, Feature or geometry.`);
}

function walkCoords(v: unknown, fn: (x: number, y: number) => void): void {
  if (Array.isArray(v)) {
    if (v.length >= 2 && typeof v[0] === "number" && typeof v[1] === "number") fn(v[0], v[1]);
    else for (const x of v) walkCoords(x, fn);
  } else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o["coordinates"]) walkCoords(o["coordinates"], fn);
    if (o["geometry"]) walkCoords(o["geometry"], fn);
    if (Array.isArray(o["features"])) for (const f of o["features"]) walkCoords(f, fn);
    if (Array.isArray(o["geometries"])) for (const f of o["geometries"]) walkCoords(f, fn);
  }
}

export type { EmbedState };
