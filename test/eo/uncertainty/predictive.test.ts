import { test } from "node:test";
import assert from "node:assert/strict";
import {
  augment, deepEnsemble, mcDropout, softmax, testTimeAugmentation, type Augmentation,
} from "../../../kernel/src/eo/uncertainty/index.js";
import { loadModel } from "../../../kernel/src/eo/model/load-model.js";
import { loadFixture, randomTensor } from "../explain/models.js";

const x = randomTensor([3, 4, 8, 8], 1, -1, 1);

test("MC dropout: same seed gives the same samples, different seeds different ones, and the samples differ", async () => {
  const m = await loadFixture("mc_classifier.onnx");
  const a = await mcDropout(m, x, { samples: 10, seed: 5, progress: false });
  const b = await mcDropout(m, x, { samples: 10, seed: 5, progress: false });
  const c = await mcDropout(m, x, { samples: 10, seed: 6, progress: false });
  assert.deepEqual(a.samples.dims, [10, 3, 5]);
  assert.deepEqual(Array.from(a.samples.data), Array.from(b.samples.data));
  assert.notDeepEqual(Array.from(a.samples.data), Array.from(c.samples.data));
  // Samples within one run differ (dropout really runs) and the MI is positive.
  assert.notDeepEqual(Array.from(a.samples.data.subarray(0, 15)), Array.from(a.samples.data.subarray(15, 30)));
  const mi = a.classification.mutualInformation.data;
  assert.ok(Array.from(mi).every((v) => v > 0), `MI ${Array.from(mi)}`);
  // A deterministic pass gives the same probabilities every time (no dropout without mcDropout).
  const det = softmax(await m.predict(x));
  const det2 = softmax(await m.predict(x));
  assert.deepEqual(Array.from(det.data), Array.from(det2.data));
});

test("MC dropout batches several samples per forward pass (20 samples of 3 items in 2 passes of ≤ 32)", async () => {
  const m = await loadFixture("mc_classifier.onnx");
  const progress: number[] = [];
  const d = await mcDropout(m, x, { samples: 20, seed: 1, maxBatch: 32, progress: false, onProgress: (p) => progress.push(p.done / p.total) });
  assert.deepEqual(m.calls, [30, 30]);
  assert.deepEqual(progress, [0.5, 1]);
  assert.equal(d.size, 20);
  // Rows of the probability samples sum to 1 and the mean is their average.
  const s = d.samples.data;
  let sum = 0;
  for (let k = 0; k < 5; k++) sum += s[k]!;
  assert.ok(Math.abs(sum - 1) < 1e-6);
  let mean0 = 0;
  for (let i = 0; i < 20; i++) mean0 += s[i * 15]! / 20;
  assert.ok(Math.abs(d.classification.mean.data[0]! - mean0) < 1e-6);
  const bundle = (d as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /MC dropout \(20 samples in 2 passes, seed 1\)/);
  assert.match(bundle["text/html"], /MI \(BALD\)/);
});

test("MC dropout stops on an aborted signal", async () => {
  const m = await loadFixture("mc_classifier.onnx");
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(
    mcDropout(m, x, { samples: 20, maxBatch: 3, signal: ac.signal, progress: false, onProgress: () => { if (++n === 2) ac.abort(); } }),
    (e: unknown) => (e as Error).name === "AbortError",
  );
  assert.equal(m.calls.length, 2);
});

test("regression MC dropout: mean, aleatoric std from the log-variance head, epistemic std from the spread", async () => {
  const m = await loadFixture("mc_regressor.onnx");
  const d = await mcDropout(m, x, { samples: 16, seed: 3, task: "regression", progress: false });
  const r = d.regression;
  const S = 16, N = 3;
  for (let n = 0; n < N; n++) {
    let mu = 0, mu2 = 0, v = 0;
    for (let s = 0; s < S; s++) {
      const o = (s * N + n) * 2;
      mu += d.samples.data[o]! / S;
      mu2 += d.samples.data[o]! ** 2 / S;
      v += Math.exp(d.samples.data[o + 1]!) / S;
    }
    assert.ok(Math.abs(r.mean.data[n]! - mu) < 1e-6);
    assert.ok(Math.abs(r.epistemicStd.data[n]! - Math.sqrt(Math.max(0, mu2 - mu * mu))) < 1e-4);
    assert.ok(Math.abs(r.aleatoricStd.data[n]! - Math.sqrt(v)) < 1e-6);
    assert.ok(r.epistemicStd.data[n]! > 0);
    assert.ok(r.lower.data[n]! < r.mean.data[n]! && r.mean.data[n]! < r.upper.data[n]!);
  }
});

test("augmentations match numpy.rot90/flip semantics and invert exactly", () => {
  const t = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [1, 1, 2, 3] };
  assert.deepEqual(Array.from(augment(t, "rot90").data), [3, 6, 2, 5, 1, 4]); // np.rot90([[1,2,3],[4,5,6]])
  assert.deepEqual(augment(t, "rot90").dims, [1, 1, 3, 2]);
  assert.deepEqual(Array.from(augment(t, "rot270").data), [4, 1, 5, 2, 6, 3]);
  assert.deepEqual(Array.from(augment(t, "vflip").data), [4, 5, 6, 1, 2, 3]);
  for (const a of ["hflip", "vflip", "rot90", "rot180", "rot270", "transpose"] as Augmentation[]) {
    const inv = a === "rot90" ? "rot270" : a === "rot270" ? "rot90" : a;
    assert.deepEqual(Array.from(augment(augment(t, a), inv).data), [1, 2, 3, 4, 5, 6], a);
  }
});

test("TTA on a segmentation net inverts the augmentations: a pointwise net gives identical samples, a 3×3 net does not", async () => {
  const seg = randomTensor([2, 3, 6, 6], 9, -1, 1);
  const pw = await loadFixture("seg_pointwise.onnx");
  const d = await testTimeAugmentation(pw, seg, { progress: false });
  assert.deepEqual(d.samples.dims, [6, 2, 4, 6, 6]);
  const plain = softmax(await pw.predict(seg));
  for (let s = 0; s < 6; s++) {
    const sample = d.samples.data.subarray(s * plain.data.length, (s + 1) * plain.data.length);
    for (let i = 0; i < plain.data.length; i++) assert.ok(Math.abs(sample[i]! - plain.data[i]!) < 1e-5, `sample ${s} value ${i}`);
  }
  assert.ok(Math.max(...d.classification.mutualInformation.data) < 1e-5);
  // All six views of 2 square tiles ran in one batched pass of 12 items.
  assert.deepEqual(pw.calls, [12, 2]); // the TTA pass, then the plain one
  const c3 = await loadFixture("seg_conv3.onnx");
  const d3 = await testTimeAugmentation(c3, seg, { augmentations: ["identity", "hflip", "rot90"], progress: false });
  assert.ok(Math.max(...d3.classification.mutualInformation.data) > 1e-3);
  const maps = d3.toRasters({ index: 1, transform: [100, 10, 0, 200, 0, -10], crs: { epsg: 32725 } });
  assert.equal(maps.mean!.count, 4);
  assert.equal(maps.mutualInformation!.width, 6);
  assert.deepEqual(maps.predicted!.transform, [100, 10, 0, 200, 0, -10]);
  assert.equal(maps.mutualInformation!.band(1)[5], d3.classification.mutualInformation.data[36 + 5]);
});

test("deep ensemble: one pass per member, members' disagreement shows as mutual information", async () => {
  const a = await loadFixture("seg_pointwise.onnx");
  const b = await loadFixture("seg_conv3.onnx");
  const seg = randomTensor([1, 3, 5, 5], 2, -1, 1);
  const d = await deepEnsemble([a, b], seg, { progress: false, classes: ["water", "urban", "veg", "soil"] });
  assert.deepEqual(d.samples.dims, [2, 1, 4, 5, 5]);
  assert.deepEqual(a.calls, [1]);
  assert.deepEqual(b.calls, [1]);
  assert.ok(Math.min(...d.classification.mutualInformation.data) >= 0);
  assert.ok(Math.max(...d.classification.mutualInformation.data) > 1e-3);
  assert.deepEqual(d.toRasters().mean!.descriptions, ["water", "urban", "veg", "soil"]);
  await assert.rejects(deepEnsemble([], seg), /needs at least one predictor/);
});

test("inside a kernel (a display host is installed) long computations show a progress display; progress: false hides it", async () => {
  const { DISPLAY_HOST_KEY } = await import("../../../kernel/src/eo/display.js");
  const shown: string[] = [];
  const g = globalThis as Record<symbol, unknown>;
  g[DISPLAY_HOST_KEY] = { display: (b: Record<string, unknown>) => shown.push(String(b["text/plain"])), clear: () => {} };
  try {
    const m = await loadFixture("mc_classifier.onnx");
    await mcDropout(m, x, { samples: 8, maxBatch: 6 });
    assert.ok(shown.length >= 2, `displays: ${shown.join(" | ")}`);
    assert.match(shown[shown.length - 1]!, /MC dropout\s+100% 4\/4 passes/);
    shown.length = 0;
    await mcDropout(m, x, { samples: 8, maxBatch: 6, progress: false });
    assert.equal(shown.length, 0);
  } finally {
    delete g[DISPLAY_HOST_KEY];
  }
});

test("MC dropout seeds the first pass and later passes continue the stream: multi-pass runs reproduce, seed null continues", async () => {
  const m = await loadFixture("mc_classifier.onnx");
  const a = await mcDropout(m, x, { samples: 10, seed: 9, maxBatch: 6, progress: false });
  const b = await mcDropout(m, x, { samples: 10, seed: 9, maxBatch: 6, progress: false });
  assert.equal(m.calls.length, 10); // 2 samples of 3 items per pass, 5 passes per run
  assert.deepEqual(Array.from(a.samples.data), Array.from(b.samples.data));
  const per = 3 * 5;
  for (let s = 1; s < 10; s++) {
    assert.notDeepEqual(Array.from(a.samples.data.subarray(0, per)), Array.from(a.samples.data.subarray(s * per, (s + 1) * per)), `sample ${s}`);
  }
  const c = await mcDropout(m, x, { samples: 2, seed: null, progress: false });
  const d = await mcDropout(m, x, { samples: 2, seed: null, progress: false });
  assert.notDeepEqual(Array.from(c.samples.data), Array.from(d.samples.data));
  assert.match(c.method, /MC dropout \(2 samples in 1 passes\)/);
});

test("shipped classifier (ONNX Runtime Dropout): same seed → same MC samples, other seed → other samples; deterministic pass unchanged", async () => {
  const m = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
  try {
    const p = randomTensor([5, 6, 8, 8], 21, -2, 2);
    const det0 = await m.predict(p);
    // maxBatch 10 → 2 samples per pass, 4 passes: later passes continue the seeded stream
    const a = await mcDropout(m, p, { samples: 8, seed: 3, maxBatch: 10, progress: false });
    const b = await mcDropout(m, p, { samples: 8, seed: 3, maxBatch: 10, progress: false });
    const c = await mcDropout(m, p, { samples: 8, seed: 4, maxBatch: 10, progress: false });
    assert.deepEqual(a.samples.dims, [8, 5, 4]);
    assert.deepEqual(Array.from(a.samples.data), Array.from(b.samples.data));
    assert.notDeepEqual(Array.from(a.samples.data), Array.from(c.samples.data));
    const per = 5 * 4;
    for (let s = 1; s < 8; s++) {
      assert.notDeepEqual(Array.from(a.samples.data.subarray(0, per)), Array.from(a.samples.data.subarray(s * per, (s + 1) * per)), `sample ${s}`);
    }
    assert.ok(Array.from(a.classification.mutualInformation.data).every((v) => v > 0));
    // an unseeded run after a seeded one continues the stream (differs from the seeded run's start)
    const d = await mcDropout(m, p, { samples: 2, seed: null, progress: false });
    assert.notDeepEqual(Array.from(d.samples.data), Array.from(a.samples.data.subarray(0, 2 * per)));
    // seeding one model does not disturb the deterministic pass
    const det1 = await m.predict(p);
    const det2 = await m.predict(p, { seed: 3 });
    assert.deepEqual(Array.from(det1.data), Array.from(det0.data));
    assert.deepEqual(Array.from(det2.data), Array.from(det0.data));
    // the same seed on a second loaded model gives the same samples (no hidden global state)
    const m2 = await loadModel("data/models/olinda-patch-classifier.onnx", { threads: 1 });
    try {
      const e = await mcDropout(m2, p, { samples: 8, seed: 3, maxBatch: 10, progress: false });
      assert.deepEqual(Array.from(e.samples.data), Array.from(a.samples.data));
    } finally {
      await m2.dispose();
    }
  } finally {
    await m.dispose();
  }
});
