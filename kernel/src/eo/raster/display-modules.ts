/**
 * The display code of rasters and sources (quicklook PNG, HTML summary), loaded on first display
 * instead of when the raster reader is imported: a script that only reads pixels does not load
 * the PNG encoder, the colour scales and the summary renderer.
 * @module
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

type DisplayBundleModule = typeof import("../render/display-bundle.js");
type QuicklookModule = typeof import("../render/quicklook.js");

let bundle: DisplayBundleModule | undefined;
let ql: QuicklookModule | undefined;

/**
 * The display-bundle module, loaded synchronously on first call (display methods are synchronous;
 * Node ≥ 20.19 loads ES modules with `require`).
 * @example
 * ```ts
 * const bundle = displayBundle().rasterBundle(raster);
 * ```
 */
export function displayBundle(): DisplayBundleModule {
  return (bundle ??= require("../render/display-bundle.js") as DisplayBundleModule);
}

/**
 * The quicklook module, imported on first call.
 * @example
 * ```ts
 * const { png } = (await quicklookModule()).quicklook(raster, { bands: [1] });
 * ```
 */
export async function quicklookModule(): Promise<QuicklookModule> {
  return (ql ??= await import("../render/quicklook.js"));
}
