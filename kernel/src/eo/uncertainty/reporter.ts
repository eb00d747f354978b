/**
 * Progress reporting for long uncertainty/explainability computations: a user callback and/or the
 * library's {@link progress} display (on by default inside a kernel, off in plain Node).
 * @module
 */
import { currentDisplayHost } from "../display.js";
import { progress, type Progress } from "../progress.js";
import { describeValue } from "../../util/describe-value.js";

/** Progress of a long computation: `done` of `total` forward passes. */
export interface ProgressInfo {
  done: number;
  total: number;
}

/** Progress options shared by uncertainty and explainability functions. */
export interface ReportingOptions {
  /** Called after every forward pass with `{ done, total }`. */
  onProgress?: (p: ProgressInfo) => void;
  /** Show a progress display; default: yes inside a kernel, no in plain Node scripts. */
  progress?: boolean;
}

/** A reporter for one computation of `total` forward passes. */
export interface Reporter {
  tick(): void;
  done(): void;
}

/**
 * Makes a {@link Reporter} for `total` passes labelled `label`.
 * @example
 * ```ts
 * const rep = reporter({ onProgress: console.log }, "my method", 10);
 * rep.tick(); rep.done();
 * ```
 */
export function reporter(options: ReportingOptions, label: string, total: number): Reporter {
  const show = options.progress ?? currentDisplayHost() !== undefined;
  const bar: Progress | undefined = show ? progress({ total, label, unit: "passes" }) : undefined;
  let n = 0;
  return {
    tick() {
      n++;
      bar?.tick();
      options.onProgress?.({ done: n, total });
    },
    done() {
      bar?.done();
    },
  };
}

/**
 * What is wrong with the `signal` and `onProgress` of {@link ReportingOptions}, as a sentence for
 * the caller's own input error, or undefined when both are absent or usable.
 * @example
 * ```ts
 * const problem = reportingOptionsProblem(options);
 * if (problem) throw new UncertaintyInputError(problem);
 * ```
 */
export function reportingOptionsProblem(options: { signal?: unknown; onProgress?: unknown }): string | undefined {
  const { signal, onProgress } = options;
  if (signal !== undefined && !(signal !== null && typeof signal === "object" && typeof (signal as AbortSignal).throwIfAborted === "function")) {
    return `signal must be an AbortSignal (e.g. new AbortController().signal), got ${describeValue(signal)}.`;
  }
  if (onProgress !== undefined && typeof onProgress !== "function") return `onProgress must be a function ({ done, total }) => void, got ${describeValue(onProgress)}.`;
  return undefined;
}
