import { test } from "node:test";
import assert from "node:assert/strict";
import { rise, riseMasks } from "../../../kernel/src/eo/explain/index.js";
import { loadFixture, randomTensor } from "./models.js";

const x = randomTensor([2, 2, 8, 8], 11, 0, 1);

test("RISE with the same seed reproduces; another seed gives another map", async () => {
  const m = await loadFixture("quadrant.onnx");
  const a = await rise(m, x, { masks: 200, cells: 4, seed: 3, target: 0, progress: false });
  const b = await rise(m, x, { masks: 200, cells: 4, seed: 3, target: 0, progress: false });
  const c = await rise(m, x, { masks: 200, cells: 4, seed: 4, target: 0, progress: false });
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.notDeepEqual(Array.from(a.data), Array.from(c.data));
});

test("RISE batched equals one-at-a-time and finds the quadrant the model looks at", async () => {
  const m1 = await loadFixture("quadrant.onnx");
  const m2 = await loadFixture("quadrant.onnx");
  const one = await rise(m1, x, { masks: 100, cells: 4, seed: 1, target: 0, maxBatch: 1, progress: false });
  const many = await rise(m2, x, { masks: 100, cells: 4, seed: 1, target: 0, maxBatch: 64, progress: false });
  one.data.forEach((v, i) => assert.ok(Math.abs(v - many.data[i]!) < 1e-5, `value ${i}`));
  assert.equal(m1.calls.length, 2 + 200);
  assert.deepEqual(m2.calls, [2, 64, 64, 64, 8]);
  const big = await rise(m2, x, { masks: 2000, cells: 4, seed: 1, target: 0, progress: false });
  for (let n = 0; n < 2; n++) {
    const map = big.map(n);
    // Analytic: far from the quadrant the mask is independent of the score, so the saliency is
    // keep·E-score = keep·Σ 0.25·x over the quadrant; inside it is larger by Cov(score, M)/keep.
    let inside = 0, outside = 0, expOutside = 0;
    for (let y = 0; y < 8; y++) for (let xx = 0; xx < 8; xx++) {
      if (y < 3 && xx < 3) inside += map[y * 8 + xx]! / 9;
      if (y >= 5 && xx >= 5) outside += map[y * 8 + xx]! / 9;
      if (y < 4 && xx < 4) expOutside += 0.5 * 0.25 * x.data[n * 128 + y * 8 + xx]!;
    }
    assert.ok(Math.abs(outside - expOutside) < 0.03 * expOutside, `item ${n}: far corner ${outside} vs analytic ${expOutside}`);
    assert.ok(inside > outside + 0.1, `item ${n}: quadrant ${inside} vs far corner ${outside}`);
  }
});

test("RISE masks are smooth values in [0, 1] with mean ≈ keep", () => {
  const m = riseMasks(16, 16, { masks: 500, cells: 4, keep: 0.3, seed: 9 });
  let s = 0;
  for (const v of m) { assert.ok(v >= 0 && v <= 1); s += v; }
  assert.ok(Math.abs(s / m.length - 0.3) < 0.03, `mean ${s / m.length}`);
  assert.throws(() => riseMasks(8, 8, { cells: 9 }), /cells must be an integer in 1\.\.8 for a 8×8 patch, got 9/);
});
