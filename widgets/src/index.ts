/**
 * The ai4eo front-end module ("ai4eo-widgets"): the models and views the kernel's Plot and
 * DataTable widgets use. Registered by the JupyterLab extension and by the static-export and live
 * page managers.
 * @module
 */
import "./style.css";
export { PlotModel, PlotView } from "./plot-view.js";
export { TableModel, TableView } from "./table-view.js";
export { MODULE_NAME, MODULE_VERSION } from "./version.js";
export { MapModel, MapView, MapEmbedModel } from "./map/map-view.js";
