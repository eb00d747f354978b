/**
 * Where the shipped data/ folder is (sample scenes, the Olinda benchmark, baseline models).
 * @module
 */
import { join } from "node:path";
import { packageRoot } from "../package-root.js";

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
