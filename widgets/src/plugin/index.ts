/**
 * The JupyterLab 4 / Notebook 7 extension: registers the "ai4eo-widgets" module (Plot and Table
 * models and views) with the widget manager of jupyterlab_widgets.
 * @module
 */
import { IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import { PlotModel, PlotView } from "../plot-view.js";
import { TableModel, TableView } from "../table-view.js";
import { MODULE_NAME, MODULE_VERSION } from "../version.js";
import css from "../style.css";

function injectStyle(): void {
  if (document.getElementById("ai4eo-widgets-style")) return;
  const style = document.createElement("style");
  style.id = "ai4eo-widgets-style";
  style.textContent = css;
  document.head.appendChild(style);
}

/** The plugin object JupyterLab loads (an `IPlugin` of `@jupyterlab/application`). */
const plugin = {
  id: "ai4eo-widgets:plugin",
  description: "ai4eo plot and table widgets",
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app: unknown, registry: IJupyterWidgetRegistry): void => {
    injectStyle();
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: { PlotModel, PlotView, TableModel, TableView },
    });
  },
};

export default plugin;
