/**
 * The Plot model and view: a plotly.js (cartesian bundle) figure whose typed arrays arrive as
 * binary buffers; clicks, hovers and selections go back to the kernel.
 * @module
 */
import { DOMWidgetModel, DOMWidgetView, type ISerializers } from "@jupyter-widgets/base";
import * as Plotly from "plotly.js-cartesian-dist-min";
import type { PlotEventMessage, PlotPoint, PlotState } from "./contract.js";
import { decodeDeep, encodeInt32 } from "./serializers.js";
import { MODULE_NAME, MODULE_VERSION } from "./version.js";

/** Default values of the synced fields (the kernel sends them all; these cover older states). */
const PLOT_DEFAULTS: Omit<PlotState, "layout"> = {
  _model_name: "PlotModel", _model_module: MODULE_NAME, _model_module_version: MODULE_VERSION,
  _view_name: "PlotView", _view_module: MODULE_NAME, _view_module_version: MODULE_VERSION,
  data: [], figure_layout: {}, config: {}, selected_indices: null, height: 420,
};

/** The browser-side Plot model. */
export class PlotModel extends DOMWidgetModel {
  override defaults(): Record<string, unknown> {
    return { ...super.defaults(), ...PLOT_DEFAULTS };
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    data: { deserialize: (v: unknown) => decodeDeep(v) },
    figure_layout: { deserialize: (v: unknown) => decodeDeep(v) },
    // Keep the DataView (the default serializer JSON-copies values, which would drop the bytes);
    // remove_buffers then sends it as a binary buffer.
    selected_indices: { serialize: (v: unknown) => v },
  };
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return null;
}

function toPoint(p: Record<string, unknown>): PlotPoint {
  const idx = (p["pointIndex"] ?? p["pointNumber"]) as number | [number, number];
  return {
    curveNumber: Number(p["curveNumber"]),
    pointIndex: Array.isArray(idx) ? [Number(idx[0]), Number(idx[1])] : Number(idx),
    x: plain(p["x"]) as number | string | null,
    y: plain(p["y"]) as number | string | null,
    ...(p["z"] !== undefined ? { z: plain(p["z"]) as number | null } : {}),
    ...(typeof p["text"] === "string" ? { text: p["text"] } : {}),
  };
}

/** The browser-side Plot view. */
export class PlotView extends DOMWidgetView {
  #div: HTMLDivElement | undefined;
  #drawn = false;
  #lastHover = 0;

  override render(): void {
    this.el.classList.add("ai4eo-plot");
    const div = document.createElement("div");
    div.style.width = "100%";
    div.style.height = `${this.model.get("height") as number}px`;
    this.el.appendChild(div);
    this.#div = div;
    this.listenTo(this.model, "change:data change:figure_layout change:config", () => void this.#draw());
    this.listenTo(this.model, "change:height", () => {
      div.style.height = `${this.model.get("height") as number}px`;
      void this.#draw();
    });
    void this.displayed.then(() => this.#draw());
  }

  #send(msg: PlotEventMessage): void {
    this.send(msg);
  }

  async #draw(): Promise<void> {
    const div = this.#div;
    if (!div) return;
    const data = (this.model.get("data") as Record<string, unknown>[]).map((t) => ({ ...t }));
    const layout = JSON.parse(JSON.stringify(this.model.get("figure_layout") ?? {})) as Record<string, unknown>;
    layout["autosize"] = true;
    const config = { responsive: true, displaylogo: false, ...(this.model.get("config") as object) };
    const gd = this.#drawn ? await Plotly.react(div, data, layout, config) : await Plotly.newPlot(div, data, layout, config);
    if (!this.#drawn) {
      this.#drawn = true;
      gd.on("plotly_click", (ev: { points: Record<string, unknown>[] }) => this.#send({ event: "click", points: ev.points.map(toPoint) }));
      gd.on("plotly_hover", (ev: { points: Record<string, unknown>[] }) => {
        const now = Date.now();
        if (now - this.#lastHover < 100) return;
        this.#lastHover = now;
        this.#send({ event: "hover", points: ev.points.map(toPoint) });
      });
      gd.on("plotly_selected", (ev: { points: Record<string, unknown>[] } | undefined) => {
        const points = (ev?.points ?? []).map(toPoint);
        const idx = Int32Array.from(points.filter((p) => p.curveNumber === 0 && typeof p.pointIndex === "number").map((p) => p.pointIndex as number));
        this.model.set("selected_indices", encodeInt32(idx));
        this.model.save_changes();
        this.#send({ event: "selected", points });
      });
      gd.on("plotly_relayout", (ev: Record<string, unknown>) => {
        const update = JSON.parse(JSON.stringify(ev ?? {})) as Record<string, never>;
        this.#send({ event: "relayout", update });
      });
    }
    this.el.dataset["ai4eoRendered"] = "plot";
    this.el.dataset["ai4eoDraws"] = String(Number(this.el.dataset["ai4eoDraws"] ?? "0") + 1);
  }

  override remove(): void {
    if (this.#div) Plotly.purge(this.#div);
    super.remove();
  }

  override processLuminoMessage(msg: { type: string }): void {
    super.processLuminoMessage(msg as never);
    if ((msg.type === "resize" || msg.type === "after-show") && this.#div && this.#drawn) Plotly.Plots.resize(this.#div);
  }
}
