// Builds a notebook (as `ai4eo run` would save it) with controls, plots and a table, plus one widget
// view whose state is missing, by creating real widgets in this process and saving their state.
import { Raster } from "../../kernel/src/eo/raster/raster.js";
import * as w from "../../kernel/src/widgets/index.js";
import { table } from "arquero";

type Out = Record<string, unknown>;
const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

function display(x: unknown, modelId: string): Out {
  const bundle = (x as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!();
  return { output_type: "display_data", data: { ...bundle, "application/vnd.jupyter.widget-view+json": { version_major: 2, version_minor: 0, model_id: modelId } }, metadata: {} };
}
function code(source: string, outputs: Out[], n: number): Out {
  return { cell_type: "code", source, outputs, execution_count: n, metadata: {} };
}

/** The fixture notebook plus the model ids of its widget views (rendered ones, then the missing one). */
export function buildFixtureNotebook(): { nb: Record<string, unknown>; views: string[]; missing: string } {
  for (const [id, x] of w.widgetStore()) if (!x.live) w.widgetStore().delete(id);
  const detached = { registry: null } as const;
  const slider = new w.IntSlider({ value: 7, min: 0, max: 20, description: "k", ...detached });
  const fslider = new w.FloatSlider({ value: 0.35, min: 0, max: 1, step: 0.05, description: "threshold", ...detached });
  const range = new w.IntRangeSlider({ value: [20, 60], min: 0, max: 100, description: "rows", ...detached });
  const dd = new w.Dropdown({ options: ["NDVI", "NDWI", "NBR"], value: "NDWI", description: "index", ...detached });
  const tb = new w.ToggleButtons({ options: ["RGB", "False colour"], button_style: "info", ...detached });
  const sm = new w.SelectMultiple({ options: [["B2 blue", 2], ["B3 green", 3], ["B4 red", 4]], value: [3, 4], rows: 3, description: "bands", ...detached });
  const cb = new w.Checkbox({ value: true, description: "mask clouds", ...detached });
  const btn = new w.Button({ description: "Run model", button_style: "primary", icon: "play", ...detached });
  const txt = new w.Text({ value: "LE07_L1TP_214066", description: "scene", ...detached });
  const ta = new w.Textarea({ value: "notes", rows: 2, ...detached });
  const lbl = new w.Label({ value: "ready", ...detached });
  const html = new w.HTML({ value: "<b style='color:#2a6'>Water</b> in blue", ...detached });
  const out = new w.Output(detached);
  out.appendStdout("3 tiles done\n");
  const box = new w.VBox([new w.HBox([slider, fslider], detached), range, dd, tb, sm, cb, btn, txt, ta, lbl, html, out], detached);
  const tab = new w.Tab([new w.Label({ value: "first tab", ...detached }), new w.Label({ value: "second tab", ...detached })], { titles: ["One", "Two"], ...detached });
  const acc = new w.Accordion([new w.Label({ value: "inside", ...detached })], { titles: ["Details"], selected_index: 0, ...detached });

  // a 64×48 two-band raster with a nodata border
  const W = 64, H = 48;
  const b1 = new Float32Array(W * H), b2 = new Float32Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const i = r * W + c;
    b1[i] = (r < 2 ? -9999 : Math.sin(c / 8) * 0.3 + r / H * 0.5);
    b2[i] = (r < 2 ? -9999 : Math.cos(r / 6) * 0.2 + c / W * 0.6);
  }
  const raster = new Raster({ width: W, height: H, dtype: "float32", bands: [b1, b2], nodata: -9999, descriptions: ["red", "nir"] });
  const hist = w.plots.histogram(raster, { bins: 32, title: "Red and NIR" }).show({ registry: null, height: 320 });
  const img = w.plots.imagePlot(raster, { band: 2, colorscale: "Viridis", title: "NIR" }).show({ registry: null, height: 320 });
  const yt = [0, 0, 1, 1, 2, 2, 2, 1], yp = [0, 1, 1, 1, 2, 0, 2, 1];
  const cm = w.plots.confusionMatrix(yt, yp, { classNames: ["water", "urban", "forest"] }).show({ registry: null, height: 320 });
  const t = new w.DataTable(table({ class: ["water", "urban", "forest", "crop"], pixels: new Int32Array([5120, 880, 20410, 7300]), f1: new Float32Array([0.91, 0.62, 0.88, 0.74]) }), { pageSize: 3, registry: null });

  const la = new w.IntSlider({ value: 2, max: 10, description: "a", ...detached });
  const lb = new w.IntSlider({ value: 5, max: 10, description: "b (linked)", ...detached });
  const linked = new w.HBox([la, lb], detached);
  w.jslink([la, "value"], [lb, "value"], detached);

  const state = w.currentNotebookWidgetState();
  const missingId = "0000000000000000000000000000dead";
  const cells: Out[] = [
    { cell_type: "markdown", source: "# Fixture notebook\nControls, *plots* and a table.", metadata: {} },
    code("controls", [display(box, box.modelId)], 1),
    code("tabs", [display(tab, tab.modelId), display(acc, acc.modelId)], 2),
    code("histogram(raster)", [{ output_type: "stream", name: "stdout", text: "bands: 2\n" }, display(hist, hist.modelId)], 3),
    code("imagePlot(raster)", [display(img, img.modelId)], 4),
    code("confusionMatrix(...)", [display(cm, cm.modelId)], 5),
    code("table", [display(t, t.modelId)], 6),
    code("jslink([a, 'value'], [b, 'value'])", [display(linked, linked.modelId)], 7),
    code("lost widget", [{ output_type: "display_data", data: { "text/plain": "IntSlider(value=1)", "application/vnd.jupyter.widget-view+json": { version_major: 2, version_minor: 0, model_id: missingId } }, metadata: {} }], 7),
  ];
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "ai4eo", display_name: "AI4EO (TypeScript)", language: "typescript" }, widgets: { "application/vnd.jupyter.widget-state+json": state } }, cells };
  for (const x of [box, tab, acc, hist, img, cm, t, linked]) x.close();
  return { nb, views: [box.modelId, tab.modelId, acc.modelId, hist.modelId, img.modelId, cm.modelId, t.modelId, linked.modelId], missing: missingId };
}
