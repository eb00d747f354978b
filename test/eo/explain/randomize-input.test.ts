// Bad inputs to the ONNX weight randomization: errors instead of TypeErrors, seeds that silently
// repeat others, and a "randomized" copy that is the trained model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExplainInputError, randomizeOnnxWeights } from "../../../kernel/src/eo/explain/index.js";
import { fixtureBytes } from "./models.js";

const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("a model without float32 initializers, or an include that selects none, is refused (before: an unchanged copy, and a sanity check of the model against itself)", () => {
  // band_linear.onnx holds its weights in Constant nodes.
  assert.throws(() => randomizeOnnxWeights(fixtureBytes("band_linear.onnx")),
    isInputError(/This model has no float32 initializer with 2 or more values to randomize \(weights held in Constant nodes are not touched\), so the copy would be the trained model/));
  assert.throws(() => randomizeOnnxWeights(fixtureBytes("grad_cnn.onnx"), { include: (n) => n.startsWith("head.") }),
    isInputError(/include selected none of the 4 float32 initializers \[conv.weight, conv.bias, fc.weight, fc.bias\]/));
  assert.deepEqual(randomizeOnnxWeights(fixtureBytes("grad_cnn.onnx"), { include: (n) => n.startsWith("fc.") }).randomized, ["fc.weight", "fc.bias"]);
});

test("bytes of the wrong kind are named (before: null a TypeError; a path or an ArrayBuffer said 'no ONNX graph')", () => {
  assert.throws(() => randomizeOnnxWeights(null as never), isInputError(/needs the .onnx file's bytes as a Uint8Array, e.g. readFileSync\(path\), got null/));
  assert.throws(() => randomizeOnnxWeights("model.onnx" as never), isInputError(/got the string "model.onnx" \(a path\? read the file first\)/));
  assert.throws(() => randomizeOnnxWeights(fixtureBytes("grad_cnn.onnx").buffer as never), isInputError(/\(wrap it: new Uint8Array\(buffer\)\)/));
});

test("seed and include are checked (before: '1' and 1.5 were used as given, 2**32 gave seed 0's copy, a string include was ignored or a TypeError)", () => {
  const bytes = fixtureBytes("grad_cnn.onnx");
  for (const seed of [1.5, "1", 2 ** 32, -1]) {
    assert.throws(() => randomizeOnnxWeights(bytes, { seed: seed as never }), isInputError(/seed must be an integer in 0..4294967295/), String(seed));
  }
  assert.throws(() => randomizeOnnxWeights(bytes, { include: "fc" as never }), isInputError(/include must be a function \(name\) => boolean/));
  assert.throws(() => randomizeOnnxWeights(bytes, null as never), isInputError(/options must be an object such as \{ seed: 1 \}, got null/));
});
