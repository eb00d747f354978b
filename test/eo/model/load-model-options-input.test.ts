// loadModel's options: threads must be a whole number in range (onnxruntime took a million and never
// returned; 0 silently meant "every core"), the optimization level one it knows; null options are
// the defaults. Each refusal is a ModelLoadError naming the file and what to pass instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { loadModel, ModelLoadError, MAX_MODEL_THREADS } from "../../../kernel/src/eo/index.js";

const SEG = "data/models/olinda-segmenter.onnx";

test("threads outside 1…MAX_MODEL_THREADS, fractional or as a string, and an unknown optimization level are ModelLoadErrors", { timeout: 60_000 }, async () => {
  for (const threads of [0, -1, 1.5, NaN, Infinity, MAX_MODEL_THREADS + 1, 1e6, "2"]) {
    await assert.rejects(loadModel(SEG, { threads: threads as number }), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.equal(e.path, SEG);
      assert.match(e.message, new RegExp(`threads must be a whole number from 1 to ${MAX_MODEL_THREADS} \\(this machine has ${availableParallelism()} cores\\); got ${typeof threads === "string" ? `the string "${threads}"` : String(threads)}\\. Leave it out`));
      return true;
    }, `threads ${String(threads)}`);
  }
  await assert.rejects(loadModel(SEG, { optimization: "max" as "all" }),
    (e: unknown) => e instanceof ModelLoadError && /optimization must be one of "disabled", "basic", "extended", "all"; got "max"/.test(e.message));
  await assert.rejects(loadModel(SEG, 2 as unknown as {}), (e: unknown) => e instanceof ModelLoadError && /options must be an object such as \{ threads: 2 \}; got 2\./.test(e.message));
});

test("the bounds themselves load, and null options are the defaults", { timeout: 120_000 }, async () => {
  for (const threads of [1, MAX_MODEL_THREADS]) {
    const m = await loadModel(SEG, { threads });
    assert.equal(m.source?.sessionOptions.intraOpNumThreads, threads);
    await m.dispose();
  }
  const d = await loadModel(SEG, null as unknown as {});
  assert.equal(d.source?.sessionOptions.intraOpNumThreads, availableParallelism());
  await d.dispose();
});
