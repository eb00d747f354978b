// withDropoutSeed: a minimal protobuf edit that gives every Dropout node (also inside If branches) a
// seed attribute; checked with python3-onnx (seeds present, the rest of the model byte-identical) and
// with onnxruntime (fresh sessions from the same seeded bytes repeat the masks, other seeds do not).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { ModelLoadError } from "../../../kernel/src/eo/model/errors.js";
import { withDropoutSeed } from "../../../kernel/src/eo/model/onnx-dropout-seed.js";

const PY = "/usr/bin/python3";
const SCRIPT = "test/eo/model/onnx_dropout_seed.py";
const tmp = mkdtempSync(join(tmpdir(), "ai4eo-dropout-seed-"));

function check(orig: string, edited: Uint8Array): { dropouts: { name: string; seeds: number[] }[]; sameOtherwise: boolean } {
  const path = join(tmp, `edited-${Math.random().toString(36).slice(2)}.onnx`);
  writeFileSync(path, edited);
  return JSON.parse(execFileSync(PY, [SCRIPT, "check", orig, path], { encoding: "utf8" }));
}

test("every Dropout gets seed + k (an existing seed is replaced, If branches included); nothing else changes", () => {
  const orig = join(tmp, "nested.onnx");
  execFileSync(PY, [SCRIPT, "make", orig]);
  const bytes = readFileSync(orig);
  const { bytes: edited, dropoutNodes } = withDropoutSeed(bytes, 7, "nested.onnx");
  assert.equal(dropoutNodes, 2);
  const r = check(orig, edited);
  assert.deepEqual(r.dropouts, [{ name: "top", seeds: [7] }, { name: "inner", seeds: [8] }]);
  assert.equal(r.sameOtherwise, true);
  // large and negative seeds are stored as int64
  const big = check(orig, withDropoutSeed(bytes, 2 ** 40 + 3).bytes);
  assert.deepEqual(big.dropouts.map((d) => d.seeds), [[2 ** 40 + 3], [2 ** 40 + 4]]);
  const neg = check(orig, withDropoutSeed(bytes, -5).bytes);
  assert.deepEqual(neg.dropouts.map((d) => d.seeds), [[-5], [-4]]);
  // the input buffer is untouched
  assert.deepEqual(Buffer.from(bytes), readFileSync(orig));
});

test("shipped classifier: one Dropout seeded; fresh sessions repeat the masks for a seed, differ across seeds", async () => {
  const path = "data/models/olinda-patch-classifier.onnx";
  const bytes = readFileSync(path);
  const r7 = withDropoutSeed(bytes, 7, path);
  assert.equal(r7.dropoutNodes, 1);
  const c = check(path, r7.bytes);
  assert.deepEqual(c.dropouts, [{ name: "/drop/Dropout", seeds: [7] }]);
  assert.equal(c.sameOtherwise, true);
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 1, extra: { optimization: { disable_specified_optimizers: "EliminateDropout" } },
  };
  const x = new Float32Array(4 * 6 * 64).map((_, i) => Math.sin(i * 0.37));
  const feeds = { input: new ort.Tensor("float32", x, [4, 6, 8, 8]), mc_dropout: new ort.Tensor("bool", [true], []) };
  const twoPasses = async (b: Uint8Array): Promise<number[][]> => {
    const s = await ort.InferenceSession.create(b, opts);
    try {
      const a = Array.from((await s.run(feeds)).logits!.data as Float32Array);
      const b2 = Array.from((await s.run(feeds)).logits!.data as Float32Array);
      return [a, b2];
    } finally {
      await s.release();
    }
  };
  const [a1, a2] = await twoPasses(r7.bytes);
  const [b1, b2] = await twoPasses(withDropoutSeed(bytes, 7).bytes);
  const [c1] = await twoPasses(withDropoutSeed(bytes, 8).bytes);
  assert.deepEqual(a1, b1);
  assert.deepEqual(a2, b2);
  assert.notDeepEqual(a1, a2); // the stream moves on within a session
  assert.notDeepEqual(a1, c1);
});

test("bad input: not a ModelProto, no graph, a non-integer seed", () => {
  assert.throws(() => withDropoutSeed(new TextEncoder().encode("hello, not onnx"), 1, "notes.txt"),
    (e: unknown) => e instanceof ModelLoadError && /notes\.txt is not an ONNX model/.test(e.message));
  assert.throws(() => withDropoutSeed(new Uint8Array([0x08, 0x07]), 1, "empty.onnx"),
    (e: unknown) => e instanceof ModelLoadError && /empty\.onnx.*no graph/.test(e.message));
  assert.throws(() => withDropoutSeed(readFileSync("data/models/olinda-patch-classifier.onnx"), 1.5),
    (e: unknown) => e instanceof RangeError && /safe integer, got 1\.5/.test(e.message));
});
