#!/usr/bin/env node
// Builds the browser bundles with esbuild into dist/widgets/:
//   embed.js + embed.css  the static-export bundle (html-manager + controls + ai4eo views), inlined by `ai4eo export`
//   live.js + live.css    a Voila-style page runtime (@jupyterlab/services + html-manager) for live pages and browser tests
//   lib.js                the ai4eo views as an ES module (for the JupyterLab extension build)
// Usage: node widgets/build.mjs [--watch]
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { statSync } from "node:fs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "widgets");

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["chrome110", "firefox110", "safari16"],
  logLevel: "warning",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  loader: { ".woff2": "dataurl", ".woff": "empty", ".ttf": "empty", ".eot": "empty", ".svg": "empty", ".png": "dataurl", ".gif": "dataurl" },
  // ipywidgets 7 copies that html-manager can load for old notebooks; our exports are ipywidgets 8 state.
  external: ["@jupyter-widgets/base7", "@jupyter-widgets/controls7"],
  absWorkingDir: root,
};

const started = Date.now();
await Promise.all([
  build({ ...common, entryPoints: { embed: "widgets/src/embed/index.ts" }, outdir: out, format: "iife" }),
  build({ ...common, entryPoints: { live: "widgets/src/live/index.ts" }, outdir: out, format: "iife" }),
]);
const kb = (f) => (statSync(join(out, f)).size / 1024).toFixed(0) + " KiB";
console.log(`widgets: built dist/widgets in ${Date.now() - started} ms (embed.js ${kb("embed.js")}, embed.css ${kb("embed.css")}, live.js ${kb("live.js")})`);
