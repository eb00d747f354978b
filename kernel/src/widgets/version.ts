/**
 * Module versions the widget models announce: ours comes from package.json (never hard-coded),
 * the @jupyter-widgets ones are the protocol's model-module versions (ipywidgets 8).
 * @module
 */
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModuleName } from "../../../widgets/src/contract.js";

/** The front-end module of our own models and views. */
export const AI4EO_MODULE: ModuleName = "ai4eo-widgets";
/** Model-module version of @jupyter-widgets/controls 5 (ipywidgets 8). */
export const CONTROLS_MODULE_VERSION = "2.0.0";
/** Model-module version of @jupyter-widgets/base 6 (ipywidgets 8). */
export const BASE_MODULE_VERSION = "2.0.0";
/** Model-module version of @jupyter-widgets/output 6 (ipywidgets 8). */
export const OUTPUT_MODULE_VERSION = "1.0.0";

let cached: { root: string; version: string } | undefined;

/** The root folder of the ai4eo package (where its package.json is), from source or from dist/. */
export function packageRoot(): string {
  return packageInfo().root;
}

/** The ai4eo package version, read from its package.json. */
export function packageVersion(): string {
  return packageInfo().version;
}

function packageInfo(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "ai4eo" && pkg.version) return (cached = { root: dir, version: pkg.version });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("ai4eo widgets: cannot find the ai4eo package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}
