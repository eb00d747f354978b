/**
 * The EO figure helpers, exported from "ai4eo" as the `plots` namespace.
 * @example
 * ```ts
 * import { plots } from "ai4eo";
 * plots.histogram(raster, { bands: [3, 4] });
 * ```
 * @module
 */
export * from "./band-source.js";
export * from "./histogram.js";
export * from "./spectral-profile.js";
export * from "./scatter.js";
export * from "./line.js";
export * from "./heatmap.js";
export * from "./confusion-matrix.js";
export * from "./reliability-diagram.js";
