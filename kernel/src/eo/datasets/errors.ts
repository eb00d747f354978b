/**
 * Errors of the dataset loaders.
 * @module
 */
import { Ai4eoError } from "../errors.js";

/**
 * A dataset cannot be opened: missing folder or file, or a layout that is not the one expected.
 * @example
 * ```ts
 * try { await openEuroSat("missing/"); } catch (e) { if (e instanceof DatasetError) console.log(e.path); }
 * ```
 */
export class DatasetError extends Ai4eoError {
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * One sample of a dataset cannot be read (unreadable file, wrong band count or size). Datasets
 * report these and go on unless asked to stop (`onError: "throw"`).
 * @example
 * ```ts
 * for await (const s of ds.samples()) console.log(s.id); // unreadable samples are skipped
 * ds.problems; // [{ id, path, message }]
 * try {
 *   for await (const s of ds.samples({ onError: "throw" })) console.log(s.id);
 * } catch (e) {
 *   if (e instanceof SampleReadError) console.log(e.id, e.path, e.message);
 * }
 * ```
 */
export class SampleReadError extends Ai4eoError {
  constructor(message: string, readonly id: string, readonly path: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
  }
}
