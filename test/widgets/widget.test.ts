import { test } from "node:test";
import assert from "node:assert/strict";
import { LoopbackRegistry, captureWarnings } from "./loopback-registry.js";
import {
  IntSlider, FloatSlider, Plot, WidgetPropertyError, WIDGET_VIEW_MIME, WIDGET_CONTROL_TARGET, widgetStore,
} from "../../kernel/src/widgets/index.js";

test("comm_open carries the full state, protocol 2.1.0 and a Layout/Style opened before the slider", () => {
  const reg = new LoopbackRegistry();
  const s = new IntSlider({ value: 3, min: 0, max: 10, description: "k", registry: reg });
  const opens = reg.sent.filter((m) => m.type === "open");
  const names = opens.map((o) => (o.data["state"] as Record<string, unknown>)["_model_name"]);
  assert.deepEqual([...names.slice(0, 2)].sort(), ["LayoutModel", "SliderStyleModel"]);
  assert.equal(names[2], "IntSliderModel");
  const layoutOpen = opens[names.indexOf("LayoutModel")]!, styleOpen = opens[names.indexOf("SliderStyleModel")]!;
  const open = opens[2]!;
  assert.equal(open.target, "jupyter.widget");
  assert.deepEqual(open.metadata, { version: "2.1.0" });
  const st = open.data["state"] as Record<string, unknown>;
  assert.equal(st["value"], 3);
  assert.equal(st["_model_module"], "@jupyter-widgets/controls");
  assert.equal(st["_model_module_version"], "2.0.0");
  assert.equal(st["layout"], `IPY_MODEL_${layoutOpen.commId}`);
  assert.equal(st["style"], `IPY_MODEL_${styleOpen.commId}`);
  assert.equal(s.modelId, open.commId);
  assert.ok(reg.targets.has(WIDGET_CONTROL_TARGET));
});

test("setting a property sends an update and calls observers; wrong types throw naming the field", () => {
  const reg = new LoopbackRegistry();
  const s = new IntSlider({ value: 3, max: 10, registry: reg });
  const seen: [number, number, string][] = [];
  s.observe("value", (c) => seen.push([c.old, c.new, c.source]));
  s.value = 7;
  assert.deepEqual(reg.last(s.modelId)!.data, { method: "update", state: { value: 7 }, buffer_paths: [] });
  assert.deepEqual(seen, [[3, 7, "kernel"]]);
  assert.throws(() => { s.value = "8" as never; }, (e: unknown) => e instanceof WidgetPropertyError && /IntSlider\.value must be an integer, got the string "8"\./.test(e.message));
  assert.throws(() => { s.value = 2.5; }, /IntSlider\.value must be an integer/);
  assert.equal(s.value, 7);
  s.value = 99; // clamped like ipywidgets
  assert.equal(s.value, 10);
  assert.throws(() => s.set({ nosuch: 1 } as never), /IntSlider\.nosuch must be one of the synced fields/);
});

test("an update from the browser is applied, observed and echoed; bad ones warn and change nothing", () => {
  const reg = new LoopbackRegistry();
  const s = new FloatSlider({ value: 0.5, min: 0, max: 1, registry: reg });
  const other = new IntSlider({ value: 1, registry: reg });
  const seen: unknown[] = [];
  s.observe("value", (c) => seen.push([c.new, c.source]));
  reg.fromFrontend(s.modelId, { method: "update", state: { value: 0.25 }, buffer_paths: [] });
  assert.equal(s.value, 0.25);
  assert.deepEqual(seen, [[0.25, "view"]]);
  assert.deepEqual(reg.last(s.modelId)!.data, { method: "echo_update", state: { value: 0.25 }, buffer_paths: [] });

  const warnings = captureWarnings(() => {
    reg.fromFrontend(s.modelId, { method: "update", state: { value: "high" }, buffer_paths: [] });
    reg.fromFrontend(s.modelId, { method: "frobnicate" });
    reg.fromFrontend(s.modelId, { method: "update", state: { _model_name: "X" } });
    reg.fromFrontend(s.modelId, { method: "update", state: { value: 0.1 }, buffer_paths: [["value"]] }); // path without buffer
  });
  assert.equal(warnings.length, 4, warnings.join("\n"));
  assert.match(warnings[0]!, /FloatSlider\.value to a value of the wrong type \(expected a finite number\)/);
  assert.match(warnings[1]!, /unknown method "frobnicate"/);
  assert.match(warnings[2]!, /_model_name, which is not a synced field/);
  assert.match(warnings[3]!, /buffer_paths but 0 buffers/);
  assert.equal(s.value, 0.25);
  other.value = 4; // other widgets keep working
  assert.equal(reg.last(other.modelId)!.data["method"], "update");
});

test("request_state answers with the full state; observers throwing on browser changes are logged", () => {
  const reg = new LoopbackRegistry();
  const s = new IntSlider({ value: 2, registry: reg });
  reg.fromFrontend(s.modelId, { method: "request_state" });
  const st = reg.last(s.modelId)!.data["state"] as Record<string, unknown>;
  assert.equal(st["_model_name"], "IntSliderModel");
  assert.equal(st["value"], 2);
  s.observe("value", () => { throw new Error("boom"); });
  const w = captureWarnings(() => reg.fromFrontend(s.modelId, { method: "update", state: { value: 5 } }));
  assert.match(w[0]!, /observer of IntSlider\.value threw: Error: boom/);
  assert.equal(s.value, 5);
});

test("typed arrays travel as binary buffers with buffer_paths, both ways", () => {
  const reg = new LoopbackRegistry();
  const x = new Float32Array([1, 2, 3]);
  const p = new Plot({ data: [{ type: "scatter", x, y: new Int32Array([4, 5, 6]) }] }, { registry: reg });
  const open = reg.messages(p.modelId)[0]!;
  assert.deepEqual(open.data["buffer_paths"], [["data", 0, "x", "data"], ["data", 0, "y", "data"]]);
  assert.equal(open.buffers.length, 2);
  assert.deepEqual(new Float32Array(open.buffers[0]!.buffer, open.buffers[0]!.byteOffset, 3), x);
  const trace = (open.data["state"] as { data: Record<string, unknown>[] }).data[0]!;
  assert.deepEqual(trace["x"], { $typed: true, dtype: "float32", shape: [3], data: null });
  assert.ok(!JSON.stringify(open.data).includes("[1,2,3]"), "no JSON number list");
  // browser -> kernel: selected indices as a binary buffer
  const sel = new Int32Array([0, 2]);
  reg.fromFrontend(p.modelId, {
    method: "update", state: { selected_indices: { $typed: true, dtype: "int32", shape: [2], data: null } },
    buffer_paths: [["selected_indices", "data"]],
  }, [new Uint8Array(sel.buffer)]);
  assert.ok(p.selectedIndices instanceof Int32Array);
  assert.deepEqual([...p.selectedIndices!], [0, 2]);
  const echo = reg.last(p.modelId)!;
  assert.equal(echo.data["method"], "echo_update");
  assert.equal(echo.buffers.length, 1);
});

test("display gives the widget view plus a text fallback; detached widgets give only fallbacks", () => {
  const reg = new LoopbackRegistry();
  const s = new IntSlider({ value: 4, description: "k", registry: reg });
  const b = (s as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  assert.deepEqual(b[WIDGET_VIEW_MIME], { version_major: 2, version_minor: 0, model_id: s.modelId });
  assert.match(String(b["text/plain"]), /^IntSlider\(.*value=4/);
  const d = new IntSlider({ value: 1, registry: null });
  const bd = (d as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  assert.equal(bd[WIDGET_VIEW_MIME], undefined);
  assert.equal(d.live, false);
  d.value = 3; // works detached, no comm
  assert.equal(d.value, 3);
});

test("close sends comm_close, forgets the widget, and later sets throw", () => {
  const reg = new LoopbackRegistry();
  const s = new IntSlider({ registry: reg });
  assert.ok(widgetStore().has(s.modelId));
  s.close();
  assert.equal(reg.last(s.modelId)!.type, "close");
  assert.ok(!widgetStore().has(s.modelId));
  assert.throws(() => { s.value = 1; }, /is closed; create a new widget/);
});

test("the jupyter.widget.control target answers request_states with every widget and its buffers", () => {
  const reg = new LoopbackRegistry();
  const p = new Plot({ data: [{ type: "bar", y: new Float64Array([1, 2]) }] }, { registry: reg });
  const ctl = reg.openFromFrontend(WIDGET_CONTROL_TARGET);
  reg.fromFrontend(ctl.commId, { method: "request_states" });
  const reply = reg.last(ctl.commId)!;
  assert.equal(reply.data["method"], "update_states");
  const states = reply.data["states"] as Record<string, { model_name: string }>;
  assert.equal(states[p.modelId]!.model_name, "PlotModel");
  const paths = reply.data["buffer_paths"] as (string | number)[][];
  const i = paths.findIndex((q) => q[0] === p.modelId);
  assert.deepEqual(paths[i], [p.modelId, "state", "data", 0, "y", "data"]);
  assert.deepEqual([...new Float64Array(reply.buffers[i]!.slice().buffer)], [1, 2]);
});
