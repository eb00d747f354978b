import { test } from "node:test";
import assert from "node:assert/strict";
import { WidgetStateCollector } from "../../kernel/src/cli/widget-state.js";
import { makeMessage } from "../../kernel/src/jupyter/wire.js";

const msg = (type: string, content: Record<string, unknown>, buffers: Uint8Array[] = []) => makeMessage(type, content, undefined, "s", { buffers });

test("widget state: open + update with buffers at nested paths, saved base64; closed models dropped", () => {
  const w = new WidgetStateCollector();
  assert.equal(w.notebookMetadata(), undefined);
  const base = { _model_name: "MapModel", _model_module: "ai4eo", _model_module_version: "0.1.0", zoom: 3 };
  w.observe(msg("comm_open", { comm_id: "m1", target_name: "jupyter.widget", data: { state: { ...base, layers: [{ name: "ndvi" }] }, buffer_paths: [["layers", 0, "tile"]] } }, [new Uint8Array([1, 2])]));
  w.observe(msg("comm_open", { comm_id: "other", target_name: "not.widgets", data: { state: base } }));
  w.observe(msg("comm_msg", { comm_id: "m1", data: { method: "update", state: { zoom: 5, overview: null }, buffer_paths: [["overview"]] } }, [new Uint8Array([255])]));
  w.observe(msg("comm_msg", { comm_id: "m1", data: { method: "custom", content: { zoom: 99 } } }));
  w.observe(msg("comm_open", { comm_id: "m2", target_name: "jupyter.widget", data: { state: base, buffer_paths: [] } }));
  w.observe(msg("comm_close", { comm_id: "m2", data: {} }));
  const meta = w.notebookMetadata() as Record<string, any>;
  const saved = meta["application/vnd.jupyter.widget-state+json"];
  assert.equal(saved.version_major, 2);
  assert.deepEqual(Object.keys(saved.state), ["m1"]);
  assert.deepEqual(saved.state.m1, {
    model_name: "MapModel",
    model_module: "ai4eo",
    model_module_version: "0.1.0",
    state: { ...base, zoom: 5, layers: [{ name: "ndvi" }] },
    buffers: [
      { path: ["layers", 0, "tile"], data: "AQI=", encoding: "base64" },
      { path: ["overview"], data: "/w==", encoding: "base64" },
    ],
  });
});
