/**
 * The Map model and view (Leaflet 1.9). Raster layers are Leaflet grid layers whose tiles come
 * from the kernel over the comm as raw typed arrays (live) or are cut from the bounded pyramid
 * embedded in the widget state (static pages); they are coloured here with the layer's vis params,
 * so palette/min/max/gamma/opacity changes re-render the tiles in hand without asking the kernel.
 * Adds a layer panel (visibility, opacity, order, legends, time sliders), scale bar, coordinates,
 * full-screen, inspector popups, swipe, drawing and GeoJSON layers.
 * @module
 */
import { DOMWidgetModel, DOMWidgetView, WidgetModel, unpack_models, type ISerializers } from "@jupyter-widgets/base";
import * as L from "leaflet";
import "leaflet/dist/leaflet.css";
import "./map.css";
import type { TypedArrayJSON } from "../contract.js";
import type { EmbedState, LayerState, MapState, MapToKernel, MapToView, ResolvedVis, TileAnswer } from "./contract.js";
import { lonLatTo3857, paletteLut, renderPixels, tileBounds3857 } from "./render.js";
import { MODULE_NAME, MODULE_VERSION } from "../version.js";

type Raw = ArrayLike<number>;
/** Raw pixels of one tile, as received or cut from the embed. */
interface RawTile {
  bands: Raw[];
  mask: Uint8Array | null;
  size: number;
}

const MAP_DEFAULTS: Omit<MapState, "layout"> = {
  _model_name: "MapModel", _model_module: MODULE_NAME, _model_module_version: MODULE_VERSION,
  _view_name: "MapView", _view_module: MODULE_NAME, _view_module_version: MODULE_VERSION,
  center: [0, 0], zoom: 2, fit_bounds: null, height: 480, basemap: null, layers: [], embeds: {},
  layer_visible: {}, layer_opacity: {}, layer_order: [], layer_time: {}, swipe_layers: null, swipe_position: 0.5,
  draw_tools: true, drawn: { type: "FeatureCollection", features: [] }, warnings: [],
};

/** The browser-side Map model; `embeds` holds the layers' MapEmbedModels. */
export class MapModel extends DOMWidgetModel {
  override defaults(): Record<string, unknown> {
    return { ...super.defaults(), ...MAP_DEFAULTS };
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    embeds: { deserialize: unpack_models as never },
  };
}

/** The embedded pixels of one raster layer (a model without a view). */
export class MapEmbedModel extends WidgetModel {
  override defaults(): Record<string, unknown> {
    return {
      ...super.defaults(),
      _model_name: "MapEmbedModel", _model_module: MODULE_NAME, _model_module_version: MODULE_VERSION,
      _view_name: null, _view_module: MODULE_NAME, _view_module_version: MODULE_VERSION,
      bounds: [0, 0, 0, 0], width: 0, height: 0, frames: [], masks: [],
    };
  }
}

/** The embedded grids of layer `id` of a map model, or undefined. */
function embedOf(model: { get(k: string): unknown }, id: string): EmbedState | undefined {
  const m = (model.get("embeds") as Record<string, WidgetModel | string> | null)?.[id];
  if (!m || typeof m === "string") return undefined;
  return { bounds: m.get("bounds"), width: m.get("width"), height: m.get("height"), frames: m.get("frames"), masks: m.get("masks") };
}

function bytesOf(d: unknown): { buffer: ArrayBuffer; byteOffset: number; byteLength: number } {
  if (d instanceof ArrayBuffer) return { buffer: d, byteOffset: 0, byteLength: d.byteLength };
  const v = d as ArrayBufferView;
  return { buffer: v.buffer as ArrayBuffer, byteOffset: v.byteOffset, byteLength: v.byteLength };
}

const CTORS = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array,
  float32: Float32Array, float64: Float64Array,
} as const;

/** A typed array over received bytes (copied when misaligned). */
function typed(dtype: keyof typeof CTORS, d: unknown): Raw {
  const C = CTORS[dtype];
  let { buffer, byteOffset, byteLength } = bytesOf(d);
  if (byteOffset % C.BYTES_PER_ELEMENT !== 0) {
    buffer = buffer.slice(byteOffset, byteOffset + byteLength);
    byteOffset = 0;
  }
  return new C(buffer, byteOffset, byteLength / C.BYTES_PER_ELEMENT);
}

function embedArray(a: TypedArrayJSON): Raw {
  return typed(a.dtype, a.data);
}

/** Cut a 256×256 tile from an embedded grid (nearest neighbour). */
function cutFromEmbed(e: EmbedState, t: number, z: number, x: number, y: number): RawTile | null {
  const frame = e.frames[Math.min(t, e.frames.length - 1)];
  if (!frame) return null;
  const [minX, minY, maxX, maxY] = tileBounds3857(z, x, y);
  const [eminX, eminY, emaxX, emaxY] = e.bounds;
  if (maxX <= eminX || minX >= emaxX || maxY <= eminY || minY >= emaxY) return null;
  const data = embedArray(frame);
  const maskJ = e.masks[Math.min(t, e.masks.length - 1)];
  const emask = maskJ ? embedArray(maskJ) : null;
  const nb = frame.shape[0]!;
  const S = 256, n = S * S, plane = e.width * e.height;
  const bands = Array.from({ length: nb }, () => new Float32Array(n));
  const mask = new Uint8Array(n);
  for (let j = 0; j < S; j++) {
    const my = maxY - ((j + 0.5) / S) * (maxY - minY);
    const ey = Math.floor(((emaxY - my) / (emaxY - eminY)) * e.height);
    if (ey < 0 || ey >= e.height) continue;
    for (let i = 0; i < S; i++) {
      const mx = minX + ((i + 0.5) / S) * (maxX - minX);
      const ex = Math.floor(((mx - eminX) / (emaxX - eminX)) * e.width);
      if (ex < 0 || ex >= e.width) continue;
      const s = ey * e.width + ex;
      if (emask && !emask[s]) continue;
      mask[j * S + i] = 1;
      for (let b = 0; b < nb; b++) bands[b]![j * S + i] = data[b * plane + s]!;
    }
  }
  return { bands, mask, size: S };
}

/** Values of every data band of an embedded grid at a longitude/latitude, or null outside. */
function embedValuesAt(e: EmbedState, t: number, lon: number, lat: number): number[] | null {
  const [mx, my] = lonLatTo3857(lon, lat);
  const [eminX, eminY, emaxX, emaxY] = e.bounds;
  const ex = Math.floor(((mx - eminX) / (emaxX - eminX)) * e.width);
  const ey = Math.floor(((emaxY - my) / (emaxY - eminY)) * e.height);
  if (ex < 0 || ey < 0 || ex >= e.width || ey >= e.height) return null;
  const frame = e.frames[Math.min(t, e.frames.length - 1)]!;
  const maskJ = e.masks[Math.min(t, e.masks.length - 1)];
  const s = ey * e.width + ex;
  if (maskJ && !embedArray(maskJ)[s]) return null;
  const data = embedArray(frame);
  return Array.from({ length: frame.shape[0]! }, (_, b) => Number(data[b * e.width * e.height + s]));
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toExponential(3) : v.toFixed(4);
}

/** What tests and users can read from a rendered map (on `window.ai4eoMaps`). */
export interface MapViewProbe {
  modelId: string;
  map: L.Map;
  /** Tile requests sent to the kernel, as `layer/z/x/y/t`. */
  requested: string[];
  /** Tile answers received. */
  received: number;
  /** Tiles coloured (first draws and re-renders). */
  rendered: number;
  /** Messages sent to the kernel, by event. */
  sent: Record<string, number>;
  live: boolean;
  /** Start drawing a shape programmatically (as the toolbar buttons do). */
  startDraw(shape: "rectangle" | "polygon"): void;
  /** The drawn shapes as the view's model holds them (on a static page, the only copy). */
  drawn(): MapState["drawn"];
}

declare global {
  interface Window {
    ai4eoMaps?: MapViewProbe[];
  }
}

/** Style of drawn shapes (selected ones are drawn solid and thicker). */
const DRAWN_STYLE: L.PathOptions = { color: "#ff7800", weight: 2, fillOpacity: 0.1, dashArray: "4 3" };

/** One raster layer on the Leaflet map. */
class KernelLayer {
  readonly grid: L.GridLayer;
  /** Raw tiles by `z/x/y/t` (LRU). */
  readonly raw = new Map<string, RawTile | null>();
  /** Canvases on the map by key. */
  readonly shown = new Map<string, HTMLCanvasElement>();
  state: LayerState;
  /** Time step whose tiles are on the map. */
  shownT: number;

  constructor(readonly view: MapView, state: LayerState) {
    this.state = state;
    this.shownT = (view.model.get("layer_time") as Record<string, number>)[state.id] ?? 0;
    const self = this;
    const Grid = L.GridLayer.extend({
      createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 256;
        self.fill(canvas, coords, done);
        return canvas;
      },
    });
    this.grid = new (Grid as unknown as new (o: L.GridLayerOptions) => L.GridLayer)({
      maxNativeZoom: state.max_native_zoom, maxZoom: 24, keepBuffer: 1, updateWhenZooming: false,
      bounds: L.latLngBounds(state.bounds[0], state.bounds[1]), className: `ai4eo-layer-${state.id}`,
    });
    this.grid.on("tileunload", (e: L.TileEvent) => {
      for (const [k, c] of this.shown) if ((c as unknown) === e.tile) this.shown.delete(k);
    });
  }

  get t(): number {
    return (this.view.model.get("layer_time") as Record<string, number>)[this.state.id] ?? 0;
  }

  key(c: { z: number; x: number; y: number }, t = this.t): string {
    return `${c.z}/${c.x}/${c.y}/${t}/${this.state.data_version}`;
  }

  fill(canvas: HTMLCanvasElement, coords: L.Coords, done: L.DoneCallback): void {
    const key = this.key(coords);
    canvas.dataset["key"] = key;
    this.shown.set(key, canvas);
    if (this.raw.has(key)) {
      this.paint(canvas, this.raw.get(key)!);
      setTimeout(() => done(undefined, canvas), 0);
      return;
    }
    const embed = embedOf(this.view.model, this.state.id);
    if (!this.view.live) {
      const tile = embed ? cutFromEmbed(embed, this.t, coords.z, coords.x, coords.y) : null;
      this.store(key, tile);
      this.paint(canvas, tile);
      setTimeout(() => done(undefined, canvas), 0);
      return;
    }
    this.view.requestTile(this, key, coords, this.t, (tile) => {
      this.store(key, tile);
      const c = this.shown.get(key);
      if (c) this.paint(c, tile);
      done(undefined, canvas);
    });
  }

  store(key: string, tile: RawTile | null): void {
    this.raw.set(key, tile);
    while (this.raw.size > 768) this.raw.delete(this.raw.keys().next().value!);
  }

  paint(canvas: HTMLCanvasElement, tile: RawTile | null): void {
    const ctx = canvas.getContext("2d")!;
    if (!tile || !this.state.vis) {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    const img = ctx.createImageData(tile.size, tile.size);
    renderPixels(this.state.vis, tile.bands, tile.mask, tile.size * tile.size, img.data);
    ctx.putImageData(img, 0, 0);
    this.view.probe.rendered++;
  }

  /** Re-colour every tile on the map from the raw values in hand (no kernel round trip). */
  repaint(): void {
    for (const [k, c] of this.shown) if (this.raw.has(k)) this.paint(c, this.raw.get(k)!);
  }
}

/** The browser-side Map view. */
export class MapView extends DOMWidgetView {
  map!: L.Map;
  live = false;
  readonly layers = new Map<string, KernelLayer>();
  readonly vectors = new Map<string, L.GeoJSON>();
  #nextId = 1;
  readonly #pending = new Map<number, (t: RawTile | null) => void>();
  readonly #popups = new Map<number, L.Popup>();
  #panel!: HTMLDivElement;
  #warn!: HTMLDivElement;
  #drawnLayer: L.GeoJSON | null = null;
  #swipe: { divider: HTMLDivElement; range: HTMLInputElement } | null = null;
  #drawing: "rectangle" | "polygon" | null = null;
  #basemap: L.TileLayer | null = null;
  probe!: MapViewProbe;

  override render(): void {
    this.el.classList.add("ai4eo-map");
    this.live = !!this.model.comm && this.model.comm_live !== false;
    this.#warn = document.createElement("div");
    this.#warn.className = "ai4eo-map-warnings";
    this.el.appendChild(this.#warn);
    const box = document.createElement("div");
    box.className = "ai4eo-map-box";
    box.style.height = `${this.model.get("height") as number}px`;
    box.style.position = "relative";
    this.el.appendChild(box);
    const container = document.createElement("div");
    container.className = "ai4eo-map-leaflet";
    container.style.width = "100%";
    container.style.height = "100%";
    container.style.background = "#dfe3e8";
    box.appendChild(container);
    // No fade-in: a tile shows its final colours as soon as it is drawn (data, not decoration).
    const map = L.map(container, { zoomControl: true, attributionControl: true, doubleClickZoom: true, zoomSnap: 1, fadeAnimation: false });
    this.map = map;
    const center = this.model.get("center") as [number, number];
    map.setView(center, this.model.get("zoom") as number);
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    this.#coordsControl().addTo(map);
    this.#fullscreenControl(box).addTo(map);
    if (this.model.get("draw_tools")) this.#drawControl().addTo(map);
    this.#panel = document.createElement("div");
    this.#panel.className = "ai4eo-map-panel";
    const Panel = L.Control.extend({ onAdd: () => { L.DomEvent.disableClickPropagation(this.#panel); L.DomEvent.disableScrollPropagation(this.#panel); return this.#panel; } });
    new Panel({ position: "topright" }).addTo(map);

    this.probe = {
      modelId: this.model.model_id, map, requested: [], received: 0, rendered: 0, sent: {}, live: this.live,
      startDraw: (s) => this.#startDraw(s),
      drawn: () => this.model.get("drawn") as MapState["drawn"],
    };
    (window.ai4eoMaps ??= []).push(this.probe);
    this.el.dataset["modelId"] = this.model.model_id;

    this.model.on("msg:custom", (content: MapToView, buffers: unknown[]) => this.#onCustom(content, buffers ?? []));
    this.listenTo(this.model, "change:layers change:embeds", () => this.#syncLayers());
    this.listenTo(this.model, "change:layer_visible change:layer_opacity change:layer_order", () => this.#syncDisplay());
    this.listenTo(this.model, "change:layer_time", () => this.#syncTime());
    this.listenTo(this.model, "change:swipe_layers", () => this.#syncSwipe());
    this.listenTo(this.model, "change:drawn", () => this.#syncDrawn());
    this.listenTo(this.model, "change:warnings", () => this.#syncWarnings());
    this.listenTo(this.model, "change:basemap", () => this.#syncBasemap());
    this.listenTo(this.model, "change:fit_bounds", () => this.#fit());
    map.on("click", (e: L.LeafletMouseEvent) => this.#onClick(e));
    map.on("moveend", () => {
      if (!this.live) return;
      const c = map.getCenter();
      this.model.set({ center: [c.lat, c.lng], zoom: map.getZoom() });
      this.model.save_changes();
    });
    map.on("move zoomend resize", () => this.#updateSwipeClip());

    this.#syncBasemap();
    this.#syncWarnings();
    this.#syncLayers();
    this.#syncDrawn();
    void this.displayed.then(() => {
      map.invalidateSize();
      this.#fit();
      this.el.dataset["ai4eoRendered"] = "map";
    });
  }

  #fit(): void {
    const fb = this.model.get("fit_bounds") as MapState["fit_bounds"];
    if (fb) this.map.fitBounds(L.latLngBounds(fb[0], fb[1]), { animate: false });
  }

  #send(msg: MapToKernel): void {
    this.probe.sent[msg.event] = (this.probe.sent[msg.event] ?? 0) + 1;
    this.send(msg);
  }

  requestTile(layer: KernelLayer, key: string, c: L.Coords, t: number, cb: (tile: RawTile | null) => void): void {
    const id = this.#nextId++;
    this.#pending.set(id, cb);
    this.probe.requested.push(`${layer.state.id}/${c.z}/${c.x}/${c.y}/${t}`);
    this.#send({ event: "tile", id, layer: layer.state.id, data_version: layer.state.data_version, t, z: c.z, x: c.x, y: c.y });
    void key;
  }

  #onCustom(msg: MapToView, buffers: unknown[]): void {
    if (msg.event === "tile") {
      const cb = this.#pending.get(msg.id);
      if (!cb) return;
      this.#pending.delete(msg.id);
      this.probe.received++;
      cb(this.#decodeTile(msg, buffers));
    } else if (msg.event === "popup") {
      const p = this.#popups.get(msg.id);
      if (p) {
        p.setContent(msg.html);
        this.#popups.delete(msg.id);
        this.el.dataset["popup"] = String(msg.id);
      }
    } else if (msg.event === "fit") {
      this.map.fitBounds(L.latLngBounds(msg.bounds[0], msg.bounds[1]), { animate: false });
    }
  }

  #decodeTile(msg: TileAnswer, buffers: unknown[]): RawTile | null {
    if (msg.empty || msg.error) {
      if (msg.error) console.warn(`ai4eo map: tile failed: ${msg.error}`);
      return null;
    }
    const bands = Array.from({ length: msg.bands }, (_, i) => typed(msg.dtype, buffers[i]));
    const mask = msg.masked ? (typed("uint8", buffers[msg.bands]) as Uint8Array) : null;
    return { bands, mask, size: msg.size };
  }

  #syncLayers(): void {
    const states = this.model.get("layers") as LayerState[];
    const ids = new Set(states.map((s) => s.id));
    for (const [id, kl] of this.layers) {
      if (!ids.has(id)) { kl.grid.remove(); this.layers.delete(id); }
    }
    for (const [id, v] of this.vectors) {
      if (!ids.has(id)) { v.remove(); this.vectors.delete(id); }
    }
    for (const s of states) {
      if (s.kind === "raster") {
        const kl = this.layers.get(s.id);
        if (!kl) {
          this.layers.set(s.id, new KernelLayer(this, s));
        } else {
          const refetch = kl.state.data_version !== s.data_version;
          kl.state = s;
          if (refetch) kl.grid.redraw();
          else kl.repaint();
        }
      } else if (!this.vectors.has(s.id)) {
        this.vectors.set(s.id, this.#vectorLayer(s));
      }
    }
    this.#syncDisplay();
    this.#syncSwipe();
  }

  #vectorStyle(id: string): ((f: GeoJSON.Feature | undefined) => L.PathOptions) | null {
    const s = (this.model.get("layers") as LayerState[]).find((x) => x.id === id);
    if (!s?.style) return null;
    const st = s.style;
    const colorOf = (f: GeoJSON.Feature | undefined): string => {
      if (!st.colorBy || !f) return st.fillColor;
      return st.colors[String((f.properties as Record<string, unknown> | null)?.[st.colorBy] ?? "")] ?? st.fillColor;
    };
    return (f) => ({ color: st.colorBy ? colorOf(f) : st.color, weight: st.weight, opacity: st.opacity, fillColor: colorOf(f), fillOpacity: st.fillOpacity });
  }

  #vectorLayer(s: LayerState): L.GeoJSON {
    const st = s.style!;
    const colorOf = (f: GeoJSON.Feature | undefined): string => {
      if (!st.colorBy || !f) return st.fillColor;
      return st.colors[String((f.properties as Record<string, unknown> | null)?.[st.colorBy] ?? "")] ?? st.fillColor;
    };
    return L.geoJSON(s.geojson as unknown as GeoJSON.FeatureCollection, {
      style: (f) => ({ color: st.colorBy ? colorOf(f) : st.color, weight: st.weight, opacity: st.opacity, fillColor: colorOf(f), fillOpacity: st.fillOpacity }),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: colorOf(f), fillColor: colorOf(f), fillOpacity: 0.8, weight: 1 }),
      onEachFeature: (f, layer) => {
        const props = (f.properties ?? {}) as Record<string, unknown>;
        const keys = st.popupProperties.length ? st.popupProperties : Object.keys(props);
        if (keys.length === 0) return;
        layer.bindPopup(`<table class="ai4eo-map-props">${keys.map((k) => `<tr><td>${esc(k)}</td><td>${esc(String(props[k] ?? ""))}</td></tr>`).join("")}</table>`);
      },
    });
  }

  #syncDisplay(): void {
    const visible = this.model.get("layer_visible") as Record<string, boolean>;
    const opacity = this.model.get("layer_opacity") as Record<string, number>;
    const order = this.model.get("layer_order") as string[];
    order.forEach((id, i) => {
      const kl = this.layers.get(id);
      const vec = this.vectors.get(id);
      const on = visible[id] !== false;
      const op = opacity[id] ?? 1;
      if (kl) {
        if (on && !this.map.hasLayer(kl.grid)) kl.grid.addTo(this.map);
        if (!on && this.map.hasLayer(kl.grid)) kl.grid.remove();
        kl.grid.setOpacity(op);
        kl.grid.setZIndex(10 + i);
      } else if (vec) {
        if (on && !this.map.hasLayer(vec)) vec.addTo(this.map);
        if (!on && this.map.hasLayer(vec)) vec.remove();
        const base = this.#vectorStyle(id);
        if (base) vec.setStyle((f) => { const st = base(f); return { ...st, opacity: (st.opacity ?? 1) * op, fillOpacity: (st.fillOpacity ?? 0.2) * op }; });
      }
    });
    this.#renderPanel();
    this.#updateSwipeClip();
  }

  #syncTime(): void {
    for (const kl of this.layers.values()) {
      if (kl.t !== kl.shownT) {
        kl.shownT = kl.t;
        kl.grid.redraw();
      }
    }
    this.#renderPanel();
  }

  #renderPanel(): void {
    const states = this.model.get("layers") as LayerState[];
    const order = this.model.get("layer_order") as string[];
    const visible = this.model.get("layer_visible") as Record<string, boolean>;
    const opacity = this.model.get("layer_opacity") as Record<string, number>;
    const times = this.model.get("layer_time") as Record<string, number>;
    const panel = this.#panel;
    panel.innerHTML = "";
    if (states.length === 0) { panel.style.display = "none"; return; }
    panel.style.display = "";
    // Top layer first, as in GIS layer lists.
    for (const id of [...order].reverse()) {
      const s = states.find((x) => x.id === id);
      if (!s) continue;
      const row = document.createElement("div");
      row.className = "ai4eo-map-layer";
      row.dataset["layer"] = s.id;
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.checked = visible[id] !== false;
      cb.title = "show/hide";
      cb.className = "ai4eo-map-visible";
      cb.onchange = () => this.#setDict("layer_visible", id, cb.checked);
      const label = document.createElement("span");
      label.className = "ai4eo-map-name";
      label.textContent = s.name;
      const op = document.createElement("input");
      op.type = "range"; op.min = "0"; op.max = "1"; op.step = "0.05";
      op.value = String(opacity[id] ?? 1);
      op.className = "ai4eo-map-opacity";
      op.title = "opacity";
      op.oninput = () => {
        const kl = this.layers.get(id);
        if (kl) kl.grid.setOpacity(Number(op.value));
      };
      op.onchange = () => this.#setDict("layer_opacity", id, Number(op.value));
      const up = document.createElement("button");
      up.textContent = "▲"; up.title = "move up"; up.className = "ai4eo-map-up";
      up.onclick = () => this.#move(id, +1);
      const down = document.createElement("button");
      down.textContent = "▼"; down.title = "move down"; down.className = "ai4eo-map-down";
      down.onclick = () => this.#move(id, -1);
      const head = document.createElement("div");
      head.className = "ai4eo-map-layer-head";
      head.append(cb, label, up, down);
      row.append(head, op);
      if (s.vis) row.appendChild(legend(s.vis, s.band_names));
      if (s.style?.colorBy) {
        const lg = document.createElement("div");
        lg.className = "ai4eo-map-legend";
        lg.innerHTML = `<div>${esc(s.style.colorBy)}</div>` + Object.entries(s.style.colors)
          .map(([v, c]) => `<div class="ai4eo-map-class"><span style="background:${esc(c)}"></span>${esc(v)}</div>`).join("");
        row.appendChild(lg);
      }
      if (s.frames.length > 1) {
        const t = times[id] ?? 0;
        const slider = document.createElement("input");
        slider.type = "range"; slider.min = "0"; slider.max = String(s.frames.length - 1); slider.step = "1";
        slider.value = String(t);
        slider.className = "ai4eo-map-time";
        const tl = document.createElement("span");
        tl.className = "ai4eo-map-time-label";
        tl.textContent = s.frames[t] ?? "";
        slider.oninput = () => { tl.textContent = s.frames[Number(slider.value)] ?? ""; };
        slider.onchange = () => this.#setDict("layer_time", id, Number(slider.value));
        const tr = document.createElement("div");
        tr.className = "ai4eo-map-time-row";
        tr.append(slider, tl);
        row.appendChild(tr);
      }
      if (s.pixel_space) {
        const w = document.createElement("div");
        w.className = "ai4eo-map-pixel-space";
        w.textContent = "pixel space (no georeference)";
        row.appendChild(w);
      }
      panel.appendChild(row);
    }
  }

  #setDict(field: "layer_visible" | "layer_opacity" | "layer_time", id: string, v: boolean | number): void {
    const cur = this.model.get(field) as Record<string, unknown>;
    this.model.set(field, { ...cur, [id]: v });
    if (this.live) this.model.save_changes();
  }

  #move(id: string, delta: number): void {
    const order = [...(this.model.get("layer_order") as string[])];
    const i = order.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j]!, order[i]!];
    this.model.set("layer_order", order);
    if (this.live) this.model.save_changes();
  }

  #syncWarnings(): void {
    const w = this.model.get("warnings") as string[];
    this.#warn.innerHTML = w.map((s) => `<div class="ai4eo-map-warning">⚠ ${esc(s)}</div>`).join("");
  }

  #syncBasemap(): void {
    this.#basemap?.remove();
    this.#basemap = null;
    const b = this.model.get("basemap") as MapState["basemap"];
    if (b) this.#basemap = L.tileLayer(b.url, { attribution: esc(b.attribution), maxZoom: b.maxZoom, zIndex: 0 }).addTo(this.map);
  }

  #onClick(e: L.LeafletMouseEvent): void {
    if (this.#drawing) return;
    if (this.#selectedId !== null) {
      // A click beside the selected shape ends its editing (and inspects nothing).
      this.#clearSelection();
      return;
    }
    const lat = e.latlng.lat, lon = e.latlng.lng;
    if (this.live) {
      const id = this.#nextId++;
      const popup = L.popup({ maxWidth: 420 }).setLatLng(e.latlng).setContent("<i>inspecting…</i>").openOn(this.map);
      this.#popups.set(id, popup);
      this.#send({ event: "click", lat, lon, zoom: this.map.getZoom(), id });
      return;
    }
    const states = this.model.get("layers") as LayerState[];
    const times = this.model.get("layer_time") as Record<string, number>;
    const parts = [`<div class="ai4eo-map-popup"><div><b>${lat.toFixed(5)}, ${lon.toFixed(5)}</b></div>`];
    for (const id of this.model.get("layer_order") as string[]) {
      const s = states.find((x) => x.id === id);
      const em = embedOf(this.model, id);
      if (!s || !em) continue;
      const vals = embedValuesAt(em, times[id] ?? 0, lon, lat);
      if (!vals) continue;
      parts.push(`<div class="ai4eo-map-popup-layer" data-layer="${esc(s.name)}"><b>${esc(s.name)}</b><table>${vals.map((v, i) => `<tr><td>${esc(s.band_names[i] ?? `band ${i + 1}`)}</td><td>${fmt(v)}</td></tr>`).join("")}</table></div>`);
    }
    parts.push(`<div class="ai4eo-map-note">values from the embedded pixels (static page)</div></div>`);
    L.popup({ maxWidth: 420 }).setLatLng(e.latlng).setContent(parts.join("")).openOn(this.map);
    this.el.dataset["popup"] = "static";
  }

  // ------------------------------------------------------------ swipe

  #syncSwipe(): void {
    const sw = this.model.get("swipe_layers") as MapState["swipe_layers"];
    const box = this.map.getContainer();
    if (!sw) {
      this.#swipe?.divider.remove();
      this.#swipe?.range.remove();
      this.#swipe = null;
      for (const kl of this.layers.values()) { const c = kl.grid.getContainer(); if (c) c.style.clip = ""; }
      return;
    }
    if (!this.#swipe) {
      const divider = document.createElement("div");
      divider.className = "ai4eo-map-swipe-divider";
      const range = document.createElement("input");
      range.type = "range"; range.min = "0"; range.max = "1"; range.step = "any";
      range.className = "ai4eo-map-swipe-range";
      range.value = String(this.model.get("swipe_position") as number);
      L.DomEvent.disableClickPropagation(range);
      L.DomEvent.on(range, "mousedown touchstart pointerdown", (ev) => { L.DomEvent.stopPropagation(ev); this.map.dragging.disable(); });
      L.DomEvent.on(range, "mouseup touchend pointerup", () => this.map.dragging.enable());
      range.oninput = () => this.#updateSwipeClip();
      range.onchange = () => {
        this.model.set("swipe_position", Number(range.value));
        if (this.live) this.model.save_changes();
      };
      box.append(divider, range);
      this.#swipe = { divider, range };
    }
    this.#updateSwipeClip();
  }

  #updateSwipeClip(): void {
    const sw = this.model.get("swipe_layers") as MapState["swipe_layers"];
    if (!sw || !this.#swipe) return;
    const pos = Number(this.#swipe.range.value);
    const size = this.map.getSize();
    const nw = this.map.containerPointToLayerPoint([0, 0]);
    const se = this.map.containerPointToLayerPoint(size);
    const clipX = nw.x + size.x * pos;
    this.#swipe.divider.style.left = `${size.x * pos}px`;
    const left = this.layers.get(sw.left)?.grid.getContainer();
    const right = this.layers.get(sw.right)?.grid.getContainer();
    if (left) left.style.clip = `rect(${nw.y}px, ${clipX}px, ${se.y}px, ${nw.x}px)`;
    if (right) right.style.clip = `rect(${nw.y}px, ${se.x}px, ${se.y}px, ${clipX}px)`;
  }

  // ------------------------------------------------------------ drawing

  /**
   * Show the drawn shapes. Clicking one selects it: a handle on every vertex (drag to reshape; a
   * rectangle's corner keeps it a rectangle) and a ✕ to delete it. Each change goes to the kernel
   * (`draw_edit` / `draw_delete`, which updates `drawn` and runs the onDraw hooks) or, on a static
   * page, straight into the model (the Delete key deletes too). Clicking elsewhere on the map or Esc
   * ends the selection.
   */
  #syncDrawn(): void {
    const selected = this.#selectedId;
    this.#drawnLayer?.remove();
    this.#clearSelection();
    const fc = this.model.get("drawn") as MapState["drawn"];
    this.#drawnLayer = L.geoJSON(fc as unknown as GeoJSON.FeatureCollection, {
      style: () => DRAWN_STYLE,
      onEachFeature: (f, layer) => {
        const id = (f.properties as { id?: unknown } | null)?.id;
        if (typeof id !== "number" || !(layer instanceof L.Polygon)) return;
        layer.on("click", (e: L.LeafletMouseEvent) => {
          if (this.#drawing) return;
          L.DomEvent.stopPropagation(e);
          this.#select(id, layer, (f.properties as { shape?: string }).shape === "rectangle");
        });
        if (id === selected) this.#select(id, layer, (f.properties as { shape?: string }).shape === "rectangle");
      },
    }).addTo(this.map);
  }

  #selectedId: number | null = null;
  #selection: L.Layer[] = [];
  #selectionKeys: ((ev: KeyboardEvent) => void) | null = null;

  #clearSelection(): void {
    for (const l of this.#selection.splice(0)) l.remove();
    if (this.#selectionKeys) document.removeEventListener("keydown", this.#selectionKeys);
    this.#selectionKeys = null;
    this.#drawnLayer?.setStyle(DRAWN_STYLE);
    this.#selectedId = null;
  }

  #select(id: number, shape: L.Polygon, rectangle: boolean): void {
    this.#clearSelection();
    this.#selectedId = id;
    shape.setStyle({ ...DRAWN_STYLE, dashArray: "", weight: 3, fillOpacity: 0.2 });
    const ring = (shape.getLatLngs() as L.LatLng[][])[0]!.map((p) => L.latLng(p.lat, p.lng));
    const vertexIcon = L.divIcon({ className: "ai4eo-map-vertex", iconSize: [12, 12] });
    const handles = ring.map((p, i) => {
      const h = L.marker(p, { icon: vertexIcon, draggable: true, keyboard: false, zIndexOffset: 1000 });
      h.on("drag", () => {
        const q = h.getLatLng();
        if (rectangle && ring.length === 4) {
          // Keep a rectangle: the opposite corner stays; of the two neighbours, the one that shared
          // the dragged corner's latitude keeps sharing it (and the opposite corner's longitude).
          const o = ring[(i + 2) % 4]!, next = ring[(i + 1) % 4]!, cur = ring[i]!;
          const sharesLat = Math.abs(next.lat - cur.lat) <= Math.abs(next.lng - cur.lng);
          ring[(i + 1) % 4] = sharesLat ? L.latLng(q.lat, o.lng) : L.latLng(o.lat, q.lng);
          ring[(i + 3) % 4] = sharesLat ? L.latLng(o.lat, q.lng) : L.latLng(q.lat, o.lng);
        }
        ring[i] = q;
        ring.forEach((v, k) => { if (k !== i) handles[k]!.setLatLng(v); });
        shape.setLatLngs([ring]);
        del.setLatLng(this.#deleteAnchor(ring));
      });
      h.on("dragend", () => this.#editDrawn(id, ring));
      return h;
    });
    const del = L.marker(this.#deleteAnchor(ring), {
      icon: L.divIcon({ className: "ai4eo-map-draw-delete", html: "✕", iconSize: [18, 18], iconAnchor: [-4, 18] }),
      keyboard: false, zIndexOffset: 1001, title: "delete this shape",
    });
    del.on("click", (e: L.LeafletMouseEvent) => { L.DomEvent.stopPropagation(e); this.#deleteDrawn(id); });
    this.#selection = [...handles, del];
    for (const l of this.#selection) l.addTo(this.map);
    this.#selectionKeys = (ev) => {
      if (ev.key === "Escape") this.#clearSelection();
      // Delete/Backspace remove the shape, unless the key is meant for a text field.
      const t = ev.target as HTMLElement | null;
      if ((ev.key === "Delete" || ev.key === "Backspace") && !(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) {
        ev.preventDefault();
        this.#deleteDrawn(id);
      }
    };
    document.addEventListener("keydown", this.#selectionKeys);
  }

  /** The ✕ sits at the shape's north-east corner. */
  #deleteAnchor(ring: L.LatLng[]): L.LatLng {
    return L.latLngBounds(ring).getNorthEast();
  }

  #editDrawn(id: number, ring: L.LatLng[]): void {
    const coords = ring.map((p) => [p.lng, p.lat]);
    coords.push([...coords[0]!]);
    const geometry = { type: "Polygon" as const, coordinates: [coords] };
    if (this.live) return this.#send({ event: "draw_edit", id, geometry });
    const fc = this.model.get("drawn") as MapState["drawn"];
    const features = (fc.features as { properties?: { id?: number } }[]).map((f) => (f.properties?.id === id ? { ...f, geometry } : f));
    this.model.set("drawn", { type: "FeatureCollection", features });
  }

  #deleteDrawn(id: number): void {
    this.#clearSelection();
    if (this.live) return this.#send({ event: "draw_delete", id });
    const fc = this.model.get("drawn") as MapState["drawn"];
    this.model.set("drawn", { type: "FeatureCollection", features: (fc.features as { properties?: { id?: number } }[]).filter((f) => f.properties?.id !== id) });
  }

  #drawControl(): L.Control {
    const Ctl = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "leaflet-bar ai4eo-map-draw");
        for (const [shape, label, title] of [["rectangle", "▭", "draw a rectangle"], ["polygon", "⬠", "draw a polygon (double-click to finish)"]] as const) {
          const a = L.DomUtil.create("a", `ai4eo-map-draw-${shape}`, div);
          a.href = "#"; a.textContent = label; a.title = title; a.setAttribute("role", "button");
          L.DomEvent.on(a, "click", (ev) => { L.DomEvent.preventDefault(ev); L.DomEvent.stopPropagation(ev); this.#startDraw(shape); });
        }
        return div;
      },
    });
    return new Ctl({ position: "topleft" });
  }

  #startDraw(shape: "rectangle" | "polygon"): void {
    this.#clearSelection();
    const map = this.map;
    this.#drawing = shape;
    map.getContainer().style.cursor = "crosshair";
    map.dragging.disable();
    map.doubleClickZoom.disable();
    const finish = (ring: L.LatLng[]) => {
      map.off("mousedown", onDown).off("mousemove", onMove).off("mouseup", onUp).off("click", onClick).off("dblclick", onDbl);
      temp?.remove();
      map.dragging.enable();
      map.getContainer().style.cursor = "";
      // A polygon ends on its double-click, and no click follows: drawing is over now, so a click
      // on the new shape selects it even when it comes before any timer (browsers run input ahead
      // of timers when busy; a deferred end then swallowed that click). A rectangle ends on mouseup,
      // and that gesture's own click follows: it must not select the new rectangle, so drawing ends
      // after it. Double-click zoom comes back after this double-click in both cases.
      if (shape === "polygon") {
        this.#drawing = null;
        setTimeout(() => map.doubleClickZoom.enable(), 0);
      } else setTimeout(() => { map.doubleClickZoom.enable(); this.#drawing = null; }, 0);
      if (ring.length < 3) return;
      const coords = ring.map((p) => [p.lng, p.lat]);
      coords.push([...coords[0]!]);
      const geometry = { type: "Polygon" as const, coordinates: [coords] };
      if (this.live) this.#send({ event: "draw", geometry, shape });
      else {
        const fc = this.model.get("drawn") as MapState["drawn"];
        const id = 1 + Math.max(0, ...(fc.features as { properties?: { id?: number } }[]).map((f) => f.properties?.id ?? 0));
        this.model.set("drawn", { type: "FeatureCollection", features: [...fc.features, { type: "Feature", properties: { shape, id }, geometry }] });
      }
    };
    let temp: L.Rectangle | L.Polyline | null = null;
    let start: L.LatLng | null = null;
    const pts: L.LatLng[] = [];
    const onDown = (e: L.LeafletMouseEvent) => {
      if (shape !== "rectangle") return;
      start = e.latlng;
      temp = L.rectangle(L.latLngBounds(start, start), { color: "#ff7800", weight: 2 }).addTo(map);
    };
    const onMove = (e: L.LeafletMouseEvent) => {
      if (shape === "rectangle" && start && temp) (temp as L.Rectangle).setBounds(L.latLngBounds(start, e.latlng));
      if (shape === "polygon" && temp && pts.length > 0) (temp as L.Polyline).setLatLngs([...pts, e.latlng]);
    };
    const onUp = (e: L.LeafletMouseEvent) => {
      if (shape !== "rectangle" || !start) return;
      const b = L.latLngBounds(start, e.latlng);
      finish([b.getNorthWest(), b.getNorthEast(), b.getSouthEast(), b.getSouthWest()]);
    };
    const onClick = (e: L.LeafletMouseEvent) => {
      if (shape !== "polygon") return;
      pts.push(e.latlng);
      if (!temp) temp = L.polyline(pts, { color: "#ff7800", weight: 2 }).addTo(map);
      else (temp as L.Polyline).setLatLngs(pts);
    };
    const onDbl = () => {
      if (shape !== "polygon") return;
      // The double-click's two clicks added the last point twice.
      const ring = pts.filter((p, i) => i === 0 || !p.equals(pts[i - 1]!));
      finish(ring);
    };
    map.on("mousedown", onDown).on("mousemove", onMove).on("mouseup", onUp).on("click", onClick).on("dblclick", onDbl);
  }

  // ------------------------------------------------------------ small controls

  #coordsControl(): L.Control {
    const Ctl = L.Control.extend({
      onAdd: (map: L.Map) => {
        const div = L.DomUtil.create("div", "ai4eo-map-coords");
        map.on("mousemove", (e: L.LeafletMouseEvent) => { div.textContent = `${e.latlng.lat.toFixed(5)}, ${e.latlng.lng.toFixed(5)}`; });
        return div;
      },
    });
    return new Ctl({ position: "bottomright" });
  }

  /**
   * The full-screen button: the Fullscreen API on the map box; where it is missing or refused (an
   * iframe without `allow="fullscreen"`, as some notebook front ends render outputs), the box is
   * fixed over the whole window instead (class `ai4eo-map-box-full`; Esc or the button leaves).
   * Leaflet's size is updated on entering and on leaving either way.
   */
  #fullscreenControl(box: HTMLElement): L.Control {
    const resize = () => this.map.invalidateSize({ pan: false });
    const onChange = () => {
      // Entering or leaving (also by Esc in the browser's own full screen).
      if (document.fullscreenElement === box || box.dataset["ai4eoFullscreen"] === "api") {
        box.dataset["ai4eoFullscreen"] = document.fullscreenElement === box ? "api" : "";
        resize();
      }
    };
    const onKey = (ev: KeyboardEvent) => { if (ev.key === "Escape") setFallback(false); };
    const setFallback = (on: boolean) => {
      box.classList.toggle("ai4eo-map-box-full", on);
      box.dataset["ai4eoFullscreen"] = on ? "css" : "";
      if (on) document.addEventListener("keydown", onKey);
      else document.removeEventListener("keydown", onKey);
      resize();
    };
    document.addEventListener("fullscreenchange", onChange);
    this.#cleanups.push(() => { document.removeEventListener("fullscreenchange", onChange); document.removeEventListener("keydown", onKey); });
    const Ctl = L.Control.extend({
      onAdd: () => {
        const div = L.DomUtil.create("div", "leaflet-bar ai4eo-map-fullscreen");
        const a = L.DomUtil.create("a", "", div);
        a.href = "#"; a.textContent = "⤢"; a.title = "full screen"; a.setAttribute("role", "button");
        L.DomEvent.on(a, "click", (ev) => {
          L.DomEvent.preventDefault(ev);
          L.DomEvent.stopPropagation(ev);
          if (box.dataset["ai4eoFullscreen"] === "css") return setFallback(false);
          if (document.fullscreenElement === box) return void document.exitFullscreen();
          if (typeof box.requestFullscreen !== "function" || !document.fullscreenEnabled) return setFallback(true);
          box.requestFullscreen().catch(() => setFallback(true));
        });
        return div;
      },
    });
    return new Ctl({ position: "topleft" });
  }

  readonly #cleanups: (() => void)[] = [];

  override remove(): void {
    for (const f of this.#cleanups.splice(0)) f();
    this.#clearSelection();
    window.ai4eoMaps = (window.ai4eoMaps ?? []).filter((p) => p !== this.probe);
    this.map?.remove();
    super.remove();
  }

  override processLuminoMessage(msg: { type: string }): void {
    super.processLuminoMessage(msg as never);
    if ((msg.type === "resize" || msg.type === "after-show") && this.map) this.map.invalidateSize();
  }
}

/** The legend of a raster layer: a colour bar with its range, class swatches, or the RGB bands. */
function legend(vis: ResolvedVis, bandNames: string[]): HTMLElement {
  const div = document.createElement("div");
  div.className = "ai4eo-map-legend";
  if (vis.classes) {
    div.innerHTML = vis.classes.map((c) => `<div class="ai4eo-map-class"><span style="background:${esc(c.color)}"></span>${esc(c.label)}</div>`).join("");
    return div;
  }
  if (vis.bands >= 3) {
    div.innerHTML = ["R", "G", "B"].map((ch, i) => `<div>${ch}: ${esc(bandNames[i] ?? "")} ${fmt(vis.min[i]!)}…${fmt(vis.max[i]!)}</div>`).join("");
    return div;
  }
  const bar = document.createElement("canvas");
  bar.width = 128; bar.height = 10;
  bar.className = "ai4eo-map-colorbar";
  const ctx = bar.getContext("2d")!;
  const lut = paletteLut(vis.palette);
  for (let x = 0; x < 128; x++) {
    const k = Math.round((x / 127) * 255);
    ctx.fillStyle = `rgb(${lut[k * 3]},${lut[k * 3 + 1]},${lut[k * 3 + 2]})`;
    ctx.fillRect(x, 0, 1, 10);
  }
  const labels = document.createElement("div");
  labels.className = "ai4eo-map-colorbar-labels";
  labels.innerHTML = `<span>${fmt(vis.min[0]!)}</span><span>${esc(bandNames[0] ?? "")}</span><span>${fmt(vis.max[0]!)}</span>`;
  div.append(bar, labels);
  return div;
}
