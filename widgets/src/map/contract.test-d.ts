// Type test of the Map's kernel ↔ view contract (checked by `tsc -p widgets/tsconfig.json`, which
// test/widgets/contract.test.ts runs). Each @ts-expect-error line must stay an error.
import type { LayerState, MapState, MapToKernel, MapToView, MapViewWritable, ResolvedVis, TileAnswer } from "./contract.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(): T => true as T;

assertType<Equal<MapState["_model_name"], "MapModel">>();
assertType<Equal<MapState["_view_name"], "MapView">>();
assertType<Equal<keyof MapViewWritable, "layer_visible" | "layer_opacity" | "layer_order" | "layer_time" | "swipe_position" | "center" | "zoom">>();
assertType<Equal<MapToKernel["event"], "tile" | "click" | "draw" | "draw_edit" | "draw_delete" | "cancel">>();
assertType<Equal<MapToView["event"], "tile" | "popup" | "fit">>();
assertType<Equal<LayerState["kind"], "raster" | "geojson">>();

const req: MapToKernel = { event: "tile", id: 1, layer: "L1", data_version: 1, t: 0, z: 12, x: 1650, y: 2140 };
void req;
// @ts-expect-error a tile request needs its data version
const badReq: MapToKernel = { event: "tile", id: 1, layer: "L1", t: 0, z: 12, x: 1, y: 1 };
void badReq;
const edit: MapToKernel = { event: "draw_edit", id: 2, geometry: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } };
void edit;
// @ts-expect-error an edit names the shape it changes
const badEdit: MapToKernel = { event: "draw_edit", geometry: { type: "Polygon", coordinates: [] } };
void badEdit;
const answer: TileAnswer = { event: "tile", id: 1, layer: "L1", empty: false, dtype: "uint16", bands: 1, size: 256, masked: true };
void answer;
// @ts-expect-error tiles travel as uint8/int8/uint16/int16/float32 only
const badAnswer: TileAnswer = { event: "tile", id: 1, layer: "L1", empty: false, dtype: "float64", bands: 1, size: 256, masked: false };
void badAnswer;
const vis: ResolvedVis = { bands: 1, min: [0], max: [1], gamma: [1], palette: ["#000000", "#ffffff"], classes: null };
void vis;
// @ts-expect-error min/max are per band lists
const badVis: ResolvedVis = { bands: 1, min: 0, max: [1], gamma: [1], palette: [], classes: null };
void badVis;
