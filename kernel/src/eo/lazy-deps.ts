/**
 * Third-party modules the library loads when first used rather than at `import "ai4eo"`: arquero
 * (tables; ~0.2–0.3 s to import), proj4 (transforms; ~0.1 s), onnxruntime-node (models; ~50 ms)
 * and fast-png (PNG encoding; ~40 ms) are not needed by most cells, and a notebook's first
 * `import` waited for all of them.
 * They load synchronously on first use (Node ≥ 20.19 loads ES modules with `require`), so the
 * functions that need them keep synchronous signatures; ES-module and `require` loads share one
 * instance.
 * @example
 * ```ts
 * const t = arquero().table({ a: [1, 2] });
 * const session = await onnxruntime().InferenceSession.create(bytes);
 * const png = pngEncoder()({ width: 1, height: 1, data: new Uint8Array(3), channels: 3, depth: 8 });
 * const xy = proj4()("EPSG:4326", "EPSG:3857", [-34.9, -8]);
 * ```
 * @module
 */
import { createRequire } from "node:module";
import type * as Arquero from "arquero";
import type Ort from "onnxruntime-node";
import type { encode as PngEncode } from "fast-png";
import type Proj4 from "proj4";

const load = createRequire(import.meta.url);

let aq: typeof Arquero | undefined;
let ortModule: typeof Ort | undefined;
let png: typeof PngEncode | undefined;
let proj4Module: typeof Proj4 | undefined;

/** The arquero module, loaded on first call. */
export function arquero(): typeof Arquero {
  return (aq ??= load("arquero") as typeof Arquero);
}

/** The onnxruntime-node module, loaded on first call. */
export function onnxruntime(): typeof Ort {
  return (ortModule ??= load("onnxruntime-node") as typeof Ort);
}

/** fast-png's `encode`, loaded on first call. */
export function pngEncoder(): typeof PngEncode {
  return (png ??= (load("fast-png") as { encode: typeof PngEncode }).encode);
}

/** proj4, loaded on first call. */
export function proj4(): typeof Proj4 {
  return (proj4Module ??= load("proj4") as typeof Proj4);
}
