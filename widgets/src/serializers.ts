/**
 * Browser-side decoding of typed arrays sent as binary buffers (`TypedArrayJSON` of the contract).
 * @module
 */
import type { ArrayDType, TypedArrayJSON } from "./contract.js";

type AnyTyped = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const CTORS: Record<ArrayDType, { new (b: ArrayBuffer, o: number, n: number): AnyTyped; BYTES_PER_ELEMENT: number }> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

/** Is `v` an encoded typed array? */
export function isTypedArrayJSON(v: unknown): v is TypedArrayJSON {
  return typeof v === "object" && v !== null && (v as { $typed?: unknown }).$typed === true && typeof (v as { dtype?: unknown }).dtype === "string";
}

/** Decode one encoded array into a typed array (copying if misaligned); 2-D ones become a list of row views. */
export function decodeArray(v: TypedArrayJSON): AnyTyped | AnyTyped[] {
  const C = CTORS[v.dtype];
  if (!C) throw new Error(`ai4eo widgets: unknown dtype ${String(v.dtype)}`);
  const d = v.data as DataView | Uint8Array | ArrayBuffer;
  let buf: ArrayBuffer, off: number, len: number;
  if (d instanceof ArrayBuffer) { buf = d; off = 0; len = d.byteLength; }
  else { buf = d.buffer as ArrayBuffer; off = d.byteOffset; len = d.byteLength; }
  if (off % C.BYTES_PER_ELEMENT !== 0) {
    buf = buf.slice(off, off + len);
    off = 0;
  }
  const flat = new C(buf, off, len / C.BYTES_PER_ELEMENT);
  if (v.shape.length === 2) {
    const [rows, cols] = v.shape as [number, number];
    return Array.from({ length: rows }, (_, r) => flat.subarray(r * cols, (r + 1) * cols) as AnyTyped);
  }
  return flat;
}

/** Deep-decode: every encoded array inside `v` becomes a typed array (objects are copied). */
export function decodeDeep(v: unknown): unknown {
  if (isTypedArrayJSON(v)) return decodeArray(v);
  if (Array.isArray(v)) return v.map(decodeDeep);
  if (v && typeof v === "object" && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeDeep(x);
    return out;
  }
  return v;
}

/** Encode an Int32Array for sending to the kernel (its bytes become a binary buffer). */
export function encodeInt32(a: Int32Array): TypedArrayJSON<DataView> {
  return { $typed: true, dtype: "int32", shape: [a.length], data: new DataView(a.buffer, a.byteOffset, a.byteLength) };
}
