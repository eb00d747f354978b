/**
 * The widget library users create in cells: the Jupyter widget runtime (protocol 2.1.0), the
 * standard controls, `interact`, links, Plot with the EO figure helpers, and Table.
 * @module
 */
export { WidgetError, WidgetPropertyError, WidgetClosedError } from "./errors.js";
export { WIDGET_PROTOCOL_VERSION, WIDGET_TARGET, WIDGET_VIEW_MIME, Widget, widgetRef, type Change, type WidgetOptions, type ModelIdentity, type PropertySpec } from "./widget.js";
export { WIDGET_CONTROL_TARGET, allWidgetStates, widgetStore } from "./widget-store.js";
export * from "./notebook-state.js";
export { ShapedArray, encodeTypedArray, decodeTypedArray, removeBuffers, putBuffers } from "./wire.js";
export { DOMWidget, DescriptionWidget, Layout, Style, type LayoutProps, type StyleProps, type DOMWidgetOptions, type DescriptionOptions } from "./controls/common.js";
export * from "./controls/sliders.js";
export * from "./controls/selection.js";
export * from "./controls/simple.js";
export * from "./controls/containers.js";
export * from "./controls/output.js";
export * from "./link.js";
export * from "./interact.js";
export * from "./plot.js";
export * from "./figure.js";
export * as plots from "./plots/index.js";
export * from "./table.js";
export { installTableDisplay } from "./table-display.js";

import { installTableDisplay } from "./table-display.js";
installTableDisplay();
export { Map, BASEMAPS, MAX_EMBED_SIZE, MapLayerError, TilePyramid, RENDER_MAX_PIXELS, type MapOptions, type MapClickEvent, type MapDrawEvent, type ClickHookResult, type VisParams } from "./map/index.js";
