/**
 * The public entry of "ai4eo": what notebooks and Node scripts import.
 *
 * @example
 * ```ts
 * import { openRaster } from "ai4eo";
 * ```
 * @module
 */
export * from "./eo/index.js";
export * from "./widgets/index.js";
