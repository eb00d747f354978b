import { test } from "node:test";
import assert from "node:assert/strict";
import { table } from "arquero";
import { LoopbackRegistry, captureWarnings } from "./loopback-registry.js";
import {
  Accordion, Button, Checkbox, DataTable, Dropdown, FloatSlider, HBox, HTML, IntRangeSlider, Label, Layout, Output,
  SelectMultiple, Tab, Text, Textarea, ToggleButtons, VBox, dlink, interact, link, IntSlider, WIDGET_VIEW_MIME,
  WidgetPropertyError,
} from "../../kernel/src/widgets/index.js";

const stateOf = (reg: LoopbackRegistry, id: string) => reg.messages(id)[0]!.data["state"] as Record<string, unknown>;

test("every control opens the @jupyter-widgets/controls 5 model and view it names", () => {
  const reg = new LoopbackRegistry();
  const o = { registry: reg };
  const cases: [{ modelId: string }, string, string, string][] = [
    [new IntSlider(o), "IntSliderModel", "IntSliderView", "@jupyter-widgets/controls"],
    [new FloatSlider(o), "FloatSliderModel", "FloatSliderView", "@jupyter-widgets/controls"],
    [new IntRangeSlider(o), "IntRangeSliderModel", "IntRangeSliderView", "@jupyter-widgets/controls"],
    [new Dropdown({ options: ["a"], ...o }), "DropdownModel", "DropdownView", "@jupyter-widgets/controls"],
    [new SelectMultiple({ options: ["a"], ...o }), "SelectMultipleModel", "SelectMultipleView", "@jupyter-widgets/controls"],
    [new ToggleButtons({ options: ["a"], ...o }), "ToggleButtonsModel", "ToggleButtonsView", "@jupyter-widgets/controls"],
    [new Checkbox(o), "CheckboxModel", "CheckboxView", "@jupyter-widgets/controls"],
    [new Button(o), "ButtonModel", "ButtonView", "@jupyter-widgets/controls"],
    [new Text(o), "TextModel", "TextView", "@jupyter-widgets/controls"],
    [new Textarea(o), "TextareaModel", "TextareaView", "@jupyter-widgets/controls"],
    [new Label(o), "LabelModel", "LabelView", "@jupyter-widgets/controls"],
    [new HTML(o), "HTMLModel", "HTMLView", "@jupyter-widgets/controls"],
    [new Output(o), "OutputModel", "OutputView", "@jupyter-widgets/output"],
    [new HBox([], o), "HBoxModel", "HBoxView", "@jupyter-widgets/controls"],
    [new VBox([], o), "VBoxModel", "VBoxView", "@jupyter-widgets/controls"],
    [new Tab([], o), "TabModel", "TabView", "@jupyter-widgets/controls"],
    [new Accordion([], o), "AccordionModel", "AccordionView", "@jupyter-widgets/controls"],
    [new Layout({}, o), "LayoutModel", "LayoutView", "@jupyter-widgets/base"],
  ];
  for (const [w, model, view, module] of cases) {
    const st = stateOf(reg, w.modelId);
    assert.deepEqual([st["_model_name"], st["_view_name"], st["_model_module"]], [model, view, module]);
  }
});

test("Dropdown: the browser sees labels and index; the kernel's value maps through them both ways", () => {
  const reg = new LoopbackRegistry();
  const d = new Dropdown<number>({ options: [["viridis", 0], ["magma", 1], ["gray", 2]], value: 1, description: "cmap", registry: reg });
  const st = stateOf(reg, d.modelId);
  assert.deepEqual(st["_options_labels"], ["viridis", "magma", "gray"]);
  assert.equal(st["index"], 1);
  assert.equal(st["value"], undefined);
  const seen: unknown[] = [];
  d.observe("value", (c) => seen.push([c.old, c.new]));
  reg.fromFrontend(d.modelId, { method: "update", state: { index: 2 } });
  assert.equal(d.value, 2);
  assert.equal(d.label, "gray");
  d.value = 0;
  assert.deepEqual(reg.last(d.modelId)!.data["state"], { index: 0 });
  assert.deepEqual(seen, [[1, 2], [2, 0]]);
  assert.throws(() => { d.value = 7; }, /Dropdown\.value must be one of the option values \(viridis, magma, gray\), got 7/);
  const w = captureWarnings(() => reg.fromFrontend(d.modelId, { method: "update", state: { index: 9 } }));
  assert.match(w[0]!, /Dropdown\.index to a value of the wrong type \(expected null or an option index 0\.\.2\)/);
  d.options = ["a", "b"] as never;
  assert.deepEqual(reg.last(d.modelId)!.data["state"], { _options_labels: ["a", "b"], index: 0 });
  const sm = new SelectMultiple({ options: [["B2", 2], ["B3", 3], ["B4", 4]], value: [4, 2], registry: reg });
  assert.deepEqual(sm.get("index"), [0, 2]);
  assert.deepEqual(sm.value, [2, 4]);
});

test("Button clicks and Text submits from the browser run the kernel's handlers", () => {
  const reg = new LoopbackRegistry();
  const b = new Button({ description: "Run", registry: reg });
  let clicks = 0;
  b.onClick(() => clicks++);
  reg.fromFrontend(b.modelId, { method: "custom", content: { event: "click" } });
  reg.fromFrontend(b.modelId, { method: "custom", content: { event: "click" } });
  assert.equal(clicks, 2);
  const t = new Text({ registry: reg });
  const got: string[] = [];
  t.onSubmit((x) => got.push(x.value));
  reg.fromFrontend(t.modelId, { method: "update", state: { value: "LC08" } });
  reg.fromFrontend(t.modelId, { method: "custom", content: { event: "submit" } });
  assert.deepEqual(got, ["LC08"]);
});

test("containers reference children as IPY_MODEL_ ids; Tab titles; Output collects streams and displays", async () => {
  const reg = new LoopbackRegistry();
  const a = new Label({ value: "a", registry: reg }), b = new Label({ value: "b", registry: reg });
  const tab = new Tab([a, b], { titles: ["A", "B"], registry: reg });
  assert.deepEqual(stateOf(reg, tab.modelId)["children"], [`IPY_MODEL_${a.modelId}`, `IPY_MODEL_${b.modelId}`]);
  assert.equal(stateOf(reg, tab.modelId)["selected_index"], 0);
  assert.throws(() => new HBox([1 as never], { registry: reg }), /HBox\.children must be a list of widgets/);
  const out = new Output({ registry: reg });
  out.appendStdout("a");
  out.appendStdout("b\n");
  out.appendDisplayData(a);
  await out.capture(() => { console.log("captured", 3); console.error("bad"); });
  assert.deepEqual(out.outputs.map((o) => o.output_type === "stream" ? `${o.name}:${o.text}` : Object.keys(o.data).sort().join(",")), [
    "stdout:ab\n", ["text/html", "text/plain", WIDGET_VIEW_MIME].sort().join(","), "stdout:captured 3\n", "stderr:bad\n",
  ]);
});

test("link keeps two properties equal both ways; dlink transforms one way", () => {
  const reg = new LoopbackRegistry();
  const a = new IntSlider({ value: 1, registry: reg }), b = new IntSlider({ value: 5, registry: reg });
  const unlink = link([a, "value"], [b, "value"]);
  assert.equal(b.value, 1);
  b.value = 9;
  assert.equal(a.value, 9);
  reg.fromFrontend(a.modelId, { method: "update", state: { value: 4 } });
  assert.equal(b.value, 4);
  unlink();
  a.value = 2;
  assert.equal(b.value, 4);
  const l = new Label({ registry: reg });
  dlink([a, "value"], [l, "value"], (v: number) => `k = ${v}`);
  a.value = 3;
  assert.equal(l.value, "k = 3");
});

test("interact builds controls from abbreviations and re-runs the function into its Output", async () => {
  const reg = new LoopbackRegistry();
  const calls: unknown[] = [];
  const w = interact((v) => { calls.push(v); return `${v.index} > ${v.threshold}`; }, { threshold: [0, 1, 0.1], k: [1, 9], index: ["NDVI", "NDWI"], mask: true }, { registry: reg });
  await w.update();
  assert.ok(w.controls["threshold"] instanceof FloatSlider);
  assert.ok(w.controls["k"] instanceof IntSlider);
  assert.ok(w.controls["index"] instanceof Dropdown);
  assert.ok(w.controls["mask"] instanceof Checkbox);
  assert.deepEqual(calls[0], { threshold: 0.5, k: 5, index: "NDVI", mask: true });
  reg.fromFrontend(w.controls["index"]!.modelId, { method: "update", state: { index: 1 } });
  await w.update();
  const last = w.out.outputs[w.out.outputs.length - 1]!;
  assert.equal(last.output_type === "display_data" ? last.data["text/plain"] : "", "NDWI > 0.5");
  assert.deepEqual(stateOf(reg, w.modelId)["children"], [...Object.values(w.controls), w.out].map((c) => `IPY_MODEL_${c.modelId}`));
  assert.throws(() => interact(() => 0, { bad: [3, 1] }, { registry: reg }), /interact\.bad must be \[min, max\] with min < max/);
});

test("DataTable: typed columns stay typed (binary buffers); other columns are JSON; fallbacks show the first rows", () => {
  const reg = new LoopbackRegistry();
  const t = table({ class: ["water", "urban", "forest"], pixels: new Int32Array([5120, 880, 20410]), f1: [0.91, null, 0.88], ok: [true, false, null] });
  const w = new DataTable(t, { pageSize: 2, registry: reg });
  const open = reg.messages(w.modelId)[0]!;
  const cols = (open.data["state"] as { columns: { name: string; kind: string; values: unknown }[] }).columns;
  assert.deepEqual(cols.map((c) => [c.name, c.kind]), [["class", "string"], ["pixels", "number"], ["f1", "number"], ["ok", "boolean"]]);
  assert.deepEqual(open.data["buffer_paths"], [["columns", 1, "values", "data"], ["columns", 2, "values", "data"]]);
  assert.deepEqual(Array.from(new Int32Array(open.buffers[0]!.slice().buffer)), [5120, 880, 20410]);
  assert.deepEqual(Array.from(new Float64Array(open.buffers[1]!.slice().buffer)), [0.91, NaN, 0.88]);
  const bundle = (w as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  assert.match(String(bundle["text/plain"]), /class\s+pixels\s+f1\s+ok\nwater\s+5120\s+0\.9100\s+true\n/);
  assert.match(String(bundle["text/plain"]), /\(3 rows × 4 columns, first 2 shown\)/);
  assert.match(String(bundle["text/html"]), /<td style="text-align:right">5120<\/td>/);
  reg.fromFrontend(w.modelId, { method: "update", state: { sort_by: "pixels", sort_descending: true, page: 1 } });
  assert.deepEqual([w.sort_by, w.sort_descending, w.page], ["pixels", true, 1]);
  const filtered = new DataTable(t.filter((d: { pixels: number }) => d.pixels > 1000), { registry: reg });
  const fcols = (reg.messages(filtered.modelId)[0]!.data["state"] as { columns: { values: { dtype?: string } }[] }).columns;
  assert.equal(fcols[1]!.values.dtype, "int32");
  assert.throws(() => new DataTable({} as never, { registry: reg }), /DataTable\.table must be an arquero table/);
});

test("arquero tables (of any arquero instance) display as a DataTable, also inside an Output widget", async () => {
  const { toMimeBundle } = await import("../../kernel/src/eo/display.js");
  const { Output } = await import("../../kernel/src/widgets/index.js");
  const t = table({ a: [1, 2] });
  const bundle = toMimeBundle(t);
  assert.match(String(bundle["text/plain"]), /a\n1\n2\n\(2 rows × 1 columns\)/);
  assert.ok("text/html" in bundle, "the table's HTML preview (the widget view too, where a kernel is connected)");
  const out = new Output({ registry: new LoopbackRegistry() });
  out.appendDisplayData(t);
  assert.match(String((out.outputs[0] as { data: Record<string, unknown> }).data["text/plain"]), /\(2 rows × 1 columns\)/);
  // something that only looks a little like a table is left alone
  assert.deepEqual(Object.keys(toMimeBundle({ numRows: () => 1 })), ["text/plain"]);
});

test("jslink/jsdlink create browser-side LinkModel/DirectionalLinkModel with [IPY_MODEL_id, field] endpoints", async () => {
  const { jslink, jsdlink } = await import("../../kernel/src/widgets/index.js");
  const reg = new LoopbackRegistry();
  const a = new IntSlider({ registry: reg }), b = new IntSlider({ registry: reg });
  const l = jslink([a, "value"], [b, "value"], { registry: reg });
  const st = stateOf(reg, l.modelId);
  assert.deepEqual([st["_model_name"], st["_view_name"], st["source"], st["target"]], ["LinkModel", null, [`IPY_MODEL_${a.modelId}`, "value"], [`IPY_MODEL_${b.modelId}`, "value"]]);
  assert.equal(stateOf(reg, jsdlink([a, "value"], [b, "max"], { registry: reg }).modelId)["_model_name"], "DirectionalLinkModel");
  assert.throws(() => jslink([a, "nosuch"], [b, "value"], { registry: reg }), /jslink\.nosuch must be a synced field of IntSlider/);
});

test("slider step must be above 0 and finite, whole for integer sliders (before: 0, -1, NaN and Infinity were accepted)", () => {
  const reg = new LoopbackRegistry();
  const intSteps = [0, -1, Number.NaN, Infinity, 0.5];
  for (const [make, steps, expected] of [
    [(step: number) => new IntSlider({ step, registry: reg }), intSteps, "a whole number above 0, e.g. 1"],
    [(step: number) => new IntRangeSlider({ step, registry: reg }), intSteps, "a whole number above 0, e.g. 1"],
    [(step: number) => new FloatSlider({ step, registry: reg }), [0, -0.1, Number.NaN, Infinity, -Infinity], "a finite number above 0, e.g. 0.1"],
  ] as const) {
    for (const step of steps) {
      assert.throws(() => make(step), (e: unknown) => e instanceof WidgetPropertyError && e.field === "step" &&
        e.message.includes(`.step must be ${expected}, got `), String(step));
    }
  }
  const s = new IntSlider({ step: 2, registry: reg });
  assert.throws(() => { s.step = 0; }, (e: unknown) => e instanceof WidgetPropertyError && e.field === "step");
  assert.equal(s.step, 2);
  assert.equal(new FloatSlider({ step: 0.05, registry: reg }).step, 0.05);
  assert.throws(() => interact(() => {}, { k: [0, 10, 0] }, { registry: reg }), (e: unknown) => e instanceof WidgetPropertyError && e.field === "step");
});
