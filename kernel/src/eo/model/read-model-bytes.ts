/**
 * The bytes of an ONNX model given as a path or as bytes, with the error a missing or unreadable
 * file gets wherever a model is loaded.
 * @module
 */
import { readFile } from "node:fs/promises";
import { ModelLoadError } from "./errors.js";

/**
 * Reads a model file (bytes are returned as they are).
 * @throws {ModelLoadError} naming the file when it is missing or cannot be read
 * @example
 * ```ts
 * const bytes = await readModelBytes("data/models/olinda-segmenter.onnx");
 * ```
 */
export async function readModelBytes(source: string | Uint8Array): Promise<Uint8Array> {
  if (typeof source !== "string") return source;
  try {
    return await readFile(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelLoadError(
      code === "ENOENT" ? `Model file ${source} does not exist. Check the path (relative paths start at ${process.cwd()}).` : `Cannot read model file ${source}: ${(e as Error).message}.`,
      source, { cause: e },
    );
  }
}
