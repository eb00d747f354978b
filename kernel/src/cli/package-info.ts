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
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The folder holding ai4eo's package.json (works from dist/ and from sources run with tsx). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "ai4eo") return (root = dir);
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find ai4eo's package.json above ${fileURLToPath(import.meta.url)}; reinstall ai4eo`);
    dir = up;
  }
}

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
