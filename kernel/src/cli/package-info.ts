/**
 * Facts about the installed ai4eo package, read at run time (never hard-coded): its root folder,
 * version, and the version of the TypeScript that checks cells.
 *
 * @example
 * ```ts
 * packageRoot();          // "/usr/lib/node_modules/ai4eo"
 * packageVersion();       // "0.1.0"
 * typescriptVersion();    // "5.0.4"
 * ```
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../eo/package-root.js";

export { packageRoot };

/** ai4eo's version from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** The version of the TypeScript compiler tslab's converter uses (read from its package.json, without loading it). */
export function typescriptVersion(): string {
  const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
  const pj = tslabRequire.resolve("@tslab/typescript-for-tslab/package.json");
  return (JSON.parse(readFileSync(pj, "utf8")) as { version: string }).version;
}

/** tslab's version. */
export function tslabVersion(): string {
  const pj = createRequire(import.meta.url).resolve("tslab/package.json");
  return (JSON.parse(readFileSync(pj, "utf8")) as { version: string }).version;
}
