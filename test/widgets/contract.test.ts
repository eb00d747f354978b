import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PlotState, TableState } from "../../widgets/src/contract.js";
import { Plot, DataTable } from "../../kernel/src/widgets/index.js";
import { table } from "arquero";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the contract type test and the front-end sources type-check (tsc -p widgets/tsconfig.json)", () => {
  const r = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", "widgets/tsconfig.json"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

// Exhaustive lists of the contract's fields: adding or renaming a field in contract.ts breaks the
// `satisfies` below at compile time; the runtime check below compares with what the kernel sends.
const PLOT_FIELDS = {
  _model_name: 1, _model_module: 1, _model_module_version: 1, _view_name: 1, _view_module: 1, _view_module_version: 1,
  layout: 1, data: 1, figure_layout: 1, config: 1, selected_indices: 1, height: 1,
} satisfies Record<keyof PlotState, 1>;
const TABLE_FIELDS = {
  _model_name: 1, _model_module: 1, _model_module_version: 1, _view_name: 1, _view_module: 1, _view_module_version: 1,
  layout: 1, columns: 1, num_rows: 1, page_size: 1, page: 1, sort_by: 1, sort_descending: 1, precision: 1,
} satisfies Record<keyof TableState, 1>;
const DOM_EXTRA = ["tooltip", "tabbable", "_dom_classes"];

test("the kernel's Plot and DataTable send exactly the contract's fields (plus the DOM widget fields)", () => {
  const p = new Plot({}, { registry: null });
  assert.deepEqual(Object.keys(p.snapshot().state).filter((k) => !DOM_EXTRA.includes(k)).sort(), Object.keys(PLOT_FIELDS).sort());
  const t = new DataTable(table({ a: [1] }), { registry: null });
  assert.deepEqual(Object.keys(t.snapshot().state).filter((k) => !DOM_EXTRA.includes(k)).sort(), Object.keys(TABLE_FIELDS).sort());
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version: string };
  assert.equal(p.snapshot().state["_model_module_version"], pkg.version);
  p.close(); t.close();
});
