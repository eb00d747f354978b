/**
 * A minimal reader for the top level of an ONNX `ModelProto` (protobuf wire format): enough to
 * tell an ONNX file from anything else and to read `metadata_props`, `doc_string` and the
 * producer without onnxruntime.
 * @module
 */
import { ModelLoadError } from "./errors.js";

/** Top-level facts of an ONNX model file. */
export interface OnnxModelInfo {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  /** `metadata_props` as a key → value record. */
  metadata: Record<string, string>;
  /** Opset imports (domain "" is the default ONNX domain). */
  opsets: { domain: string; version: number }[];
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly path: string) {}
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw this.fail("truncated varint");
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw this.fail("varint too long");
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw this.fail(`field of ${n} bytes runs past the end of the file`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw this.fail(`unsupported protobuf wire type ${wire}`);
    if (this.pos > this.buf.length) throw this.fail("truncated field");
  }
  fail(what: string): ModelLoadError {
    return new ModelLoadError(
      `${this.path} is not an ONNX model (${what} at byte ${this.pos}). Export the model with torch.onnx.export or another ONNX exporter and pass the .onnx file.`,
      this.path,
    );
  }
}

const utf8 = new TextDecoder();

function fields(r: Reader, visit: (field: number, wire: number) => boolean): void {
  while (r.pos < r.buf.length) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw r.fail("field number 0");
    if (!visit(field, wire)) r.skip(wire);
  }
}

/**
 * Reads the top-level fields of an ONNX model.
 * @param bytes the whole .onnx file
 * @param path the file name used in error messages
 * @throws {ModelLoadError} when the bytes are not a protobuf ModelProto with an IR version and a graph
 * @example
 * ```ts
 * const info = readOnnxModelInfo(readFileSync("data/models/olinda-segmenter.onnx"), "olinda-segmenter.onnx");
 * JSON.parse(info.metadata["ai4eo.card"]!).task; // "segmentation"
 * ```
 */
export function readOnnxModelInfo(bytes: Uint8Array, path: string): OnnxModelInfo {
  const r = new Reader(bytes, path);
  const info: OnnxModelInfo = { irVersion: 0, producerName: "", producerVersion: "", docString: "", metadata: {}, opsets: [] };
  let hasGraph = false;
  if (bytes.length === 0) throw r.fail("empty file");
  fields(r, (field, wire) => {
    if (field === 1 && wire === 0) info.irVersion = r.varint();
    else if (field === 2 && wire === 2) info.producerName = utf8.decode(r.bytes());
    else if (field === 3 && wire === 2) info.producerVersion = utf8.decode(r.bytes());
    else if (field === 6 && wire === 2) info.docString = utf8.decode(r.bytes());
    else if (field === 7 && wire === 2) {
      r.bytes();
      hasGraph = true;
    } else if (field === 8 && wire === 2) {
      const sub = new Reader(r.bytes(), path);
      const op = { domain: "", version: 0 };
      fields(sub, (f, w) => {
        if (f === 1 && w === 2) op.domain = utf8.decode(sub.bytes());
        else if (f === 2 && w === 0) op.version = sub.varint();
        else return false;
        return true;
      });
      info.opsets.push(op);
    } else if (field === 14 && wire === 2) {
      const sub = new Reader(r.bytes(), path);
      let key = "";
      let value = "";
      fields(sub, (f, w) => {
        if (f === 1 && w === 2) key = utf8.decode(sub.bytes());
        else if (f === 2 && w === 2) value = utf8.decode(sub.bytes());
        else return false;
        return true;
      });
      info.metadata[key] = value;
    } else return false;
    return true;
  });
  if (info.irVersion <= 0 || info.irVersion > 100) throw r.fail(`IR version ${info.irVersion} is not a valid ONNX IR version`);
  if (!hasGraph) throw r.fail("no graph");
  return info;
}
