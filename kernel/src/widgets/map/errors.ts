/**
 * Errors of the Map widget. Each names the layer, band, colormap or CRS and says what to do.
 * @module
 */
import { WidgetError } from "../errors.js";

/**
 * A layer cannot be added or changed: unknown band, bad vis params, unknown colormap, a CRS that
 * cannot be reprojected, an unknown layer name.
 * @example
 * ```ts
 * try { await map.addLayer(src, { bands: ["B9"] }, "x"); }
 * catch (e) { if (e instanceof MapLayerError) console.log(e.layer, e.message); }
 * ```
 */
export class MapLayerError extends WidgetError {
  constructor(readonly layer: string, message: string) {
    super(`Map layer "${layer}": ${message}`);
  }
}
