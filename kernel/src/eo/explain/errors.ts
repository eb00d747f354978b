/**
 * Errors of the explainability module: each names what was wrong (window, band, class, shape) and what to do.
 * @module
 */
import { Ai4eoError } from "../errors.js";

/**
 * Base class of explainability input errors.
 * @example
 * ```ts
 * try { await rise(model, x, { masks: 0 }); } catch (e) { if (e instanceof ExplainInputError) console.log(e.details); }
 * ```
 */
export class ExplainInputError extends Ai4eoError {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/**
 * An occlusion window (or superpixel size) larger than the patch.
 * @example
 * ```ts
 * try { await occlusion(model, x, { window: 128 }); } catch (e) { if (e instanceof WindowSizeError) console.log(e.window, e.patch); }
 * ```
 */
export class WindowSizeError extends ExplainInputError {
  constructor(readonly window: readonly [number, number], readonly patch: readonly [number, number]) {
    super(
      `The occlusion window ${window[0]}×${window[1]} is larger than the ${patch[0]}×${patch[1]} patch; use a window of at most ${patch[0]}×${patch[1]} (e.g. ${Math.max(1, Math.floor(patch[0] / 8))}).`,
      { window, patch },
    );
  }
}

/**
 * Band groups naming bands the model does not have.
 * @example
 * ```ts
 * try { await featureAblation(model, x, { bandNames: ["B2", "B3"], groups: { swir: ["B11"] } }); }
 * catch (e) { if (e instanceof UnknownBandGroupError) console.log(e.band, e.available); }
 * ```
 */
export class UnknownBandGroupError extends ExplainInputError {
  constructor(readonly group: string, readonly band: string | number, readonly available: readonly string[]) {
    super(
      `Band group "${group}" names band ${JSON.stringify(band)}, which is not among the model's ${available.length} input bands ` +
        `[${available.join(", ")}]. Use those names (as in the model card) or 0-based band indices.`,
      { group, band, available },
    );
  }
}

/**
 * A target class that the model does not output (or targets not matching the batch).
 * @example
 * ```ts
 * try { await occlusion(model, x, { target: 12 }); } catch (e) { if (e instanceof TargetMismatchError) console.log(e.classes); }
 * ```
 */
export class TargetMismatchError extends ExplainInputError {
  constructor(message: string, readonly classes: number) {
    super(message, { classes });
  }
}

/**
 * A gradient method asked of a model that exports no input gradient.
 * @example
 * ```ts
 * try { await saliency(model, x); } catch (e) { if (e instanceof GradientUnavailableError) await occlusion(model, x); }
 * ```
 */
export class GradientUnavailableError extends ExplainInputError {
  constructor(method: string, detail?: string) {
    super(
      `${method} is unavailable because this model exports no input gradient${detail ? ` (${detail})` : ""}: ONNX Runtime has no ` +
        `autograd, so the model must provide an "input_grad" output (see the recipe in test/eo/explain/fixtures/make_models.py) ` +
        `and be loaded with loadGradientModel(). Use the perturbation methods instead: occlusion(), rise() or featureAblation().`,
      { method, detail },
    );
  }
}
