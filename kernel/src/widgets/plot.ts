/**
 * The Plot widget: a plotly.js figure (data, layout, config) whose large arrays travel as binary
 * buffers; click, hover and selection events come back to the kernel as typed events.
 * @module
 */
import type { PlotEventMessage, PlotPoint, PlotState } from "../../../widgets/src/contract.js";
import { isInt, isObject, listOf } from "./checks.js";
import { WidgetPropertyError } from "./errors.js";
import { type WidgetOptions } from "./widget.js";
import { domInit, domSpecs, DOMWidget, type DOMProps, type DOMWidgetOptions } from "./controls/common.js";
import { AI4EO_MODULE, packageVersion } from "./version.js";
import { ShapedArray, decodeTypedArray, isTypedArrayJSON, type WireTypedArray } from "./wire.js";
import { heatmapPng } from "./plot-png.js";

/** A trace as given from TypeScript: plotly fields, where number arrays may be typed arrays. */
export type Trace = { type?: string; name?: string; [key: string]: unknown };

/** A plotly figure. */
export interface FigureSpec {
  /** The traces; default none. */
  data?: Trace[];
  /** The plotly layout; default `{}`. */
  layout?: Record<string, unknown>;
  /** The plotly config; default `{ responsive: true, displaylogo: false }`. */
  config?: Record<string, unknown>;
}

/** Synced fields of Plot (the kernel-side types of {@link PlotState}). */
export interface PlotProps extends DOMProps {
  data: Trace[];
  figure_layout: Record<string, unknown>;
  config: Record<string, unknown>;
  selected_indices: Int32Array | null;
  height: number;
}

/** Options of Plot. */
export interface PlotOptions extends DOMWidgetOptions {
  /** Height in CSS pixels; default 420. */
  height?: number;
}

/** Thrown when a figure is malformed. */
export class PlotSpecError extends WidgetPropertyError {}

const isTraceList = (v: unknown): string | undefined =>
  listOf(isObject)(v) === undefined ? undefined : "a list of trace objects ({ type, x, y, ... })";

/** Set a dotted path (`"marker.color"`) inside a plain object, copying along the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split(".");
  const out: Record<string, unknown> = { ...obj };
  let cur = out;
  keys.slice(0, -1).forEach((k) => {
    const next = cur[k];
    cur[k] = typeof next === "object" && next !== null && !Array.isArray(next) && !ArrayBuffer.isView(next) ? { ...(next as object) } : {};
    cur = cur[k] as Record<string, unknown>;
  });
  cur[keys[keys.length - 1]!] = value;
  return out;
}

function checkPoints(v: unknown): PlotPoint[] {
  if (!Array.isArray(v)) throw new TypeError("points must be a list");
  return v.map((p, i) => {
    if (typeof p !== "object" || p === null || !Number.isInteger((p as PlotPoint).curveNumber)) {
      throw new TypeError(`points[${i}] has no integer curveNumber`);
    }
    return p as PlotPoint;
  });
}

/**
 * An interactive plotly.js chart. Typed arrays in traces (x, y, z, marker.color, ...) are sent as
 * binary buffers.
 * @example
 * ```ts
 * const p = new Plot({ data: [{ type: "scatter", mode: "markers", x: new Float32Array([1, 2]), y: new Float32Array([3, 1]) }],
 *                      layout: { title: { text: "NIR vs red" } } });
 * p.onClick((pts) => console.log(pts[0]?.x, pts[0]?.y));
 * p.relayout({ "xaxis.title.text": "red" });
 * ```
 */
export class Plot extends DOMWidget<PlotProps> {
  declare data: Trace[];
  declare figure_layout: Record<string, unknown>;
  declare config: Record<string, unknown>;
  declare height: number;
  readonly #handlers = { click: new Set<(p: PlotPoint[]) => void>(), hover: new Set<(p: PlotPoint[]) => void>(), selected: new Set<(p: PlotPoint[]) => void>() };

  /**
   * @param figure the figure (`{ data, layout, config }`)
   * @param options height (default 420), layout, registry
   */
  constructor(figure: FigureSpec = {}, options: PlotOptions = {}) {
    const version = packageVersion();
    super("Plot", {
      modelName: "PlotModel" satisfies PlotState["_model_name"], modelModule: AI4EO_MODULE, modelModuleVersion: version,
      viewName: "PlotView" satisfies PlotState["_view_name"], viewModule: AI4EO_MODULE, viewModuleVersion: version,
    }, {
      ...domSpecs(),
      data: { check: isTraceList, viewWritable: false },
      figure_layout: { check: isObject, fromJson: (j) => j },
      config: { check: isObject, viewWritable: false },
      selected_indices: {
        check: (v) => (v === null || v instanceof Int32Array ? undefined : "an Int32Array of point indices or null"),
        fromJson: (j) => (j === null ? null : isTypedArrayJSON(j) ? decodeTypedArray(j) : j),
      },
      height: { check: isInt, viewWritable: false },
    }, {
      ...domInit(options),
      data: figure.data ?? [],
      figure_layout: figure.layout ?? {},
      config: figure.config ?? { responsive: true, displaylogo: false },
      selected_indices: null,
      height: options.height ?? 420,
    }, options);
    this.onCustomMessage((content) => this.#onEvent(content as PlotEventMessage));
  }

  /** Indices (in trace 0) of the points last selected with box/lasso in the browser, or null. */
  get selectedIndices(): Int32Array | null {
    return this.get("selected_indices");
  }

  /** Run `fn` with the clicked points on every click in the browser. Returns a remover. */
  onClick(fn: (points: PlotPoint[]) => void): () => void {
    this.#handlers.click.add(fn);
    return () => this.#handlers.click.delete(fn);
  }

  /** Run `fn` with the hovered points (throttled by the view). Returns a remover. */
  onHover(fn: (points: PlotPoint[]) => void): () => void {
    this.#handlers.hover.add(fn);
    return () => this.#handlers.hover.delete(fn);
  }

  /** Run `fn` with the points selected by box/lasso. Returns a remover. */
  onSelected(fn: (points: PlotPoint[]) => void): () => void {
    this.#handlers.selected.add(fn);
    return () => this.#handlers.selected.delete(fn);
  }

  /**
   * Change trace attributes (dotted paths like `"marker.color"`) of the given traces (default all),
   * in the kernel's state and in every view.
   * @example
   * ```ts
   * plot.restyle({ "marker.color": "red", opacity: 0.5 }, [0]);
   * ```
   */
  restyle(update: Record<string, unknown>, traces?: number[]): void {
    const idx = traces ?? this.data.map((_, i) => i);
    for (const i of idx) {
      if (!Number.isInteger(i) || i < 0 || i >= this.data.length) {
        throw new PlotSpecError("Plot", "restyle traces", `trace indices 0..${this.data.length - 1}`, i);
      }
    }
    const data = this.data.map((t, i) => (idx.includes(i) ? Object.entries(update).reduce((acc, [k, v]) => setPath(acc, k, v), t) as Trace : t));
    // A full `update` of `data` (not a delta command), so that saved notebook state stays right.
    this.set({ data });
  }

  /**
   * Change layout attributes (dotted paths) in the kernel's state and in every view.
   * @example
   * ```ts
   * plot.relayout({ "title.text": "NDVI histogram", "yaxis.type": "log" });
   * ```
   */
  relayout(update: Record<string, unknown>): void {
    const layout = Object.entries(update).reduce((acc, [k, v]) => setPath(acc, k, v), this.figure_layout);
    this.set({ figure_layout: layout });
  }

  /**
   * Replace the data and/or layout (a full redraw).
   * @example
   * ```ts
   * plot.update({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }] });
   * ```
   */
  update(figure: FigureSpec): void {
    this.set({
      ...(figure.data ? { data: figure.data } : {}),
      ...(figure.layout ? { figure_layout: figure.layout } : {}),
      ...(figure.config ? { config: figure.config } : {}),
    });
  }

  protected override fallbackText(): string {
    const title = titleOf(this.figure_layout);
    const traces = this.data.map((t) => `${t.type ?? "scatter"}${t.name ? ` "${t.name}"` : ""} (${pointCount(t)} points)`);
    return `Plot${title ? ` "${title}"` : ""}: ${traces.join(", ") || "no traces"}`;
  }

  protected override fallbackBundle(): Record<string, unknown> {
    const bundle: Record<string, unknown> = { "text/html": figureSummaryHtml(this.data, this.figure_layout) };
    // Heatmaps and images also get a PNG picture (GitHub-style previews show it).
    const hm = this.data.length === 1 && this.data[0]!.type === "heatmap" && this.data[0]!["z"] instanceof ShapedArray && (this.data[0]!["z"] as ShapedArray).shape.length === 2
      ? this.data[0]! : undefined;
    if (hm) {
      const png = heatmapPng(hm["z"] as ShapedArray, {
        zmin: typeof hm["zmin"] === "number" ? hm["zmin"] : undefined, zmax: typeof hm["zmax"] === "number" ? hm["zmax"] : undefined,
        colorscale: typeof hm["colorscale"] === "string" ? hm["colorscale"] : undefined, reversescale: hm["reversescale"] === true,
      });
      bundle["image/png"] = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64");
    }
    return bundle;
  }

  #onEvent(msg: PlotEventMessage): void {
    const kind = msg.event;
    if (kind === "click" || kind === "hover" || kind === "selected") {
      let points: PlotPoint[];
      try {
        points = checkPoints(msg.points);
      } catch (e) {
        console.warn(`ai4eo widgets: Plot got a "${kind}" event with bad points (${(e as Error).message}); ignored.`);
        return;
      }
      for (const fn of [...this.#handlers[kind]]) fn(points);
      return;
    }
    if (kind === "relayout") return; // zoom/pan in the browser; layout changes arrive as figure_layout updates
    console.warn(`ai4eo widgets: Plot got unknown event ${JSON.stringify(kind)}; ignored.`);
  }
}

function titleOf(layout: Record<string, unknown>): string | undefined {
  const t = layout["title"];
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return undefined;
}

function pointCount(t: Trace): number {
  for (const k of ["y", "x", "z", "values"]) {
    const v = t[k];
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return (v as unknown as { length: number }).length;
  }
  return 0;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function range(v: unknown): string {
  if (!(Array.isArray(v) || ArrayBuffer.isView(v))) return "";
  let lo = Infinity, hi = -Infinity;
  for (const x of Array.from(v as ArrayLike<unknown>)) {
    if (typeof x === "number" && Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
  }
  return lo <= hi ? `${+lo.toPrecision(4)} … ${+hi.toPrecision(4)}` : "";
}

/** A small HTML summary of a figure, shown where widgets cannot render. */
export function figureSummaryHtml(data: Trace[], layout: Record<string, unknown>): string {
  const title = titleOf(layout);
  const rows = data.map((t, i) =>
    `<tr><td>${i}</td><td>${esc(String(t.type ?? "scatter"))}</td><td>${esc(String(t.name ?? ""))}</td><td>${pointCount(t)}</td><td>${range(t["x"])}</td><td>${range(t["y"] ?? t["z"])}</td></tr>`).join("");
  return `<div class="ai4eo-plot-fallback"><b>${esc(title ?? "Plot")}</b> (interactive plot; open with a widget-enabled front end)` +
    `<table><thead><tr><th>#</th><th>type</th><th>name</th><th>points</th><th>x range</th><th>y/z range</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Typed arrays accepted in traces. */
export type TraceArray = WireTypedArray;
export type { WidgetOptions };
