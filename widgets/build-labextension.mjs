#!/usr/bin/env node
// Builds the JupyterLab 4 / Notebook 7 prebuilt (federated) extension offline into
// dist/labextension/ (what `ai4eo install` copies into Jupyter's labextensions folder):
//   1. esbuild bundles widgets/src/plugin (views + plotly) into an ES module, keeping
//      @jupyter-widgets/base external (JupyterLab's widget manager provides it, as a singleton);
//   2. @jupyterlab/builder turns it into a module-federation remote, with a minimal core package.json
//      (the JupyterLab core packages are shared singletons provided by JupyterLab itself).
// Usage: node widgets/build-labextension.mjs
import { build } from "esbuild";
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const stage = join(root, "build", "labextension");
const core = join(root, "build", "labextension-core");
const started = Date.now();
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, "lib"), { recursive: true });
mkdirSync(core, { recursive: true });

await build({
  entryPoints: [join(root, "widgets", "src", "plugin", "index.ts")],
  outfile: join(stage, "lib", "index.js"),
  bundle: true, format: "esm", minify: true, target: ["chrome110", "firefox110", "safari16"],
  external: ["@jupyter-widgets/base"], loader: { ".css": "text" }, legalComments: "none", logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
});

const basePkg = JSON.parse(readFileSync(join(root, "node_modules", "@jupyter-widgets", "base", "package.json"), "utf8"));
writeFileSync(join(stage, "package.json"), JSON.stringify({
  name: "ai4eo-widgets",
  version: pkg.version,
  description: "ai4eo plot and table widgets for JupyterLab 4 and Notebook 7",
  license: pkg.license,
  main: "lib/index.js",
  dependencies: { "@jupyter-widgets/base": `^${basePkg.version.split(".")[0]}.0.0` },
  jupyterlab: {
    extension: true,
    outputDir: "../../dist/labextension/ai4eo-widgets",
    webpackConfig: "../../widgets/labextension.webpack.cjs",
    sharedPackages: { "@jupyter-widgets/base": { bundled: false, singleton: true } },
  },
}, null, 2));

// The part of JupyterLab's core metadata the builder reads: shared singletons it provides.
const singletons = [
  "@jupyterlab/application", "@jupyterlab/apputils", "@jupyterlab/coreutils", "@jupyterlab/notebook",
  "@jupyterlab/rendermime", "@jupyterlab/services", "@lumino/algorithm", "@lumino/application",
  "@lumino/commands", "@lumino/coreutils", "@lumino/disposable", "@lumino/domutils", "@lumino/dragdrop",
  "@lumino/messaging", "@lumino/properties", "@lumino/signaling", "@lumino/virtualdom", "@lumino/widgets",
];
writeFileSync(join(core, "package.json"), JSON.stringify({
  name: "@jupyterlab/application-top", version: "4.5.0", private: true,
  dependencies: Object.fromEntries(singletons.map((p) => [p, p.startsWith("@lumino") ? "^2.0.0" : "~4.5.0"])),
  resolutions: {},
  jupyterlab: { singletonPackages: singletons },
}, null, 2));

const r = spawnSync(process.execPath, [join(root, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js"), "--core-path", core, stage], { cwd: root, encoding: "utf8" });
if (r.status !== 0) {
  console.error(r.stdout, r.stderr);
  process.exit(1);
}
const out = join(root, "dist", "labextension", "ai4eo-widgets");
const meta = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
if (!meta.jupyterlab?._build?.load || !existsSync(join(out, meta.jupyterlab._build.load))) {
  console.error("labextension build produced no remoteEntry");
  process.exit(1);
}
console.log(`widgets: built dist/labextension/ai4eo-widgets in ${Date.now() - started} ms (${meta.jupyterlab._build.load})`);
