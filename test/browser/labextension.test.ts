// The JupyterLab prebuilt extension: `ai4eo install` puts it next to the kernelspec; its federated
// remoteEntry loads in a real browser, takes @jupyter-widgets/base from the shared scope (the
// singleton JupyterLab's widget manager provides) and registers our models and views.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ensureDist } from "../cli/ensure-dist.js";
import { ROOT, openBrowser, type BrowserSession } from "./harness.js";

let dir: string;
let session: BrowserSession;
const ext = join(ROOT, "dist", "labextension", "ai4eo-widgets");

before(async () => {
  ensureDist();
  if (!existsSync(join(ext, "package.json"))) {
    const r = spawnSync(process.execPath, [join(ROOT, "widgets", "build-labextension.mjs")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
  dir = mkdtempSync(join(tmpdir(), "ai4eo-labext-"));
});
after(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("ai4eo install copies the extension next to the kernelspec and says when jupyterlab_widgets is missing", () => {
  const env = { ...process.env, JUPYTER_PATH: join(dir, "other"), JUPYTER_DATA_DIR: join(dir, "user") };
  let r = spawnSync(process.execPath, [join(ROOT, "bin", "ai4eo.js"), "install", "--prefix", join(dir, "env")], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  const installed = join(dir, "env", "share", "jupyter", "labextensions", "ai4eo-widgets");
  const meta = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string; jupyterlab: { _build: { load: string; extension: string } } };
  assert.equal(meta.version, JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  assert.ok(existsSync(join(installed, meta.jupyterlab._build.load)));
  assert.equal(meta.jupyterlab._build.extension, "./extension");
  assert.match(r.stderr, /widget manager \(the jupyterlab_widgets package\) was not found/);
  // With jupyterlab_widgets' extension present on JUPYTER_PATH, no note.
  mkdirSync(join(dir, "other", "labextensions", "@jupyter-widgets", "jupyterlab-manager"), { recursive: true });
  writeFileSync(join(dir, "other", "labextensions", "@jupyter-widgets", "jupyterlab-manager", "package.json"), "{}");
  r = spawnSync(process.execPath, [join(ROOT, "bin", "ai4eo.js"), "install", "--prefix", join(dir, "env")], { encoding: "utf8", env });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /not found/);
});

test("the federated remoteEntry loads, uses the shared @jupyter-widgets/base singleton and registers PlotModel/PlotView/TableModel/TableView", async () => {
  const meta = JSON.parse(readFileSync(join(ext, "package.json"), "utf8")) as { jupyterlab: { _build: { load: string } } };
  // The shared module JupyterLab's widget manager would provide: @jupyter-widgets/base from node_modules.
  await build({ stdin: { contents: 'export * from "@jupyter-widgets/base";', resolveDir: ROOT }, bundle: true, format: "iife", globalName: "jwBase", outfile: join(dir, "base.js"), loader: { ".css": "empty" }, logLevel: "error", define: { global: "globalThis" } });
  const baseVersion = JSON.parse(readFileSync(join(ROOT, "node_modules", "@jupyter-widgets", "base", "package.json"), "utf8")).version as string;
  writeFileSync(join(dir, "page.html"), `<!DOCTYPE html><html><body>
<script src="${pathToFileURL(join(dir, "base.js")).href}"></script>
<script src="${pathToFileURL(join(ext, meta.jupyterlab._build.load)).href}"></script>
</body></html>`);
  session = await openBrowser();
  await session.page.goto(pathToFileURL(join(dir, "page.html")).href);
  // Plain JavaScript (a string): functions compiled by tsx carry helpers the page does not have.
  const result = await session.page.evaluate(`(async (version) => {
    const container = window._JUPYTERLAB["ai4eo-widgets"];
    await container.init({ "@jupyter-widgets/base": { [version]: { get: () => Promise.resolve(() => window.jwBase), loaded: 1, from: "jupyterlab_widgets" } } });
    const plugin = (await container.get("./extension"))().default;
    const registered = [];
    plugin.activate({}, { registerWidget: (x) => registered.push(x) });
    const r = registered[0];
    return {
      id: plugin.id,
      requiresRegistryToken: plugin.requires[0] === window.jwBase.IJupyterWidgetRegistry,
      name: r.name, version: r.version, exports: Object.keys(r.exports).sort(),
      sharedBase: r.exports.PlotView.prototype instanceof window.jwBase.DOMWidgetView && r.exports.TableModel.prototype instanceof window.jwBase.DOMWidgetModel,
      style: !!document.getElementById("ai4eo-widgets-style"),
    };
  })(${JSON.stringify(baseVersion)})`);
  assert.deepEqual(result, {
    id: "ai4eo-widgets:plugin", requiresRegistryToken: true, name: "ai4eo-widgets",
    version: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
    exports: ["PlotModel", "PlotView", "TableModel", "TableView"], sharedBase: true, style: true,
  });
  assert.deepEqual(session.errors, []);
});
