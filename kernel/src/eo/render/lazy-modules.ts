/**
 * Heavy dependencies of the rendering code (PNG encoder, colour scales), loaded on first use so
 * that opening and reading rasters does not pay for them (they cost ~60 ms of a fresh process's
 * start). Loaded synchronously with `require` (Node ≥ 20.19 requires ES modules), because the
 * display methods that use them are synchronous.
 * @module
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

let png: typeof import("fast-png") | undefined;
let chromatic: typeof import("d3-scale-chromatic") | undefined;

/**
 * fast-png, loaded on first call.
 * @example
 * ```ts
 * const bytes = fastPng().encode({ width: 1, height: 1, data: new Uint8Array([0, 0, 0, 255]), channels: 4, depth: 8 });
 * ```
 */
export function fastPng(): typeof import("fast-png") {
  return (png ??= require("fast-png") as typeof import("fast-png"));
}

/**
 * d3-scale-chromatic, loaded on first call.
 * @example
 * ```ts
 * d3Chromatic().interpolateViridis(0.5); // "rgb(33, 145, 140)"
 * ```
 */
export function d3Chromatic(): typeof import("d3-scale-chromatic") {
  return (chromatic ??= require("d3-scale-chromatic") as typeof import("d3-scale-chromatic"));
}
