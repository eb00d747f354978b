/**
 * The bounded pyramid of one raster layer as its own widget model ("MapEmbedModel", no view): the
 * Map references it by `IPY_MODEL_<id>`, so adding a layer sends only that layer's pixels, and the
 * saved notebook state keeps one model per layer for static pages and the PNG fallback.
 * @module
 */
import { isAny, isInt } from "../checks.js";
import { AI4EO_MODULE, packageVersion } from "../version.js";
import { Widget, type WidgetOptions } from "../widget.js";
import type { ShapedArray } from "../wire.js";

/** Embedded pixels of one layer (see `EmbedState` in widgets/src/map/contract.ts). */
export interface MapEmbedProps {
  /** EPSG:3857 `[minX, minY, maxX, maxY]` covered. */
  bounds: [number, number, number, number];
  width: number;
  height: number;
  /** Per time step: data bands, shape `[bands, height, width]`. */
  frames: ShapedArray[];
  /** Per time step: validity mask (1 = valid), shape `[height, width]`, or null when all valid. */
  masks: (ShapedArray | null)[];
}

/**
 * One layer's embedded pixels. Created by {@link Map}; users do not make these.
 * @example
 * ```ts
 * const e = map.embedData()["L1"]; // { bounds, width, height, frames, masks }
 * ```
 */
export class MapEmbed extends Widget<MapEmbedProps> {
  /** @param init the embedded grids; @param options registry (the Map's) */
  constructor(init: MapEmbedProps, options: WidgetOptions = {}) {
    const version = packageVersion();
    super("MapEmbed", {
      modelName: "MapEmbedModel", modelModule: AI4EO_MODULE, modelModuleVersion: version,
      viewName: null, viewModule: AI4EO_MODULE, viewModuleVersion: version,
    }, {
      bounds: { check: isAny, viewWritable: false },
      width: { check: isInt, viewWritable: false },
      height: { check: isInt, viewWritable: false },
      frames: { check: isAny, viewWritable: false },
      masks: { check: isAny, viewWritable: false },
    }, init, options);
  }

  /** The embedded grids as plain data. */
  data(): MapEmbedProps {
    return { bounds: this.get("bounds"), width: this.get("width"), height: this.get("height"), frames: this.get("frames"), masks: this.get("masks") };
  }
}
