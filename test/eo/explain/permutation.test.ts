import { test } from "node:test";
import assert from "node:assert/strict";
import { permutationImportance } from "../../../kernel/src/eo/explain/index.js";
import { normalRandom, seededRandom } from "../../../kernel/src/eo/uncertainty/random.js";
import { loadFixture, TAB_W } from "./models.js";

test("permutation importance of y = x·w recovers 2·w_j²·Var(x_j), exactly 0 for an unused feature", async () => {
  const m = await loadFixture("tabular.onnx");
  const N = 3000, F = 5;
  const norm = normalRandom(seededRandom(2));
  const X = new Float32Array(N * F).map(() => norm());
  const y = Array.from({ length: N }, (_, i) => TAB_W.reduce((s, w, j) => s + w * X[i * F + j]!, 0));
  const names = ["NDVI", "slope", "elevation", "NDWI", "noise"];
  const imp = await permutationImportance(m, { data: X, dims: [N, F] }, y, { repeats: 4, seed: 1, featureNames: names, progress: false });
  assert.ok(Math.abs(imp.baselineScore) < 1e-8);
  TAB_W.forEach((w, j) => {
    const exp = 2 * w * w;
    if (w === 0) assert.equal(imp.mean[j], 0);
    else assert.ok(Math.abs(imp.mean[j]! - exp) < 0.12 * exp, `${names[j]}: ${imp.mean[j]} vs ${exp}`);
    assert.ok(imp.std[j]! < 0.1 * Math.max(exp, 1e-9) || w === 0);
  });
  // seeded: the same seed reproduces; the repeats differ from each other
  const again = await permutationImportance(m, { data: X, dims: [N, F] }, y, { repeats: 4, seed: 1, progress: false });
  assert.deepEqual(Array.from(again.values), Array.from(imp.values));
  assert.notEqual(imp.values[0], imp.values[1]);
  const bundle = (imp as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /NDVI\s+1[78]\.\d+/);
  await assert.rejects(permutationImportance(m, { data: X, dims: [N, F] }, y.slice(1)), /y has 2999 entries but the input has 3000 rows/);
});
