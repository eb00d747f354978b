/**
 * Explainability: occlusion, RISE, band-group and superpixel ablation, permutation importance,
 * gradient methods for models that export input gradients, faithfulness curves and the
 * randomized-model sanity check.
 * @module
 */
export * from "./errors.js";
export type { ExplainOptions, Perturbation, ResolvedTargets } from "./target.js";
export * from "./attribution.js";
export * from "./occlusion.js";
export * from "./rise.js";
export * from "./superpixels.js";
export * from "./ablation.js";
export * from "./permutation.js";
export * from "./faithfulness.js";
export * from "./gradients.js";
export * from "./sanity.js";
export * from "./randomize-onnx.js";
export * from "./scene.js";
export * from "./gradient-model.js";
