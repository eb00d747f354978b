/**
 * The EO helper library: everything a notebook imports from "ai4eo" that is not kernel-specific.
 * Runs in plain Node scripts too.
 * @module
 */
export * from "./errors.js";
export * from "./raster/types.js";
export * from "./raster/raster.js";
export * from "./model/tensor.js";
export * from "./display.js";
export * from "./progress.js";
export * from "./raster/errors.js";
export * from "./raster/open.js";
export { addDecoder, type Decoder, type DecodeContext } from "./raster/codecs.js";
export * from "./geo/epsg.js";
export * from "./raster/write.js";
export * from "./uncertainty/index.js";
export * from "./model/errors.js";
export * from "./model/card.js";
export * from "./model/onnx-metadata.js";
export * from "./model/load-model.js";
export * from "./metrics/confusion-matrix.js";
export * from "./metrics/regression.js";
export * from "./model/prepare.js";
export * from "./model/classify.js";
export * from "./model/tiling.js";
export * from "./model/predict-scene.js";
export * from "./geo/crs.js";
export * from "./geo/reproject.js";
export * from "./explain/index.js";
export * from "./datasets/errors.js";
export * from "./datasets/data-path.js";
export * from "./datasets/splits.js";
export * from "./datasets/patch-dataset.js";
export * from "./datasets/eurosat.js";
export * from "./datasets/so2sat.js";
export * from "./datasets/manifest.js";
export * from "./sensors/sensor.js";
export * from "./indices/spectral-indices.js";
export * from "./sar/sar.js";
export * from "./stack/stack.js";
export * from "./render/colormaps.js";
export * from "./render/stretch.js";
export * from "./render/quicklook.js";
export * from "./render/display-bundle.js";
export * from "./provenance.js";
export * from "./sensors/landsat-mtl.js";
export { PackageRootError } from "./package-root.js";
export { epsgToWkt } from "./geo/wkt.js";
