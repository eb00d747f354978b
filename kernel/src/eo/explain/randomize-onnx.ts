/**
 * Weight randomization of an ONNX model file for the model-randomization sanity check (Adebayo et
 * al. 2018): the float32 initializers (weights, biases) are shuffled in place inside the protobuf
 * bytes, so the graph, shapes and value scale stay the same while the learned structure is gone.
 * @module
 */
import { describeValue } from "../../util/describe-value.js";
import { seededRandom, shuffleInPlace } from "../uncertainty/random.js";
import { ExplainInputError } from "./errors.js";
import { checkSeed } from "./target.js";

function readVarint(b: Uint8Array, pos: number): [number, number] {
  let v = 0, mul = 1, p = pos;
  for (;;) {
    if (p >= b.length) throw new ExplainInputError(`Truncated protobuf varint at byte ${pos}: this is not a valid ONNX file.`);
    const byte = b[p++]!;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80) return [v, p];
    mul *= 128;
  }
}

interface Field { field: number; wire: number; start: number; end: number }

function fields(b: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = [];
  let p = start;
  while (p < end) {
    const [key, q] = readVarint(b, p);
    const field = Math.floor(key / 8), wire = key & 7;
    p = q;
    if (wire === 0) { p = readVarint(b, p)[1]; out.push({ field, wire, start: q, end: p }); }
    else if (wire === 1) { out.push({ field, wire, start: p, end: p + 8 }); p += 8; }
    else if (wire === 5) { out.push({ field, wire, start: p, end: p + 4 }); p += 4; }
    else if (wire === 2) {
      const [len, r] = readVarint(b, p);
      out.push({ field, wire, start: r, end: r + len });
      p = r + len;
    } else throw new ExplainInputError(`Unsupported protobuf wire type ${wire} at byte ${p}: this is not a valid ONNX file.`);
    if (p > end) throw new ExplainInputError(`A protobuf field runs past its message end at byte ${p}: this is not a valid ONNX file.`);
  }
  return out;
}

/** Options of {@link randomizeOnnxWeights}. */
export interface RandomizeOptions {
  /** Seed of the shuffles; default 0. */
  seed?: number;
  /** Which initializers to randomize, by name; default all float32 initializers with ≥ 2 values. */
  include?: (name: string) => boolean;
}

/**
 * A copy of an ONNX model whose float32 initializers are randomly permuted (seeded).
 * @param model the `.onnx` file bytes
 * @returns the new bytes and the names of the randomized initializers
 * @throws {ExplainInputError} when there is nothing to randomize (no float32 initializer with ≥ 2
 *   values, or none that `include` selects): the copy would be the trained model
 * @example
 * ```ts
 * const { bytes } = randomizeOnnxWeights(readFileSync("model.onnx"), { seed: 1 });
 * const randomized = await loadModel(bytes);
 * ```
 */
export function randomizeOnnxWeights(model: Uint8Array, options: RandomizeOptions = {}): { bytes: Uint8Array; randomized: string[] } {
  if (!(model instanceof Uint8Array)) {
    throw new ExplainInputError(
      `randomizeOnnxWeights needs the .onnx file's bytes as a Uint8Array, e.g. readFileSync(path), got ${describeValue(model)}` +
        `${typeof model === "string" ? " (a path? read the file first)" : (model as unknown) instanceof ArrayBuffer ? " (wrap it: new Uint8Array(buffer))" : ""}.`,
    );
  }
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { seed: 1 }, got ${describeValue(options)}.`);
  checkSeed(options.seed);
  if (options.include !== undefined && typeof options.include !== "function") {
    throw new ExplainInputError(`include must be a function (name) => boolean selecting initializers, e.g. (n) => n.startsWith("fc."), got ${describeValue(options.include)}.`);
  }
  const b = Uint8Array.from(model);
  const graph = fields(b, 0, b.length).find((f) => f.field === 7 && f.wire === 2);
  if (!graph) throw new ExplainInputError("This file has no ONNX graph (ModelProto field 7); is it an .onnx model?");
  const rand = seededRandom(options.seed ?? 0);
  const names: string[] = [];
  const candidates: string[] = [];
  for (const init of fields(b, graph.start, graph.end).filter((f) => f.field === 5 && f.wire === 2)) {
    const tf = fields(b, init.start, init.end);
    const type = tf.find((f) => f.field === 2 && f.wire === 0);
    const dataType = type ? readVarint(b, type.start)[0] : 0;
    const nameF = tf.find((f) => f.field === 8 && f.wire === 2);
    const name = nameF ? new TextDecoder().decode(b.subarray(nameF.start, nameF.end)) : "";
    const raw = tf.find((f) => (f.field === 9 || f.field === 4) && f.wire === 2);
    if (dataType !== 1 || !raw || raw.end - raw.start < 8) continue;
    candidates.push(name);
    if (options.include && !options.include(name)) continue;
    const copy = b.slice(raw.start, raw.end);
    const vals = new Float32Array(copy.buffer, 0, copy.length / 4);
    shuffleInPlace(vals, rand);
    b.set(copy, raw.start);
    names.push(name);
  }
  if (names.length === 0) {
    throw new ExplainInputError(
      candidates.length === 0
        ? "This model has no float32 initializer with 2 or more values to randomize (weights held in Constant nodes are not touched), so the copy would be the trained model and a sanity check would compare a model with itself. Export the model with its weights as initializers."
        : `include selected none of the ${candidates.length} float32 initializers [${candidates.join(", ")}], so the copy would be the trained model; select at least one.`,
      { initializers: candidates },
    );
  }
  return { bytes: b, randomized: names };
}
