/**
 * The minimal model interface shared by inference, uncertainty and explainability code.
 * @module
 */

/** A dense float32 tensor in row-major (C) order, e.g. NCHW for image batches. */
export interface Tensor {
  data: Float32Array;
  dims: readonly number[];
}

/** Options for one forward pass. */
export interface PredictOptions {
  /** Keep Dropout active (MC dropout). Models without an `mc_dropout` switch reject this. */
  mcDropout?: boolean;
  /**
   * For MC-dropout passes: reset the dropout random generator to this integer seed before the pass,
   * so a run of passes that starts with the same seed gives the same samples; later passes without
   * a seed continue that stream. Ignored on deterministic passes. Default: no reset (the current
   * stream continues; before any seed that is onnxruntime's unseeded generator).
   */
  seed?: number;
  /** Aborts the pass (a kernel interrupt triggers it). */
  signal?: AbortSignal;
  /**
   * Check the batch against the model's card (shape, NaN/Inf) before running. Default true;
   * callers that built the batch themselves from checked data (e.g. predictScene) pass false.
   */
  checkInput?: boolean;
}

/**
 * Anything that maps an input batch (N×C×H×W float32, already normalized) to the model's
 * primary output: N×K logits for classification, N×K×H×W logits for segmentation, N×1 or
 * N×2 (mean, log-variance) for regression, as the model's card states.
 */
export interface Predictor {
  predict(input: Tensor, options?: PredictOptions): Promise<Tensor>;
}
