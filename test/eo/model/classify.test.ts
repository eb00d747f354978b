// classify: a model whose output does not have one score per class of its card for each patch is
// an error that names the model, the shape it returned and the shape needed (not labels read with
// the wrong stride).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classify, loadModel, ModelOutputError, Raster, type ModelCard } from "../../../kernel/src/eo/index.js";

test("a patch model with more outputs than the card has classes is a ModelOutputError naming the shapes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-classify-"));
  const path = join(dir, "six.onnx");
  // the mean of each band over the 8×8 patch as its "scores": 6 a patch, a count the graph leaves
  // open (symbolic channels), so loadModel cannot tell it from the card's 4 classes
  execFileSync("/usr/bin/python3", ["-c", `
import onnx, sys
from onnx import helper as h, TensorProto as T
g = h.make_graph([h.make_node("GlobalAveragePool", ["input"], ["m"]), h.make_node("Flatten", ["m"], ["logits"])], "six",
  [h.make_tensor_value_info("input", T.FLOAT, ["n", "c", 8, 8])], [h.make_tensor_value_info("logits", T.FLOAT, ["n", "k"])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])
`, path]);
  const card: ModelCard = {
    name: "six-scores", task: "classification", bands: ["B1", "B2", "B3", "B4", "B5", "B7"],
    normalization: { type: "none" }, input: { name: "input", dtype: "float32", layout: "NCHW", patchSize: [8, 8] },
    output: { name: "logits", kind: "logits", layout: "NK" },
    classes: ["a", "b", "c", "d"].map((name, index) => ({ index, name })),
  };
  const model = await loadModel(path, { card, threads: 1 });
  const patch = new Raster({ width: 8, height: 8, dtype: "uint8", bands: Array.from({ length: 6 }, (_, b) => new Uint8Array(64).fill(b * 10)) });
  await assert.rejects(classify(model, [patch, patch, patch], { progress: false }), (e: unknown) => {
    assert.ok(e instanceof ModelOutputError, String(e));
    assert.match(e.message, /^Model six-scores returned 18 values \(shape \[3, 6\]\) for a batch of 3 patches; classify needs shape \[3, 4\]/);
    assert.deepEqual([e.dims, e.expected], [[3, 6], [3, 4]]);
    return true;
  });
  await model.dispose();
  rmSync(dir, { recursive: true, force: true });
});
