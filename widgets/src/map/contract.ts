/**
 * The kernel ↔ view contract of the Map widget: synced state, layer descriptions and the custom
 * messages (tile requests/answers, clicks, popups, drawings). Types only; both the kernel side
 * (kernel/src/widgets/map) and the browser view (widgets/src/map) import it, so a renamed field
 * fails the type check on both sides. `test/widgets/map/contract.test.ts` checks it at compile time.
 *
 * @example
 * ```ts
 * import type { MapState } from "../../../widgets/src/map/contract.js";
 * const s: Partial<MapState> = { center: [-7.95, -34.9], zoom: 12 };
 * ```
 * @module
 */
import type { BaseModelState, TypedArrayJSON } from "../contract.js";

/** Element types of tile pixels on the wire. */
export type TileDType = "uint8" | "int8" | "uint16" | "int16" | "float32";

/** One class of a categorical layer: its value, label and CSS colour. */
export interface ClassEntry {
  value: number;
  label: string;
  color: string;
}

/**
 * Resolved visualisation parameters of a raster layer, as the view applies them to raw tile values
 * (the kernel resolves names, percentiles and colormaps before sending).
 */
export interface ResolvedVis {
  /** 1 (single band, optionally with a palette) or 3 (RGB) data bands per tile. */
  bands: number;
  /** Value mapped to 0 per data band. */
  min: number[];
  /** Value mapped to 1 per data band. */
  max: number[];
  /** Gamma per data band (1 = linear). */
  gamma: number[];
  /** Colours (`#rrggbb`) of a continuous palette for single-band layers; empty for grey/RGB. */
  palette: string[];
  /** Class → colour table of a categorical layer (then min/max/palette are unused). */
  classes: ClassEntry[] | null;
}

/** A raster or vector layer as the view sees it. */
export interface LayerState {
  /** Stable id, unique in the map. */
  id: string;
  /** Name shown in the layer control. */
  name: string;
  kind: "raster" | "geojson";
  /** Longitude/latitude bounds `[[south, west], [north, east]]`. */
  bounds: [[number, number], [number, number]];
  /** Raster layers: vis params; null for vectors. */
  vis: ResolvedVis | null;
  /** Raster layers: band labels of the data bands (for the legend and the inspector). */
  band_names: string[];
  /** Raster layers: data version; a change makes the view drop cached tiles and ask again. */
  data_version: number;
  /** Raster layers: labels of the time steps (a time-series layer has more than one). */
  frames: string[];
  /** Raster layers: true when shown in pixel space (no georeference); the view shows the warning. */
  pixel_space: boolean;
  /** Highest zoom the view asks tiles for (native resolution plus two levels). */
  max_native_zoom: number;
  /** Vector layers: a GeoJSON FeatureCollection in longitude/latitude. */
  geojson: { [key: string]: unknown } | null;
  /** Vector layers: style (Leaflet path options) and colouring by property. */
  style: VectorStyle | null;
}

/** Style of a vector layer. */
export interface VectorStyle {
  color: string;
  weight: number;
  opacity: number;
  fillColor: string;
  fillOpacity: number;
  /** Colour features by this property (categorical), with the given value → colour table. */
  colorBy: string | null;
  colors: { [value: string]: string };
  /** Properties shown in the popup (empty = all). */
  popupProperties: string[];
}

/**
 * The bounded pyramid of a raster layer embedded in the widget state for static pages (and for the
 * PNG fallback): one Web Mercator grid per time step with the layer's raw data bands.
 */
export interface EmbedState {
  /** EPSG:3857 `[minX, minY, maxX, maxY]` covered by the grids. */
  bounds: [number, number, number, number];
  width: number;
  height: number;
  /** Per time step: data bands, `shape [bands, height, width]`. */
  frames: TypedArrayJSON[];
  /** Per time step: validity mask (1 = valid), `shape [height, width]`, or null when all valid. */
  masks: (TypedArrayJSON | null)[];
}

/** Optional basemap (none by default: the map works offline). */
export interface Basemap {
  url: string;
  attribution: string;
  maxZoom: number;
}

/** Synced state of the Map widget. */
export interface MapState extends BaseModelState<"MapModel", "MapView"> {
  /** `[lat, lon]`. */
  center: [number, number];
  zoom: number;
  /** Bounds to fit on first render (`[[s, w], [n, e]]`), or null to use center/zoom. */
  fit_bounds: [[number, number], [number, number]] | null;
  /** Height of the map in CSS pixels. */
  height: number;
  basemap: Basemap | null;
  layers: LayerState[];
  /**
   * Layer id → `IPY_MODEL_<id>` of its "MapEmbedModel" (a model without a view whose state is an
   * {@link EmbedState}), for raster layers when embedding is on. One model per layer, so adding a
   * layer sends only that layer's pixels.
   */
  embeds: { [id: string]: string };
  /** Layer id → shown? (the layer control sets it). */
  layer_visible: { [id: string]: boolean };
  /** Layer id → opacity 0–1 (the layer control sets it). */
  layer_opacity: { [id: string]: number };
  /** Layer ids from bottom to top (the layer control sets it). */
  layer_order: string[];
  /** Layer id → time step shown (the time slider sets it). */
  layer_time: { [id: string]: number };
  /** Swipe view: left and right layer ids, or null. */
  swipe_layers: { left: string; right: string } | null;
  /** Divider position of the swipe, 0–1 from the left (the view sets it). */
  swipe_position: number;
  /** Drawing tools shown? */
  draw_tools: boolean;
  /**
   * Shapes drawn so far (longitude/latitude GeoJSON FeatureCollection); each feature's properties
   * hold its `shape` and an `id` unique on this map, by which it is edited or deleted.
   */
  drawn: { type: "FeatureCollection"; features: unknown[] };
  /** Warnings shown above the map (e.g. a layer in pixel space). */
  warnings: string[];
}

/** Fields the view may set. */
export type MapViewWritable = Pick<MapState, "layer_visible" | "layer_opacity" | "layer_order" | "layer_time" | "swipe_position" | "center" | "zoom">;

/** A tile request from the view: tile `x, y` at zoom `z` of layer `layer`, time step `t`. */
export interface TileRequest {
  event: "tile";
  /** Request id, echoed in the answer. */
  id: number;
  layer: string;
  data_version: number;
  t: number;
  z: number;
  x: number;
  y: number;
}

/** Messages the view sends to the kernel. */
export type MapToKernel =
  | TileRequest
  | { event: "click"; lat: number; lon: number; zoom: number; id: number }
  | { event: "draw"; geometry: { type: "Polygon"; coordinates: number[][][] }; shape: "rectangle" | "polygon" }
  /** A drawn shape (feature `properties.id`) was reshaped in the browser: its new geometry. */
  | { event: "draw_edit"; id: number; geometry: { type: "Polygon"; coordinates: number[][][] } }
  /** A drawn shape was deleted in the browser. */
  | { event: "draw_delete"; id: number }
  | { event: "cancel"; ids: number[] };

/**
 * A tile answer: `buffers[0..bands-1]` hold the data bands (`dtype`, 256×256 row-major), and
 * `buffers[bands]` a Uint8 mask (1 = valid) when `masked`; no buffers when `empty`.
 */
export interface TileAnswer {
  event: "tile";
  id: number;
  layer: string;
  empty: boolean;
  dtype: TileDType;
  bands: number;
  size: number;
  masked: boolean;
  /** Set when the kernel could not make the tile (the view shows it in the tile). */
  error?: string;
}

/** Messages the kernel sends to the view. */
export type MapToView =
  | TileAnswer
  | { event: "popup"; id: number; lat: number; lon: number; html: string }
  | { event: "fit"; bounds: [[number, number], [number, number]] };
