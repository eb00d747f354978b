/**
 * Wire encoding of widget state: typed arrays become `{ $typed, dtype, shape, data }` objects whose
 * bytes travel as binary comm buffers (Jupyter widget protocol `buffer_paths`), never as JSON number
 * lists or base64 in the live kernel ↔ browser path.
 * @module
 */
import type { ArrayDType, TypedArrayJSON } from "../../../widgets/src/contract.js";

/** The typed arrays that can travel as binary buffers. */
export type WireTypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A path into a JSON value: object keys and list indices. */
export type BufferPath = (string | number)[];

const CTORS = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
} as const;

/** The wire dtype name of a typed array, or `undefined` when `v` is not one we send. */
export function dtypeOf(v: unknown): ArrayDType | undefined {
  if (v instanceof Float32Array) return "float32";
  if (v instanceof Float64Array) return "float64";
  if (v instanceof Uint8Array && !(v instanceof Uint8ClampedArray)) return "uint8";
  if (v instanceof Int8Array) return "int8";
  if (v instanceof Uint16Array) return "uint16";
  if (v instanceof Int16Array) return "int16";
  if (v instanceof Uint32Array) return "uint32";
  if (v instanceof Int32Array) return "int32";
  return undefined;
}

/** Is `v` an encoded typed array (`{ $typed: true, dtype, shape, data }`)? */
export function isTypedArrayJSON(v: unknown): v is TypedArrayJSON {
  return typeof v === "object" && v !== null && (v as { $typed?: unknown }).$typed === true &&
    typeof (v as { dtype?: unknown }).dtype === "string";
}

/**
 * Encode a typed array for the wire (a view of the same bytes, no copy).
 * @param shape default `[array.length]`.
 * @example
 * ```ts
 * encodeTypedArray(new Float32Array([1, 2])); // { $typed: true, dtype: "float32", shape: [2], data: Uint8Array(8) }
 * ```
 */
export function encodeTypedArray(array: WireTypedArray, shape: number[] = [array.length]): TypedArrayJSON<Uint8Array> {
  const dtype = dtypeOf(array);
  if (!dtype) throw new TypeError(`Cannot send a ${(array as object).constructor.name} as a binary buffer; use a Float32Array, Int32Array, Uint8Array, ....`);
  return { $typed: true, dtype, shape, data: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) };
}

/**
 * Decode a wire typed array (bytes from a comm buffer, a DataView in the browser) back into a
 * typed array of its dtype. Copies when the bytes are not aligned for the element size.
 * @example
 * ```ts
 * decodeTypedArray(encodeTypedArray(new Int32Array([7]))); // Int32Array [7]
 * ```
 */
export function decodeTypedArray(json: TypedArrayJSON): WireTypedArray {
  const Ctor = CTORS[json.dtype];
  if (!Ctor) throw new TypeError(`Unknown typed-array dtype "${String(json.dtype)}"; expected one of ${Object.keys(CTORS).join(", ")}.`);
  // Comm buffers may be any ArrayBufferView (Buffer, Uint8Array, DataView) or an ArrayBuffer, possibly
  // from another realm, so no instanceof checks here.
  const raw = json.data as unknown;
  const tag = Object.prototype.toString.call(raw);
  let d: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  if (ArrayBuffer.isView(raw)) d = raw;
  else if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") d = { buffer: raw as ArrayBuffer, byteOffset: 0, byteLength: (raw as ArrayBuffer).byteLength };
  else throw new TypeError(`Typed array field "data" must be binary bytes (a comm buffer), got ${tag}.`);
  if (d.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
    throw new TypeError(`A ${json.dtype} array needs a multiple of ${Ctor.BYTES_PER_ELEMENT} bytes, got ${d.byteLength}.`);
  }
  if (d.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(d.buffer as ArrayBuffer, d.byteOffset, d.byteLength / Ctor.BYTES_PER_ELEMENT);
  const copy = new Uint8Array(d.byteLength);
  copy.set(new Uint8Array(d.buffer as ArrayBuffer, d.byteOffset, d.byteLength));
  return new Ctor(copy.buffer, 0, d.byteLength / Ctor.BYTES_PER_ELEMENT);
}

/**
 * A typed array with a shape (row-major), e.g. a heatmap's `z` of `rows × cols`. It travels as one
 * binary buffer; the browser turns a 2-D one into a list of row views (what plotly expects).
 * @example
 * ```ts
 * const z = new ShapedArray(new Float32Array(6), [2, 3]); // 2 rows, 3 columns
 * ```
 */
export class ShapedArray {
  constructor(readonly array: WireTypedArray, readonly shape: number[]) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || n !== array.length) {
      throw new TypeError(`ShapedArray: shape [${shape.join(", ")}] needs ${n} values, the array has ${array.length}.`);
    }
  }

  /** Value at row `r`, column `c` of a 2-D array. */
  at(r: number, c: number): number {
    return this.array[r * this.shape[1]! + c]!;
  }
}

/** Deep-convert a value for the wire: typed arrays anywhere become {@link TypedArrayJSON}. */
export function toWire(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof ShapedArray) return encodeTypedArray(value.array, value.shape);
  if (dtypeOf(value)) return encodeTypedArray(value as WireTypedArray);
  if (ArrayBuffer.isView(value)) throw new TypeError(`Cannot send a ${value.constructor.name}; use a Float32Array, Int32Array, Uint8Array, ....`);
  if (Array.isArray(value)) return value.map(toWire);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

/** Deep-convert a value from the wire: encoded typed arrays become typed arrays again. */
export function fromWire(value: unknown): unknown {
  if (isTypedArrayJSON(value)) {
    const a = decodeTypedArray(value);
    return value.shape.length > 1 ? new ShapedArray(a, value.shape) : a;
  }
  if (Array.isArray(value)) return value.map(fromWire);
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromWire(v);
    return out;
  }
  return value;
}

/**
 * Split binary buffers out of a wire state (protocol 2.1.0 `buffer_paths`): every
 * `ArrayBufferView` inside is replaced by `null` and listed with its path.
 * @example
 * ```ts
 * removeBuffers({ a: { data: new Uint8Array(2) } }); // { state: { a: { data: null } }, buffer_paths: [["a", "data"]], buffers: [Uint8Array(2)] }
 * ```
 */
export function removeBuffers(state: Record<string, unknown>): {
  state: Record<string, unknown>; buffer_paths: BufferPath[]; buffers: Uint8Array[];
} {
  const buffer_paths: BufferPath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (v: unknown, path: BufferPath): unknown => {
    if (ArrayBuffer.isView(v)) {
      buffer_paths.push(path);
      buffers.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return null;
    }
    if (v instanceof ArrayBuffer) {
      buffer_paths.push(path);
      buffers.push(new Uint8Array(v));
      return null;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, [...path, k]);
      return out;
    }
    return v;
  };
  const out = walk(state, []) as Record<string, unknown>;
  return { state: out, buffer_paths, buffers };
}

/**
 * Put binary buffers back at their `buffer_paths` (the inverse of {@link removeBuffers}); mutates
 * and returns `state`.
 * @throws {TypeError} when a path does not lead into the state or the counts differ.
 */
export function putBuffers(state: Record<string, unknown>, paths: BufferPath[], buffers: Uint8Array[]): Record<string, unknown> {
  if (paths.length !== buffers.length) {
    throw new TypeError(`Message has ${paths.length} buffer_paths but ${buffers.length} buffers.`);
  }
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || path.length === 0) throw new TypeError(`buffer_paths[${i}] must be a non-empty list of keys.`);
    let obj: unknown = state;
    for (const key of path.slice(0, -1)) {
      obj = (obj as Record<string | number, unknown> | null)?.[key];
      if (typeof obj !== "object" || obj === null) throw new TypeError(`buffer_paths[${i}] = ${JSON.stringify(path)} does not lead into the state.`);
    }
    (obj as Record<string | number, unknown>)[path[path.length - 1]!] = buffers[i];
  });
  return state;
}
