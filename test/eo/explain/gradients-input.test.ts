// Bad inputs to the gradient methods and to gradient models: ExplainInputErrors (ModelLoadErrors for
// files) naming what is wrong, instead of NaN maps, silently ignored options or onnxruntime's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { ModelLoadError } from "../../../kernel/src/eo/model/errors.js";
import {
  ExplainInputError, GradientUnavailableError, hasInputGradient, integratedGradients, loadGradientModel, saliency, type GradientPredictor,
} from "../../../kernel/src/eo/explain/index.js";
import { fixtureBytes, randomTensor } from "./models.js";

/** logits[n,k] = Σ_c W[k][c]·mean_p x[n,c,p], with its exact input gradient. */
const W = [[1, -1, 0.5], [0, 2, -1]];
const linear: GradientPredictor = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N, C, H, Wd] = x.dims as [number, number, number, number];
    const P = H * Wd;
    const out = new Float32Array(N * 2);
    for (let n = 0; n < N; n++) for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) s += W[k]![c]! * x.data[(n * C + c) * P + p]!;
      out[n * 2 + k] = s / P;
    }
    return { data: out, dims: [N, 2] };
  },
  async inputGradient(x: Tensor, w: Tensor): Promise<Tensor> {
    const [N, C, H, Wd] = x.dims as [number, number, number, number];
    const P = H * Wd;
    const g = new Float32Array(x.data.length);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
      const v = (w.data[n * 2]! * W[0]![c]! + w.data[n * 2 + 1]! * W[1]![c]!) / P;
      g.fill(v, (n * C + c) * P, (n * C + c + 1) * P);
    }
    return { data: g, dims: [...x.dims] };
  },
};
const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.sin(i)), dims: [2, 3, 4, 4] };
const q = { progress: false };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);

test("a null model is named, not a TypeError, and hasInputGradient(null) is false", async () => {
  assert.equal(hasInputGradient(null as never), false);
  await assert.rejects(saliency(null as never, x, q), isInputError(/The model must be an object with a predict\(\) method/));
  await assert.rejects(integratedGradients(linear, x, null as never), isInputError(/options must be an object such as \{ target: 0 \}, got null/));
  await assert.rejects(saliency({ predict: linear.predict }, x, q), (e: unknown) => e instanceof GradientUnavailableError);
});

test("IG steps must be a positive integer (before: 0 and NaN gave NaN maps, -1 zero maps, 1.5 a RangeError, Infinity hung)", async () => {
  for (const steps of [0, -1, 1.5, Number.NaN, Infinity, "8"]) {
    // (the signal ends the endless loop Infinity ran before)
    await assert.rejects(integratedGradients(linear, x, { ...q, steps: steps as never, signal: AbortSignal.timeout(5000) }),
      isInputError(/steps must be a positive integer \(Riemann steps along the path, e.g. 32\), got/), String(steps));
  }
  const ig = await integratedGradients(linear, x, { ...q, steps: 4 });
  assert.ok(ig.delta.every((d) => Math.abs(d) < 1e-6)); // linear model: exact
});

test("an unknown aggregate, score 'probability' and region are refused (before: 'max' ran maxabs; probability base scores were mixed with logit gradients, IG's completeness gap ≈ -0.35)", async () => {
  await assert.rejects(saliency(linear, x, { ...q, aggregate: "max" as never }), isInputError(/aggregate must be "maxabs" \(max \|gradient\| over bands\) or "sum" \(signed sum\), got the string "max"/));
  await assert.rejects(integratedGradients(linear, x, { ...q, score: "probability" }),
    isInputError(/Integrated Gradients explains the raw output \(the model's input gradient is of its logits\), so score "probability" cannot be used/));
  await assert.rejects(saliency(linear, x, { ...q, region: new Uint8Array(16).fill(1) }), isInputError(/Saliency cannot explain a region/));
});

test("a gradient of the wrong shape or with NaN is named (before: NaN maps)", async () => {
  const short: GradientPredictor = { predict: linear.predict, inputGradient: async () => ({ data: new Float32Array(3), dims: [1, 3] }) };
  await assert.rejects(saliency(short, x, q), isInputError(/inputGradient\(\) returned dims \[1, 3\] \(3 values\) for an input of dims \[2, 3, 4, 4\]/));
  const nan: GradientPredictor = { predict: linear.predict, inputGradient: async (t) => ({ data: new Float32Array(t.data.length).fill(Number.NaN), dims: t.dims }) };
  await assert.rejects(integratedGradients(nan, x, { ...q, steps: 2 }), isInputError(/The model's input gradient is NaN at item 0 band 0 \(row 0, col 0\)/));
});

test("loadGradientModel: a non-path, a missing file, non-ONNX bytes and bad options are named (before: onnxruntime's TypeErrors/Errors)", async () => {
  await assert.rejects(loadGradientModel(null as never), isInputError(/loadGradientModel needs the path of an .onnx file or its bytes \(a Uint8Array\), got null/));
  await assert.rejects(loadGradientModel("/nonexistent/model.onnx"), (e: unknown) => e instanceof ModelLoadError && /Model file \/nonexistent\/model.onnx does not exist/.test(e.message));
  await assert.rejects(loadGradientModel(new TextEncoder().encode("not a model")), (e: unknown) => e instanceof ModelLoadError && /onnxruntime cannot load <bytes>/.test(e.message));
  const bytes = fixtureBytes("grad_cnn.onnx");
  await assert.rejects(loadGradientModel(bytes, { threads: -1 }), isInputError(/threads must be a whole number from 0 to 256 .*got -1/));
  // (a million: onnxruntime tried to start them all and never returned)
  await assert.rejects(loadGradientModel(bytes, { threads: 1e6 }), isInputError(/threads must be a whole number from 0 to 256 .*got 1000000/));
  await assert.rejects(loadGradientModel(bytes, { gradient: 5 as never }), isInputError(/gradient must be the name of a graph output \(a string\), got 5/));
  await assert.rejects(loadGradientModel(bytes, null as never), isInputError(/options must be an object/));
});

test("a gradient model checks its input against the graph: bands, patch size, dtype, weights (before: onnxruntime's 'Got invalid dimensions for input')", async () => {
  const m = await loadGradientModel(fixtureBytes("grad_cnn.onnx"));
  try {
    await assert.rejects(saliency(m, randomTensor([1, 4, 8, 8], 1), q), isInputError(/This gradient model takes N×3×8×8 input \("input"\), got 4 bands where the model takes 3/));
    await assert.rejects(integratedGradients(m, randomTensor([1, 3, 16, 16], 1), q), isInputError(/got patches of 16×16/));
    await assert.rejects(m.predict({ data: new Float64Array(192), dims: [1, 3, 8, 8] } as never), isInputError(/with a Float64Array \(convert it to Float32Array\)/));
    const t = randomTensor([2, 3, 8, 8], 2);
    await assert.rejects(m.inputGradient(t, { data: new Float32Array(2), dims: [2, 3] }), isInputError(/Target weights must be 2×3, got \[2, 3\] with 2 values/));
    await assert.rejects(m.inputGradient(t, { data: new Float32Array(6).fill(Number.NaN), dims: [2, 3] }), isInputError(/Target weight 0 \(item 0, class 0\) is NaN/));
    assert.deepEqual((await saliency(m, t, q)).dims, [2, 8, 8]);
  } finally {
    await m.session.release();
  }
});

test("a gradient model is in the provenance record; dispose releases it, calls after it are refused, twice is harmless", async () => {
  const { provenance } = await import("../../../kernel/src/eo/provenance.js");
  const bytes = fixtureBytes("grad_cnn.onnx");
  const m = await loadGradientModel(bytes);
  const sha = createHash("sha256").update(bytes).digest("hex");
  assert.ok(provenance().toJSON().files.some((f) => f.kind === "model" && f.sha256 === sha), "the model's bytes are recorded as an input");
  const t = randomTensor([1, 3, 8, 8], 3);
  assert.deepEqual((await m.predict(t)).dims, [1, 3]);
  await m.dispose();
  await assert.rejects(m.predict(t), isInputError(/This gradient model was disposed; load it again with loadGradientModel/));
  await assert.rejects(saliency(m, t, q), isInputError(/was disposed/));
  await m.dispose();
});
