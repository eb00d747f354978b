/**
 * The kernel ↔ view contract of the ai4eo widgets: model names, synced field names and types, and
 * custom messages. Types only — both the kernel side (kernel/src/widgets) and the browser views
 * (widgets/src) import it, so a renamed field fails the type check on both sides instead of in a
 * user's notebook. `widgets/src/contract.test-d.ts` is its type test.
 *
 * @example
 * ```ts
 * import type { PlotState } from "../../widgets/src/contract.js";
 * const state: Partial<PlotState> = { figure_layout: { title: { text: "NDVI" } } };
 * ```
 * @module
 */

/** The JavaScript module name under which the front end registers the ai4eo models and views. */
export type ModuleName = "ai4eo-widgets";

/** Element type names of typed arrays that travel as binary buffers. */
export type ArrayDType =
  | "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";

/**
 * A typed array on the wire: its element type, its shape, and its bytes. On the wire `data` is a
 * binary buffer (listed in `buffer_paths`), never a JSON number list or base64 in the live path.
 * The kernel sends a `Uint8Array` view; the browser receives a `DataView`.
 */
export interface TypedArrayJSON<Bytes = Uint8Array | DataView> {
  /** Marks the object as an encoded typed array. */
  $typed: true;
  dtype: ArrayDType;
  shape: number[];
  data: Bytes;
}

/** A JSON value that may contain encoded typed arrays anywhere inside. */
export type WireValue =
  | null | boolean | number | string | TypedArrayJSON
  | WireValue[] | { [key: string]: WireValue };

/** Fields every ai4eo model carries (the Jupyter widget protocol's model/view identity). */
export interface BaseModelState<Model extends string, View extends string> {
  _model_name: Model;
  _model_module: ModuleName;
  _model_module_version: string;
  _view_name: View;
  _view_module: ModuleName;
  _view_module_version: string;
  /** Layout model reference `IPY_MODEL_<id>` (a @jupyter-widgets/base LayoutModel). */
  layout: string;
}

// ---------------------------------------------------------------- Plot

/** One plotly.js trace; numeric arrays (x, y, z, marker.color, ...) may be typed arrays. */
export type PlotTrace = { type?: string; name?: string } & { [key: string]: WireValue | undefined };

/** Synced state of the Plot widget (a plotly.js figure plus selection). */
export interface PlotState extends BaseModelState<"PlotModel", "PlotView"> {
  /** The traces. */
  data: PlotTrace[];
  /** The plotly layout (title, axes, ...); named so because `layout` is the widget's CSS Layout model. */
  figure_layout: { [key: string]: WireValue };
  /** The plotly config (responsive, displayModeBar, ...). */
  config: { [key: string]: WireValue };
  /**
   * Indices of the points the user selected (box/lasso) in the browser, per trace 0 only as an
   * Int32Array; set by the view, so it travels browser → kernel as a binary buffer.
   */
  selected_indices: TypedArrayJSON | null;
  /** Height of the plot area in CSS pixels. */
  height: number;
}

/** One point of a plotly event, as the kernel receives it. */
export interface PlotPoint {
  /** Index of the trace in `data`. */
  curveNumber: number;
  /** Index of the point in the trace (for heatmaps: `[row, col]`). */
  pointIndex: number | [number, number];
  x: number | string | null;
  y: number | string | null;
  z?: number | null;
  text?: string | null;
}

/** Events the plot view sends to the kernel (custom messages). */
export type PlotEventMessage =
  | { event: "click"; points: PlotPoint[] }
  | { event: "hover"; points: PlotPoint[] }
  | { event: "selected"; points: PlotPoint[] }
  | { event: "relayout"; update: { [key: string]: WireValue } };

// ---------------------------------------------------------------- Table

/** One column of a table on the wire: typed columns keep their type as a binary buffer. */
export interface TableColumn {
  name: string;
  /** "number" columns are typed arrays; others are JSON lists of strings/numbers/booleans/null. */
  kind: "number" | "string" | "boolean" | "date" | "other";
  values: TypedArrayJSON | (string | number | boolean | null)[];
}

/** Synced state of the Table widget (a paged, sortable view of an arquero table). */
export interface TableState extends BaseModelState<"TableModel", "TableView"> {
  columns: TableColumn[];
  num_rows: number;
  /** Rows per page; default 10. */
  page_size: number;
  /** Current page, 0-based (the view sets it). */
  page: number;
  /** Column to sort by, or "" for the table's own order (the view sets it). */
  sort_by: string;
  sort_descending: boolean;
  /** Decimal places for floating-point numbers; default 4. */
  precision: number;
}

/** Events the table view sends to the kernel. */
export type TableEventMessage = { event: "row_click"; row: number };

// ---------------------------------------------------------------- registry of models

/** Every ai4eo model: its synced state, messages to the kernel, and messages to the view. */
export interface Ai4eoModels {
  PlotModel: { state: PlotState; toKernel: PlotEventMessage; toView: never };
  TableModel: { state: TableState; toKernel: TableEventMessage; toView: never };
}

/** The name of an ai4eo model. */
export type Ai4eoModelName = keyof Ai4eoModels;

/** Synced state of model `M`. */
export type StateOf<M extends Ai4eoModelName> = Ai4eoModels[M]["state"];

/** Fields of model `M` that its view may set (and that therefore travel browser → kernel). */
export type ViewWritable<M extends Ai4eoModelName> = M extends "PlotModel"
  ? Pick<PlotState, "selected_indices" | "figure_layout">
  : M extends "TableModel"
    ? Pick<TableState, "page" | "sort_by" | "sort_descending">
    : never;
