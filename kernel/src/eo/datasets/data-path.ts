/**
 * Where the shipped data/ folder is (sample scenes, the Olinda benchmark, baseline models).
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The ai4eo package root (the folder with its package.json), found from this module's location. */
function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "ai4eo") return (root = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find the ai4eo package root above ${fileURLToPath(import.meta.url)}.`);
    dir = up;
  }
}

/**
 * Absolute path of a file in the shipped `data/` folder.
 * @example
 * ```ts
 * import { dataPath, loadModel } from "ai4eo";
 * const model = await loadModel(dataPath("models/olinda-segmenter.onnx"));
 * ```
 */
export function dataPath(...parts: string[]): string {
  return join(packageRoot(), "data", ...parts);
}
