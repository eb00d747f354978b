/**
 * Errors thrown by model loading, model cards and inference.
 * @module
 */
import { Ai4eoError } from "../errors.js";

/**
 * A model file could not be read or is not an ONNX model that onnxruntime can run.
 * @example
 * ```ts
 * try { await loadModel("notes.txt"); } catch (e) { if (e instanceof ModelLoadError) console.log(e.path); }
 * ```
 */
export class ModelLoadError extends Ai4eoError {
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A model card is missing, malformed, or disagrees with the ONNX graph it describes.
 * @example
 * ```ts
 * try { parseModelCard({ task: "?" }, "card.json"); } catch (e) { if (e instanceof ModelCardError) console.log(e.field); }
 * ```
 */
export class ModelCardError extends Ai4eoError {
  constructor(message: string, readonly source: string, readonly field?: string) {
    super(message);
  }
}

/**
 * Input data do not match what the model's card expects (band count or order, dtype, size, NaNs).
 * `expected` and `got` hold the two sides so code can react.
 * @example
 * ```ts
 * try { await model.predict({ data: new Float32Array(5 * 64), dims: [1, 5, 8, 8] }); }
 * catch (e) { if (e instanceof ModelInputError) console.log(e.expected, e.got); }
 * ```
 */
export class ModelInputError extends Ai4eoError {
  constructor(message: string, readonly expected: unknown, readonly got: unknown) {
    super(message);
  }
}

/**
 * A model's output does not have the shape its card and its input imply (K values a patch, one
 * per class of the card; for whole-scene inference with a fully convolutional model, K planes of
 * the tile's size). `dims` is what the model returned; `expected` what was needed (null when only
 * a size limit is known).
 * @example
 * ```ts
 * try { await predictScene(model, scene); }
 * catch (e) { if (e instanceof ModelOutputError) console.log(e.dims, e.expected); }
 * ```
 */
export class ModelOutputError extends Ai4eoError {
  constructor(message: string, readonly dims: readonly number[], readonly expected: readonly number[] | null, options?: { cause?: unknown }) {
    super(message, options);
  }
}
