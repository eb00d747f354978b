// `ai4eo export`: pages from notebooks with and without widget state, bad input, the size budget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWidgetBundles, ROOT } from "../browser/harness.js";
import { ensureDist } from "./ensure-dist.js";
import { exportNotebookHtml } from "../../kernel/src/cli/export.js";

let dir: string;
before(() => { ensureDist(); ensureWidgetBundles(); dir = mkdtempSync(join(tmpdir(), "ai4eo-export-")); });
after(() => rmSync(dir, { recursive: true, force: true }));

const tiny = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const nb = (metadata: Record<string, unknown> = {}) => ({
  nbformat: 4, nbformat_minor: 5, metadata,
  cells: [
    { cell_type: "markdown", source: ["# NDVI\n", "Uses <b>band</b> 4 & 3."], metadata: {} },
    { cell_type: "code", source: "const x = 1 < 2;", execution_count: 1, metadata: {}, outputs: [
      { output_type: "stream", name: "stdout", text: ["</script><script>alert(1)</script>\n"] },
      { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": "true", "image/png": tiny } },
      { output_type: "display_data", metadata: {}, data: { "text/plain": "IntSlider(value=3)", "text/html": "<i>slider fallback</i>", "application/vnd.jupyter.widget-view+json": { version_major: 2, version_minor: 0, model_id: "abc123" } } },
      { output_type: "error", ename: "RangeError", evalue: "band 13", traceback: ["\u001b[31mRangeError\u001b[0m: band 13"] },
    ] },
  ],
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin", "ai4eo.js"), ...args], { encoding: "utf8", cwd: ROOT });
}

test("a notebook without widget state exports everything else and names the widgets it could not include", () => {
  writeFileSync(join(dir, "plain.ipynb"), JSON.stringify(nb()));
  const r = cli(["export", join(dir, "plain.ipynb"), "--html", join(dir, "plain.html")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /1 widget\(s\) have no saved state and are shown as static fallbacks: cell 2 \(model abc123\)\. Run the notebook with "ai4eo run"/);
  assert.match(r.stdout, /wrote .*plain\.html \(\d+\.\d\d MiB, 0 widget view\(s\)/);
  const html = readFileSync(join(dir, "plain.html"), "utf8");
  assert.match(html, /<h1>NDVI<\/h1>/);
  assert.match(html, /const x = 1 &lt; 2;/);
  assert.match(html, /&lt;\/script&gt;&lt;script&gt;alert\(1\)/, "stream text is escaped");
  assert.match(html, /<img class="out-img" alt="output image" src="data:image\/png;base64,iVBOR/);
  assert.match(html, /<i>slider fallback<\/i>/);
  assert.match(html, /RangeError: band 13/);
  assert.ok(!html.includes("\u001b["), "ANSI colour codes are stripped");
  assert.ok(!/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//.test(html), "no external scripts, styles or images (the browser test checks no request leaves file://)");
});

test("saved state is embedded; the budget warns when exceeded; bad input is a clear error", () => {
  const state = { "application/vnd.jupyter.widget-state+json": { version_major: 2, version_minor: 0, state: { abc123: { model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { value: 3 } } } } };
  const r = exportNotebookHtml(nb({ widgets: state }) as never, { maxBytes: 1024 });
  assert.equal(r.widgets, 1);
  assert.deepEqual(r.missingWidgets, []);
  assert.match(r.html, /<script type="application\/vnd\.jupyter\.widget-state\+json">\{"version_major":2/);
  assert.ok(r.overBudget);
  assert.match(r.warnings[0]!, /over the 0 MiB budget \(runtime \d+\.\d MiB, widget state 0\.0 MiB/);
  writeFileSync(join(dir, "bad.ipynb"), "{ not json");
  let c = cli(["export", join(dir, "bad.ipynb"), "--html", join(dir, "bad.html")]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /bad\.ipynb is not valid JSON .*; export needs a \.ipynb notebook file/);
  c = cli(["export", join(dir, "missing.ipynb"), "--html", join(dir, "x.html")]);
  assert.match(c.stderr, /missing\.ipynb does not exist/);
  c = cli(["export", join(dir, "plain.ipynb")]);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /need a notebook and --html OUT\.html/);
});
