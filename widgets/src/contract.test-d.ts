// Type test of the kernel ↔ view contract (checked by `tsc -p widgets/tsconfig.json`, which
// test/widgets/contract.test.ts runs). Each @ts-expect-error line must stay an error: if the
// contract loosens (a field renamed, a message type widened), tsc reports an unused directive.
import type {
  Ai4eoModelName, PlotEventMessage, PlotState, StateOf, TableColumn, TableState, TypedArrayJSON, ViewWritable,
} from "./contract.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(): T => true as T;

assertType<Equal<Ai4eoModelName, "PlotModel" | "TableModel">>();
assertType<Equal<StateOf<"PlotModel">, PlotState>>();
assertType<Equal<PlotState["_model_name"], "PlotModel">>();
assertType<Equal<TableState["_view_name"], "TableView">>();
assertType<Equal<keyof ViewWritable<"PlotModel">, "selected_indices" | "figure_layout">>();
assertType<Equal<keyof ViewWritable<"TableModel">, "page" | "sort_by" | "sort_descending">>();

const click: PlotEventMessage = { event: "click", points: [{ curveNumber: 0, pointIndex: 3, x: 1, y: 2 }] };
void click;
// @ts-expect-error unknown event name
const bad: PlotEventMessage = { event: "doubleclick", points: [] };
void bad;
// @ts-expect-error points need a curveNumber
const badPoint: PlotEventMessage = { event: "hover", points: [{ pointIndex: 1, x: 0, y: 0 }] };
void badPoint;

const arr: TypedArrayJSON = { $typed: true, dtype: "float32", shape: [2], data: new Uint8Array(8) };
void arr;
// @ts-expect-error float16 is not a wire dtype
const badArr: TypedArrayJSON = { $typed: true, dtype: "float16", shape: [2], data: new Uint8Array(4) };
void badArr;

const col: TableColumn = { name: "pixels", kind: "number", values: arr };
void col;
// @ts-expect-error "layout" of a plot is the CSS Layout reference, the figure's layout is figure_layout
const fl: PlotState["layout"] = { title: "x" };
void fl;
