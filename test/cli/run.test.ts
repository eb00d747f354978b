// `ai4eo run` against Debian's nbclient executing the same notebook with the same kernel: same
// outputs, same execution counts, same widget state; plus exit codes and messages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "./ensure-dist.js";

let dir: string;
const bin = () => join(root, "bin", "ai4eo.js");
const env = () => ({ ...process.env, JUPYTER_PATH: join(dir, "share", "jupyter"), AI4EO_HISTORY_FILE: join(dir, "history.jsonl") });

function notebook(cells: { type?: string; source: string }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((c, i) => ({
      id: `cell-${i}`,
      cell_type: c.type ?? "code",
      metadata: {},
      source: c.source,
      ...(c.type === "markdown" ? {} : { outputs: [], execution_count: null }),
    })),
  });
}

const WIDGET_CELL = [
  "const reg = (globalThis as any)[Symbol.for('ai4eo.commRegistry')];",
  "const state = { _model_name: 'DOMWidgetModel', _model_module: '@jupyter-widgets/base', _model_module_version: '2.0.0', value: 1 };",
  "const w = reg.open('jupyter.widget', { state, buffer_paths: [['pixels']] }, [new Uint8Array([1, 2, 3, 250])], { version: '2.1.0' });",
  "w.send({ method: 'update', state: { value: 2 }, buffer_paths: [] });",
  "display.mime({ 'application/vnd.jupyter.widget-view+json': { version_major: 2, version_minor: 0, model_id: w.commId }, 'text/plain': 'a widget' });",
].join("\n");

const CELLS = [
  { type: "markdown", source: "# Bands" },
  { source: "const bands: string[] = ['B02', 'B03', 'B04', 'B08'];\nconsole.log(bands.length);" },
  { source: "bands.map((b) => b.toLowerCase())" },
  { source: "display.html('<b>' + bands.join(',') + '</b>');\nconsole.error('a warning');\n({ nir: 'B08' })" },
  { source: "const h = display.markdown('step 1', { displayId: 'steps' });\nh.update.markdown('step 2');" },
  { source: WIDGET_CELL },
  { source: "throw new RangeError('band B13 does not exist')" },
  { source: "'after the error'" },
];

before(() => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "ai4eo-run-test-"));
  const install = spawnSync(process.execPath, [bin(), "install", "--prefix", dir], { encoding: "utf8" });
  assert.equal(install.status, 0, install.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

type Out = Record<string, unknown>;
// nbformat stores multi-line strings as lists of lines; compare them joined.
function joinLines(v: unknown): unknown {
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join("");
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "traceback" ? x : joinLines(x)]));
  return v;
}
function normalise(nb: { cells: { cell_type: string; outputs?: Out[]; execution_count?: number | null }[] }): unknown[] {
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => ({
      execution_count: c.execution_count,
      outputs: (c.outputs ?? []).map((o) => {
        const { transient: _t, ...rest } = joinLines(o) as Out & { transient?: unknown };
        if (rest.output_type === "display_data" && rest.data && (rest.data as Out)["application/vnd.jupyter.widget-view+json"]) {
          return { ...rest, data: { ...(rest.data as Out), "application/vnd.jupyter.widget-view+json": "<model id>" } };
        }
        return rest;
      }),
    }));
}

test("ai4eo run gives the same outputs, counts and widget state as Debian's nbclient with this kernel", () => {
  const input = join(dir, "bands.ipynb");
  writeFileSync(input, notebook(CELLS));
  const viaNbclient = join(dir, "nbclient.ipynb");
  const py = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      "import sys, nbformat, nbclient\nnb = nbformat.read(sys.argv[1], as_version=4)\nnbclient.NotebookClient(nb, kernel_name='ai4eo', allow_errors=True, timeout=120).execute()\nnbformat.write(nb, sys.argv[2])",
      input,
      viaNbclient,
    ],
    { encoding: "utf8", env: env(), cwd: dir, timeout: 180_000 },
  );
  assert.equal(py.status, 0, py.stderr);
  const viaRun = join(dir, "run.ipynb");
  const run = spawnSync(process.execPath, [bin(), "run", input, "-o", viaRun, "--allow-errors"], { encoding: "utf8", env: env(), cwd: dir, timeout: 180_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /\[1\/7\] cell 2: ok/);
  assert.match(run.stderr, /\[6\/7\] cell 7: error/);

  const a = JSON.parse(readFileSync(viaNbclient, "utf8"));
  const b = JSON.parse(readFileSync(viaRun, "utf8"));
  assert.deepEqual(normalise(b), normalise(a));
  // spot-check the content, so equality is not of two empty notebooks
  const cells = normalise(b) as { outputs: Out[] }[];
  assert.deepEqual(cells[0]!.outputs, [{ output_type: "stream", name: "stdout", text: "4\n" }]);
  assert.deepEqual((cells[3]!.outputs[0]!.data as Out)["text/markdown"], "step 2");
  assert.equal(cells[5]!.outputs[0]!.ename, "RangeError");

  const wa = a.metadata.widgets["application/vnd.jupyter.widget-state+json"];
  const wb = b.metadata.widgets["application/vnd.jupyter.widget-state+json"];
  assert.equal(wb.version_major, 2);
  assert.equal(wb.version_minor, 0);
  const [idB] = Object.keys(wb.state);
  const [idA] = Object.keys(wa.state);
  assert.deepEqual(wb.state[idB!], wa.state[idA!]);
  assert.equal(wb.state[idB!].state.value, 2);
  assert.deepEqual(wb.state[idB!].buffers, [{ path: ["pixels"], data: Buffer.from([1, 2, 3, 250]).toString("base64"), encoding: "base64" }]);
  assert.equal(b.metadata.kernelspec.name, "ai4eo");
  assert.equal(b.metadata.language_info.name, "typescript");
});

test("ai4eo run stops at a failing cell with exit code 1, unless --allow-errors", () => {
  const input = join(dir, "fails.ipynb");
  writeFileSync(input, notebook([{ source: "1" }, { source: "throw new Error('boom')" }, { source: "'never runs'" }]));
  const out = join(dir, "fails.out.ipynb");
  const r = spawnSync(process.execPath, [bin(), "run", input, "-o", out], { encoding: "utf8", env: env(), timeout: 120_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cell 2 failed/);
  const nb = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(nb.cells[1].outputs[0].evalue, "boom");
  assert.deepEqual(nb.cells[2].outputs, []);
  assert.equal(nb.cells[2].execution_count, null);
});

test("ai4eo run rejects a file that is not a notebook with a clear message and exit code 2", () => {
  const bad = join(dir, "not-a-notebook.ipynb");
  writeFileSync(bad, "{\"cells\": 3}");
  const r = spawnSync(process.execPath, [bin(), "run", bad], { encoding: "utf8", env: env() });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not-a-notebook\.ipynb is not a valid Jupyter notebook \(nbformat 4\): nbformat is undefined, expected 4/);
  writeFileSync(bad, "this is text");
  const t = spawnSync(process.execPath, [bin(), "run", bad], { encoding: "utf8", env: env() });
  assert.equal(t.status, 2);
  assert.match(t.stderr, /not JSON/);
  const missing = spawnSync(process.execPath, [bin(), "run", join(dir, "missing.ipynb")], { encoding: "utf8", env: env() });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /missing\.ipynb does not exist/);
  const usage = spawnSync(process.execPath, [bin(), "run"], { encoding: "utf8", env: env() });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: ai4eo run NOTEBOOK\.ipynb/);
});

test("ai4eo run interrupts a cell that exceeds --timeout", () => {
  const input = join(dir, "slow.ipynb");
  writeFileSync(input, notebook([{ source: "while (true) {}" }, { source: "'not reached'" }]));
  const r = spawnSync(process.execPath, [bin(), "run", input, "-o", join(dir, "slow.out.ipynb"), "--timeout", "3"], { encoding: "utf8", env: env(), timeout: 120_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /cell 1: timeout/);
});
