import { test } from "node:test";
import assert from "node:assert/strict";
import { GradientUnavailableError, hasInputGradient, integratedGradients, saliency } from "../../../kernel/src/eo/explain/index.js";
import { loadFixture, loadGradientFixture, randomTensor } from "./models.js";

test("the exported input gradient matches finite differences of the model's logits", async () => {
  const m = await loadGradientFixture();
  const x = randomTensor([1, 3, 8, 8], 41, -1, 1);
  const g = await m.inputGradient(x, { data: new Float32Array([0, 0, 1]), dims: [1, 3] });
  const eps = 1e-2;
  for (const i of [0, 17, 70, 150, 191]) {
    const xp = { data: Float32Array.from(x.data), dims: x.dims };
    const xm = { data: Float32Array.from(x.data), dims: x.dims };
    xp.data[i]! += eps;
    xm.data[i]! -= eps;
    const fd = ((await m.predict(xp)).data[2]! - (await m.predict(xm)).data[2]!) / (2 * eps);
    assert.ok(Math.abs(fd - g.data[i]!) < 2e-3, `element ${i}: finite difference ${fd} vs gradient ${g.data[i]}`);
  }
});

test("Saliency is max |gradient| over bands; Integrated Gradients satisfies completeness", async () => {
  const m = await loadGradientFixture();
  const x = randomTensor([2, 3, 8, 8], 42, -1, 1);
  const s = await saliency(m, x, { target: [0, 2], progress: false });
  const g = await m.inputGradient(x, { data: new Float32Array([1, 0, 0, 0, 0, 1]), dims: [2, 3] });
  for (let n = 0; n < 2; n++) for (const p of [0, 9, 63]) {
    const exp = Math.max(...[0, 1, 2].map((c) => Math.abs(g.data[(n * 3 + c) * 64 + p]!)));
    assert.ok(Math.abs(s.map(n)[p]! - exp) < 1e-7);
  }
  const ig = await integratedGradients(m, x, { steps: 64, target: [0, 2], progress: false });
  // Σ attributions ≈ f(x) − f(0): the gap is small relative to the score change.
  const out = await m.predict(x);
  const zero = await m.predict({ data: new Float32Array(x.data.length), dims: x.dims });
  for (let n = 0; n < 2; n++) {
    const t = [0, 2][n]!;
    const change = out.data[n * 3 + t]! - zero.data[n * 3 + t]!;
    assert.ok(Math.abs(ig.delta[n]!) < 0.02 * Math.abs(change) + 1e-4, `item ${n}: gap ${ig.delta[n]} of ${change}`);
    let mapSum = 0;
    for (const v of ig.map.map(n)) mapSum += v;
    assert.ok(Math.abs(mapSum - change) < 0.02 * Math.abs(change) + 1e-4);
  }
  assert.deepEqual(ig.attributions.dims, [2, 3, 8, 8]);
  // IG with steps batched (maxBatch 8 → 4 steps per pass) equals maxBatch 64
  const ig2 = await integratedGradients(m, x, { steps: 64, target: [0, 2], maxBatch: 8, progress: false });
  ig2.map.data.forEach((v, i) => assert.ok(Math.abs(v - ig.map.data[i]!) < 1e-5));
});

test("gradient methods on a model without an input gradient say why they are unavailable", async () => {
  const m = await loadFixture("band_linear.onnx");
  assert.equal(hasInputGradient(m), false);
  const x = randomTensor([1, 4, 8, 8], 43);
  await assert.rejects(saliency(m, x), (e: unknown) => e instanceof GradientUnavailableError &&
    /Saliency is unavailable because this model exports no input gradient.*"input_grad" output.*occlusion\(\), rise\(\) or featureAblation/.test((e as Error).message));
  await assert.rejects(integratedGradients(m, x), /Integrated Gradients is unavailable because/);
});

test("loadGradientModel runs a recipe model (same gradients as the raw session) and refuses graphs without input_grad", async () => {
  const { loadGradientModel } = await import("../../../kernel/src/eo/explain/index.js");
  const { fixtureBytes } = await import("./models.js");
  const gm = await loadGradientModel(fixtureBytes("grad_cnn.onnx"));
  assert.equal(gm.classes, 3);
  const ref = await loadGradientFixture();
  const x = randomTensor([2, 3, 8, 8], 44, -1, 1);
  const a = await saliency(gm, x, { target: [1, 2], progress: false });
  const b = await saliency(ref, x, { target: [1, 2], progress: false });
  a.data.forEach((v, i) => assert.ok(Math.abs(v - b.data[i]!) < 1e-6));
  const l1 = await gm.predict(x), l2 = await ref.predict(x);
  l1.data.forEach((v, i) => assert.ok(Math.abs(v - l2.data[i]!) < 1e-5));
  await assert.rejects(loadGradientModel(fixtureBytes("band_linear.onnx")), (e: unknown) => e instanceof GradientUnavailableError &&
    /loadGradientModel is unavailable because this model exports no input gradient \(the graph lacks input "target" and output "input_grad"/.test((e as Error).message));
});
