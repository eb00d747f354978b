import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { deletionCurve, insertionCurve, occlusion } from "../../../kernel/src/eo/explain/index.js";
import { loadFixture, randomTensor } from "./models.js";

function reference(job: unknown): any {
  const script = fileURLToPath(new URL("./reference.py", import.meta.url));
  return JSON.parse(execFileSync("/usr/bin/python3", [script], { input: JSON.stringify(job) }).toString());
}

test("deletion and insertion curves and AUCs equal an independent NumPy reference", async () => {
  const m = await loadFixture("band_linear.onnx");
  const x = randomTensor([2, 4, 8, 8], 31, -1, 1);
  const attr = await occlusion(m, x, { window: 2, stride: 1, progress: false });
  // Round the map so that ties occur and the tie order is exercised.
  const rounded = Float32Array.from(attr.data, (v) => Math.round(v * 20) / 20);
  const del = await deletionCurve(m, x, rounded, { steps: 20, target: Array.from(attr.targets), progress: false });
  const ins = await insertionCurve(m, x, rounded, { steps: 20, target: Array.from(attr.targets), progress: false });
  const ref = reference({
    x: Array.from({ length: 2 }, (_, n) => Array.from({ length: 4 }, (_, c) => Array.from({ length: 8 }, (_, y) => Array.from(x.data.subarray(((n * 4 + c) * 8 + y) * 8, ((n * 4 + c) * 8 + y + 1) * 8))))),
    attr: Array.from({ length: 2 }, (_, n) => Array.from({ length: 8 }, (_, y) => Array.from(rounded.subarray((n * 8 + y) * 8, (n * 8 + y + 1) * 8)))),
    targets: Array.from(attr.targets), steps: 20,
  });
  for (const [curve, r] of [[del, ref.deletion], [ins, ref.insertion]] as const) {
    for (let n = 0; n < 2; n++) {
      assert.ok(Math.abs(curve.auc[n]! - r.auc[n]) < 1e-5, `${curve.kind} AUC item ${n}: ${curve.auc[n]} vs ${r.auc[n]}`);
      for (let s = 0; s <= 20; s++) assert.ok(Math.abs(curve.scores[n * 21 + s]! - r.scores[n][s]) < 1e-5, `${curve.kind} item ${n} step ${s}`);
    }
  }
  const bundle = (del as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /deletion curve: mean AUC/);
});

test("a faithful map deletes faster than its reverse (quadrant model)", async () => {
  const m = await loadFixture("quadrant.onnx");
  const x = randomTensor([1, 2, 8, 8], 32, 0, 1);
  const attr = await occlusion(m, x, { window: 2, stride: 2, target: 0, progress: false });
  const good = await deletionCurve(m, x, attr, { progress: false });
  const reversed = await deletionCurve(m, x, attr.data.map((v) => -v), { target: 0, progress: false });
  assert.ok(good.auc[0]! < reversed.auc[0]! - 0.5, `${good.auc[0]} vs ${reversed.auc[0]}`);
  await assert.rejects(deletionCurve(m, x, new Float32Array(10)), /attribution maps have 10 values but 1 item\(s\) of 8×8 need 64/);
});
