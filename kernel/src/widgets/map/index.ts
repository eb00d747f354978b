/**
 * The Map widget and its parts: layers with Earth-Engine-style vis params, the tile pyramid,
 * colormaps, the PNG fallback.
 * @module
 */
export { Map, BASEMAPS, MAX_EMBED_SIZE, popupHtml, type MapOptions, type MapProps, type MapClickEvent, type MapDrawEvent, type ClickHookResult } from "./map.js";
export { MapLayerError } from "./errors.js";
export { MapEmbed, type MapEmbedProps } from "./embed-widget.js";
export { TilePyramid, RENDER_MAX_PIXELS, sourceProj, PIXEL_SPACE_TRANSFORM, type TileData, type PyramidOptions } from "./pyramid.js";
export { bandNames, resolveBands, resolvePalette, resolveVis, resolveClasses, percentile, type VisParams } from "./vis-params.js";
export { colormap, colormapNames, addColormap } from "./palette.js";
export { mapFallbackPng, mapFallbackHtml, FALLBACK_MAX_SIZE } from "./fallback.js";
