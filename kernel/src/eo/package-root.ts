/**
 * Where the installed ai4eo package is: the folder holding its package.json, found by walking up
 * from this module (works from dist/ and from sources run with tsx).
 *
 * @example
 * ```ts
 * packageRoot();     // "/usr/lib/node_modules/ai4eo"
 * findPackageRoot(); // the same, or undefined when ai4eo's package.json cannot be found
 * ```
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ai4eoError } from "./errors.js";

/** Thrown when ai4eo's own package.json cannot be found above its modules (a broken install). */
export class PackageRootError extends Ai4eoError {}

let found: string | null | undefined;

/** The ai4eo package root, or `undefined` when no package.json named "ai4eo" is above this module. */
export function findPackageRoot(): string | undefined {
  if (found !== undefined) return found ?? undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "ai4eo") return (found = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) {
      found = null;
      return undefined;
    }
    dir = up;
  }
}

/**
 * The ai4eo package root.
 * @throws {PackageRootError} when it cannot be found (reinstall ai4eo).
 */
export function packageRoot(): string {
  const root = findPackageRoot();
  if (root === undefined) {
    throw new PackageRootError(`Cannot find ai4eo's package.json above ${fileURLToPath(import.meta.url)}; reinstall ai4eo.`);
  }
  return root;
}
