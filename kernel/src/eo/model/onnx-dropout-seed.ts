/**
 * A minimal protobuf edit of an ONNX `ModelProto`: give every `Dropout` node a `seed` attribute,
 * so that a fresh onnxruntime session draws the same dropout masks for the same seed (seeded MC
 * dropout). Everything else in the file is copied byte for byte.
 * @module
 */
import { ModelLoadError } from "./errors.js";

/** The result of {@link withDropoutSeed}. */
export interface SeededOnnx {
  /** The edited model file. */
  bytes: Uint8Array;
  /** How many Dropout nodes (in the main graph and any subgraphs) received the seed. */
  dropoutNodes: number;
}

type Field = { field: number; wire: number; start: number; end: number; valueStart: number };

function fail(path: string, what: string): ModelLoadError {
  return new ModelLoadError(
    `${path} is not an ONNX model ai4eo can edit for seeded MC dropout (${what}). Export the model with torch.onnx.export or another ONNX exporter.`,
    path,
  );
}

function readVarint(buf: Uint8Array, pos: number, path: string): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw fail(path, "truncated varint");
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 63) throw fail(path, "varint too long");
  }
}

/** Splits one message into its fields (keeping byte ranges so unchanged fields are copied verbatim). */
function parse(buf: Uint8Array, path: string): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [key, p1] = readVarint(buf, pos, path);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw fail(path, `field number 0 at byte ${start}`);
    let valueStart = p1;
    let end: number;
    if (wire === 0) end = readVarint(buf, p1, path)[1];
    else if (wire === 1) end = p1 + 8;
    else if (wire === 5) end = p1 + 4;
    else if (wire === 2) {
      const [n, p2] = readVarint(buf, p1, path);
      valueStart = p2;
      end = p2 + n;
    } else throw fail(path, `unsupported protobuf wire type ${wire} at byte ${start}`);
    if (end > buf.length) throw fail(path, `field ${field} at byte ${start} runs past the end`);
    out.push({ field, wire, start, end, valueStart });
    pos = end;
  }
  return out;
}

function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

function lengthDelimited(field: number, body: Uint8Array): Uint8Array {
  const head = [...varint(BigInt(field * 8 + 2)), ...varint(BigInt(body.length))];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const utf8 = new TextDecoder();
const SEED_NAME = new TextEncoder().encode("seed");

/** `AttributeProto { name: "seed", i: seed, type: INT (2) }`. */
function seedAttribute(seed: number): Uint8Array {
  return new Uint8Array([
    0x0a, SEED_NAME.length, ...SEED_NAME, // 1: name
    0x18, ...varint(BigInt(seed)), // 3: i
    0xa0, 0x01, 0x02, // 20: type = INT
  ]);
}

/** Rewrites a GraphProto (field 1 = node). Returns null when nothing changed. */
function editGraph(buf: Uint8Array, seed: number, path: string, count: { n: number }): Uint8Array | null {
  const fields = parse(buf, path);
  let changed = false;
  const parts = fields.map((f) => {
    const raw = buf.subarray(f.start, f.end);
    if (f.field !== 1 || f.wire !== 2) return raw;
    const node = editNode(buf.subarray(f.valueStart, f.end), seed, path, count);
    if (!node) return raw;
    changed = true;
    return lengthDelimited(1, node);
  });
  return changed ? concat(parts) : null;
}

/** Rewrites a NodeProto: a Dropout gets the seed (replacing any), other nodes' subgraph attributes are visited. */
function editNode(buf: Uint8Array, seed: number, path: string, count: { n: number }): Uint8Array | null {
  const fields = parse(buf, path);
  const opField = fields.find((f) => f.field === 4 && f.wire === 2);
  const domainField = fields.find((f) => f.field === 7 && f.wire === 2);
  const op = opField ? utf8.decode(buf.subarray(opField.valueStart, opField.end)) : "";
  const domain = domainField ? utf8.decode(buf.subarray(domainField.valueStart, domainField.end)) : "";
  const isDropout = op === "Dropout" && (domain === "" || domain === "ai.onnx");
  let changed = false;
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const raw = buf.subarray(f.start, f.end);
    if (f.field !== 5 || f.wire !== 2) {
      parts.push(raw);
      continue;
    }
    const attr = buf.subarray(f.valueStart, f.end);
    const attrFields = parse(attr, path);
    const nameField = attrFields.find((a) => a.field === 1 && a.wire === 2);
    const name = nameField ? utf8.decode(attr.subarray(nameField.valueStart, nameField.end)) : "";
    if (isDropout && name === "seed") {
      changed = true; // dropped; the new seed is appended below
      continue;
    }
    const edited = editAttributeGraphs(attr, attrFields, seed, path, count);
    if (edited) {
      changed = true;
      parts.push(lengthDelimited(5, edited));
    } else parts.push(raw);
  }
  if (isDropout) {
    parts.push(lengthDelimited(5, seedAttribute(seed + count.n))); // distinct streams per Dropout node
    count.n++;
    changed = true;
  }
  return changed ? concat(parts) : null;
}

/** AttributeProto fields 6 (g) and 11 (graphs) hold subgraphs (If/Loop/Scan bodies). */
function editAttributeGraphs(buf: Uint8Array, fields: Field[], seed: number, path: string, count: { n: number }): Uint8Array | null {
  let changed = false;
  const parts = fields.map((f) => {
    const raw = buf.subarray(f.start, f.end);
    if ((f.field !== 6 && f.field !== 11) || f.wire !== 2) return raw;
    const g = editGraph(buf.subarray(f.valueStart, f.end), seed, path, count);
    if (!g) return raw;
    changed = true;
    return lengthDelimited(f.field, g);
  });
  return changed ? concat(parts) : null;
}

/**
 * Returns a copy of an ONNX model whose every `Dropout` node (including those in subgraphs) has
 * an integer attribute `seed` (an existing seed is replaced): the k-th Dropout node in graph order
 * gets `seed + k`, so layers of the same shape do not share one mask. onnxruntime seeds each
 * Dropout kernel's generator from this attribute when a session is created, so two fresh sessions
 * made from the same edited bytes draw the same masks pass after pass.
 * @param bytes the .onnx file
 * @param seed an integer (stored as int64)
 * @param path the file name used in error messages
 * @throws {ModelLoadError} when the bytes are not a ModelProto with a graph
 * @throws {RangeError} when `seed` is not a safe integer
 * @example
 * ```ts
 * const { bytes, dropoutNodes } = withDropoutSeed(readFileSync("data/models/olinda-patch-classifier.onnx"), 7, "classifier");
 * dropoutNodes; // 1
 * const session = await ort.InferenceSession.create(bytes);
 * ```
 */
export function withDropoutSeed(bytes: Uint8Array, seed: number, path = "<bytes>"): SeededOnnx {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The dropout seed must be a safe integer, got ${seed}.`);
  const fields = parse(bytes, path);
  const graph = fields.find((f) => f.field === 7 && f.wire === 2);
  if (!graph) throw fail(path, "no graph");
  const count = { n: 0 };
  const parts = fields.map((f) => {
    const raw = bytes.subarray(f.start, f.end);
    if (f !== graph) return raw;
    const g = editGraph(bytes.subarray(f.valueStart, f.end), seed, path, count);
    return g ? lengthDelimited(7, g) : raw;
  });
  return { bytes: concat(parts), dropoutNodes: count.n };
}
