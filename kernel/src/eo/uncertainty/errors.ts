/**
 * Errors of the uncertainty module. Each carries the numbers that went wrong and says what to do.
 * @module
 */
import { Ai4eoError } from "../errors.js";

/**
 * Base class of the uncertainty module's input errors.
 * @example
 * ```ts
 * try { calibrationReport(probs, labels); } catch (e) { if (e instanceof UncertaintyInputError) console.log(e.details); }
 * ```
 */
export class UncertaintyInputError extends Ai4eoError {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/**
 * Probabilities that are not a distribution: a row that does not sum to 1 (within the tolerance),
 * or a value outside [0, 1] or not finite.
 * @example
 * ```ts
 * try { brierScore([[0.5, 0.6]], [0]); } catch (e) { if (e instanceof ProbabilityError) console.log(e.row, e.sum); }
 * ```
 */
export class ProbabilityError extends UncertaintyInputError {
  constructor(message: string, readonly row: number, readonly sum: number) {
    super(message, { row, sum });
  }
}

/**
 * Two inputs that must have one entry per sample have different lengths (or shapes).
 * @example
 * ```ts
 * try { brierScore([[1, 0]], [0, 1]); } catch (e) { if (e instanceof LengthMismatchError) console.log(e.expected, e.actual); }
 * ```
 */
export class LengthMismatchError extends UncertaintyInputError {
  constructor(message: string, readonly expected: number, readonly actual: number) {
    super(message, { expected, actual });
  }
}

/**
 * A miscoverage level α outside the open interval (0, 1).
 * @example
 * ```ts
 * try { conformalClassifier(p, y, { alpha: 1.5 }); } catch (e) { if (e instanceof AlphaRangeError) console.log(e.alpha); }
 * ```
 */
export class AlphaRangeError extends UncertaintyInputError {
  constructor(readonly alpha: number) {
    super(`alpha must be in the open interval (0, 1), got ${alpha}. Use e.g. 0.1 for 90% coverage.`, { alpha });
  }
}

/**
 * A calibration split with too few samples for the requested α: split conformal needs
 * `n ≥ ⌈1/α⌉ − 1` calibration samples, otherwise the conformal quantile is infinite.
 * @example
 * ```ts
 * try { conformalClassifier(p, y, { alpha: 0.01 }); } catch (e) { if (e instanceof CalibrationSplitTooSmallError) console.log(e.needed); }
 * ```
 */
export class CalibrationSplitTooSmallError extends UncertaintyInputError {
  constructor(readonly n: number, readonly alpha: number, readonly needed: number) {
    super(
      `The calibration split has ${n} samples, too few for alpha=${alpha}: split conformal needs at least ` +
        `${needed} (⌈(n+1)(1−α)⌉ ≤ n). Use a larger calibration split or a larger alpha (≥ ${(1 / (n + 1)).toPrecision(3)}).`,
      { n, alpha, needed },
    );
  }
}
