/**
 * Uncertainty: predictive distributions (MC dropout, deep ensembles, test-time augmentation),
 * calibration, temperature scaling, conformal prediction and OOD detection.
 * @module
 */
export * from "./errors.js";
export * from "./matrix.js";
export * from "./measures.js";
export * from "./tensor-ops.js";
export * from "./predictive.js";
export * from "./calibration.js";
export * from "./temperature.js";
export * from "./conformal.js";
export * from "./ood.js";
export type { ProgressInfo, ReportingOptions } from "./reporter.js";
export * from "./scene.js";
export * from "./views.js";
