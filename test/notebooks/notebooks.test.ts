// The tutorials are tests. Every notebook in notebooks/ is executed twice, by `ai4eo run` and by
// Debian's nbclient (/usr/bin/python3) with the ai4eo kernelspec installed into a temporary
// JUPYTER_PATH by `ai4eo install --prefix`: any error output fails; the two runs must give the
// same outputs, execution counts and widget state apart from timings and random widget ids
// (the reproducibility check). The `ai4eo run` copy is exported with `ai4eo export --html` and
// opened in Debian's chromium: every widget view renders, the provenance table is on the page,
// and no request leaves file://. The saved copies in notebooks/ must carry their outputs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { decode } from "fast-png";
import { ensureDist, root } from "../cli/ensure-dist.js";
import { ensureWidgetBundles, openBrowser, type BrowserSession } from "../browser/harness.js";
import { errorOutputs, firstDifference, maskTimings, normaliseRun, type NotebookLike } from "./normalise.js";

const NOTEBOOKS = join(root, "notebooks");
// AI4EO_NOTEBOOKS=01,05 restricts a local run to notebooks whose names contain one of the parts.
const only = (process.env["AI4EO_NOTEBOOKS"] ?? "").split(",").filter(Boolean);
const names = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb") && (only.length === 0 || only.some((p) => f.includes(p)))).sort();
const bin = join(root, "bin", "ai4eo.js");
let dir: string;
let browser: BrowserSession | undefined;
const env = () => ({ ...process.env, JUPYTER_PATH: join(dir, "share", "jupyter"), AI4EO_HISTORY_FILE: join(dir, "history.jsonl") });
const timings: string[] = [];

const NBCLIENT = [
  "import sys, nbformat, nbclient",
  "nb = nbformat.read(sys.argv[1], as_version=4)",
  "nbclient.NotebookClient(nb, kernel_name='ai4eo', allow_errors=True, timeout=600, resources={'metadata': {'path': sys.argv[3]}}).execute()",
  "nbformat.write(nb, sys.argv[2])",
].join("\n");

before(() => {
  ensureDist();
  ensureWidgetBundles();
  dir = mkdtempSync(join(tmpdir(), "ai4eo-notebooks-"));
  const install = spawnSync(process.execPath, [bin, "install", "--prefix", dir], { encoding: "utf8" });
  assert.equal(install.status, 0, install.stderr);
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (timings.length) process.stdout.write(`notebook timings:\n${timings.join("\n")}\n`);
});

test("there are tutorials, and the comparison masks timings but nothing else", () => {
  assert.ok(names.length >= 1, "notebooks/ has no .ipynb");
  assert.equal(maskTimings("tile 3/8 done in 1.25 s (850 ms decode), 12.5 tiles/s"), "tile 3/8 done in <time> (<time> decode), <rate>");
  assert.equal(maskTimings("6 bands, 20 samples, NDVI 0.41"), "6 bands, 20 samples, NDVI 0.41");
  assert.equal(maskTimings("data /tmp/ai4eo-tutorial-zpHmgr/cog.tif from http://127.0.0.1:44501/cog.tif"), "data <tmp>/cog.tif from http://127.0.0.1:<port>/cog.tif");
  const nb = (value: string): NotebookLike => ({ cells: [{ cell_type: "code", execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: [value] }] }] });
  assert.equal(firstDifference(normaliseRun(nb("took 2 s")).cells, normaliseRun(nb("took 3 s")).cells), undefined);
  const two: NotebookLike = { cells: [{ cell_type: "code", execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: "a\n" }, { output_type: "stream", name: "stdout", text: "b\n" }] }] };
  assert.equal(firstDifference(normaliseRun(two).cells, normaliseRun(nb("a\nb\n")).cells), undefined, "consecutive streams are joined as front ends show them");
  assert.match(firstDifference(normaliseRun(nb("NDVI 0.41")).cells, normaliseRun(nb("NDVI 0.42")).cells) ?? "", /NDVI 0\.41.*NDVI 0\.42/);
});

function spawnTimed(cmd: string, args: string[]): Promise<{ status: number | null; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { env: env(), stdio: ["ignore", "ignore", "pipe"], timeout: 600_000 });
    let stderr = "";
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (status) => resolve({ status, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

const runs = new Map<string, { file: string; nb: NotebookLike }>();

for (const name of names) {
  test(`${name}: ai4eo run and nbclient both run it without errors and give the same outputs`, async () => {
    const input = join(NOTEBOOKS, name);
    const viaRun = join(dir, name.replace(/\.ipynb$/, ".run.ipynb"));
    const viaNbclient = join(dir, name.replace(/\.ipynb$/, ".nbclient.ipynb"));
    // the two runs are independent kernels: run them side by side
    const [run, py] = await Promise.all([
      spawnTimed(process.execPath, [bin, "run", input, "-o", viaRun, "--timeout", "300"]),
      spawnTimed("/usr/bin/python3", ["-c", NBCLIENT, input, viaNbclient, NOTEBOOKS]),
    ]);
    assert.equal(run.status, 0, `ai4eo run ${name} failed:\n${run.stderr}`);
    const a = JSON.parse(readFileSync(viaRun, "utf8")) as NotebookLike;
    assert.deepEqual(errorOutputs(a), [], `${name} (ai4eo run) has error output`);
    assert.equal(py.status, 0, `nbclient ${name} failed:\n${py.stderr}`);
    const b = JSON.parse(readFileSync(viaNbclient, "utf8")) as NotebookLike;
    assert.deepEqual(errorOutputs(b), [], `${name} (nbclient) has error output`);

    const na = normaliseRun(a), nb = normaliseRun(b);
    const diff = firstDifference(na as never, nb as never);
    assert.equal(diff, undefined, `${name}: the two runs differ (apart from timings): ${diff}`);
    assert.ok(na.cells.some((c) => JSON.stringify(c).length > 100), `${name} produced hardly any output`);
    timings.push(`  ${name}: ai4eo run ${run.seconds.toFixed(1)} s, nbclient ${py.seconds.toFixed(1)} s (side by side)`);
    runs.set(name, { file: viaRun, nb: a });

    // ai4eo run records provenance in the metadata; the versions are the installed ones.
    const prov = (a.metadata?.["ai4eo"] as { provenance?: { versions: Record<string, string>; files: { path: string; sha256: string | null }[] } } | undefined)?.provenance;
    assert.ok(prov, `${name}: no metadata.ai4eo.provenance`);
    assert.equal(prov.versions["node"], process.version);
    assert.equal(prov.versions["ai4eo"], JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    for (const f of prov.files) if (!f.path.startsWith("http")) assert.match(f.sha256 ?? "", /^[0-9a-f]{64}$/, `${name}: ${f.path} has no hash`);
  });

  test(`${name}: the saved copy in notebooks/ carries its outputs`, () => {
    const saved = JSON.parse(readFileSync(join(NOTEBOOKS, name), "utf8")) as NotebookLike;
    assert.deepEqual(errorOutputs(saved), []);
    const code = saved.cells.filter((c) => c.cell_type === "code");
    assert.ok(code.every((c) => typeof c.execution_count === "number"), `${name} was saved without running every cell; run: node bin/ai4eo.js run notebooks/${name}`);
    const fresh = runs.get(name);
    if (fresh) {
      // the same kinds of output per cell (mime types may grow as displays improve; re-run to refresh)
      const shape = (nb: NotebookLike) => nb.cells.filter((c) => c.cell_type === "code").map((c) => [...new Set((c.outputs ?? []).map((o) => String(o["output_type"]).replace("execute_result", "display_data")))]);
      assert.deepEqual(shape(saved), shape(fresh.nb), `${name}: the saved outputs are stale; re-run: node bin/ai4eo.js run notebooks/${name}`);
    }
    const first = saved.cells[0], last = saved.cells[saved.cells.length - 1];
    const text = (c: typeof first) => (Array.isArray(c?.source) ? c!.source.join("") : c?.source ?? "");
    assert.equal(first?.cell_type, "markdown");
    assert.match(text(first), /What this teaches/i, `${name}: the first cell must say what it teaches`);
    assert.equal(last?.cell_type, "markdown");
    assert.match(text(last), /Try next/i, `${name}: the last cell must say what to try next`);
  });

  test(`${name}: the exported page renders every widget offline and shows the provenance`, async () => {
    const r = runs.get(name);
    assert.ok(r, "needs the run above");
    const html = join(dir, name.replace(/\.ipynb$/, ".html"));
    const exp = spawnSync(process.execPath, [bin, "export", r.file, "--html", html], { encoding: "utf8", env: env() });
    assert.equal(exp.status, 0, exp.stderr);
    assert.doesNotMatch(exp.stderr, /warning/);
    const bytes = readFileSync(html).byteLength;
    timings.push(`  ${name}: exported page ${(bytes / 2 ** 20).toFixed(2)} MiB`);
    browser ??= await openBrowser({ viewport: { width: 1100, height: 900 } });
    browser.requests.length = 0;
    browser.errors.length = 0;
    await browser.page.goto(pathToFileURL(html).href);
    const report = await browser.page.evaluate(() => (window as unknown as { ai4eoStatic: Promise<{ rendered: string[]; missing: string[]; errors: string[] }> }).ai4eoStatic);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.missing, []);
    const views = r.nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => ((o["data"] as Record<string, { model_id?: string }> | undefined)?.["application/vnd.jupyter.widget-view+json"]?.model_id))).filter((x): x is string => !!x);
    assert.deepEqual([...report.rendered].sort(), [...views].sort());
    const state = ((r.nb.metadata?.["widgets"] as Record<string, { state: Record<string, { model_name: string }> }> | undefined)?.["application/vnd.jupyter.widget-state+json"]?.state) ?? {};
    const maps = views.filter((id) => state[id]?.model_name === "MapModel").length;
    if (maps > 0) {
      await browser.page.waitForFunction((n) => document.querySelectorAll(".ai4eo-map[data-ai4eo-rendered=map]").length === n, maps, { timeout: 20_000 });
    }
    const prov = (r.nb.metadata?.["ai4eo"] as { provenance: { files: { sha256: string | null }[] } }).provenance;
    if (r.nb.cells.some((c) => /provenance\(\)/.test(Array.isArray(c.source) ? c.source.join("") : c.source ?? ""))) {
      const shown = await browser.page.locator(".ai4eo-provenance").last().textContent();
      for (const f of prov.files) if (f.sha256) assert.ok(shown?.includes(f.sha256), `the page's provenance table lacks ${f.sha256}`);
    }
    const external = browser.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:"));
    assert.deepEqual(external, [], "no request may leave file://");
    assert.deepEqual(browser.errors, []);

    // Screenshots of the first map and the first plot: checked to be pictures (not blank), and
    // written to notebooks/images/ for the README with AI4EO_UPDATE_SCREENSHOTS=1.
    for (const [kind, sel] of [["map", ".ai4eo-map-leaflet"], ["plot", ".ai4eo-plot"]] as const) {
      const loc = browser.page.locator(sel).first();
      if ((await loc.count()) === 0) continue;
      await loc.scrollIntoViewIfNeeded();
      await browser.page.mouse.move(0, 0);
      const png = await loc.screenshot({ animations: "disabled" });
      const img = decode(png);
      const colours = new Set<number>();
      for (let p = 0; p < img.width * img.height; p += 7) colours.add((Number(img.data[p * img.channels]) << 16) | (Number(img.data[p * img.channels + 1]) << 8) | Number(img.data[p * img.channels + 2]));
      assert.ok(colours.size > 50, `${name}: the ${kind} screenshot looks blank (${colours.size} colours)`);
      if (process.env["AI4EO_UPDATE_SCREENSHOTS"] === "1") {
        mkdirSync(join(NOTEBOOKS, "images"), { recursive: true });
        writeFileSync(join(NOTEBOOKS, "images", `${name.replace(/\.ipynb$/, "")}-${kind}.png`), png);
      }
    }
  });
}
