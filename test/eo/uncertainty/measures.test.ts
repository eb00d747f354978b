import { test } from "node:test";
import assert from "node:assert/strict";
import { classificationMeasures, regressionMeasures } from "../../../kernel/src/eo/uncertainty/index.js";
import { normalQuantile } from "../../../kernel/src/eo/uncertainty/normal.js";
import { reference } from "./reference.js";
import { softmaxRows, synthetic } from "./synthetic.js";

test("entropy, expected entropy, mutual information and variance equal a NumPy reference", () => {
  const S = 7, N = 40, K = 5;
  const samples = Array.from({ length: S }, (_, s) => softmaxRows(synthetic(N, K, 100 + s).logits, 1.3));
  // Make some rows degenerate (exact zeros) to exercise 0·log 0.
  samples[0]![0] = [1, 0, 0, 0, 0];
  const flat = new Float32Array(S * N * K);
  samples.forEach((m, s) => m.forEach((r, n) => r.forEach((v, k) => (flat[(s * N + n) * K + k] = v))));
  const f32 = Array.from({ length: S }, (_, s) => Array.from({ length: N }, (_, n) => Array.from(flat.subarray((s * N + n) * K, (s * N + n + 1) * K))));
  const ref = reference({ samples: f32 });
  const m = classificationMeasures({ data: flat, dims: [S, N, K] });
  for (let n = 0; n < N; n++) {
    assert.ok(Math.abs(m.predictiveEntropy.data[n]! - ref.predictive_entropy[n]) < 1e-6, `H[${n}]`);
    assert.ok(Math.abs(m.expectedEntropy.data[n]! - ref.expected_entropy[n]) < 1e-6, `EH[${n}]`);
    assert.ok(Math.abs(m.mutualInformation.data[n]! - Math.max(0, ref.mutual_information[n])) < 1e-6, `MI[${n}]`);
    for (let k = 0; k < K; k++) assert.ok(Math.abs(m.variance.data[n * K + k]! - ref.variance[n][k]) < 1e-6, `var[${n},${k}]`);
  }
});

test("per-pixel measures keep the spatial layout (S×N×K×H×W)", () => {
  // Two samples, one item, two classes, 1×2 pixels: pixel 0 agrees, pixel 1 disagrees.
  const data = new Float32Array([/* s0 c0 */ 1, 1, /* s0 c1 */ 0, 0, /* s1 c0 */ 1, 0, /* s1 c1 */ 0, 1]);
  const m = classificationMeasures({ data, dims: [2, 1, 2, 1, 2] });
  assert.deepEqual(m.mutualInformation.dims, [1, 1, 2]);
  assert.equal(m.mutualInformation.data[0], 0);
  assert.ok(Math.abs(m.mutualInformation.data[1]! - Math.log(2)) < 1e-7);
  assert.deepEqual(Array.from(m.mean.data), [1, 0.5, 0, 0.5]);
});

test("regression measures: aleatoric from the variance head, epistemic from the spread, Gaussian interval", () => {
  // 2 samples of 1 item: means 1 and 3, log-variances ln 4 and ln 4.
  const r = regressionMeasures({ data: new Float32Array([1, Math.log(4), 3, Math.log(4)]), dims: [2, 1, 2] }, { level: 0.95 });
  assert.equal(r.mean.data[0], 2);
  assert.ok(Math.abs(r.aleatoricStd.data[0]! - 2) < 1e-6);
  assert.ok(Math.abs(r.epistemicStd.data[0]! - 1) < 1e-6);
  assert.ok(Math.abs(r.totalStd.data[0]! - Math.sqrt(5)) < 1e-6);
  assert.ok(Math.abs(r.upper.data[0]! - (2 + 1.959963985 * Math.sqrt(5))) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-8);
  assert.throws(() => regressionMeasures({ data: new Float32Array(2), dims: [1, 1, 2] }, { level: 1.2 }), /level must be in \(0, 1\), got 1\.2/);
});
