// Options of the predictive-distribution builders that are not what they say: a signal that is not
// an AbortSignal, onProgress that is not a function, a predictor returning no tensor.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandZeroAndNegation } from "../toy-models.js";
import { deepEnsemble, mcDropout, testTimeAugmentation, UncertaintyInputError } from "../../../kernel/src/eo/uncertainty/index.js";

const x: Tensor = { data: Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.sin(i)), dims: [2, 3, 4, 4] };
const q = { progress: false };
const isInputError = (re: RegExp) => (e: unknown) => e instanceof UncertaintyInputError && re.test(e.message);

test("signal and onProgress of the wrong kind are named before any pass (before: TypeErrors, onProgress after the first pass)", async () => {
  let calls = 0;
  const m = { async predict(t: Tensor) { calls++; return bandZeroAndNegation.predict(t); } };
  await assert.rejects(mcDropout(m, x, { ...q, samples: 2, signal: { aborted: false } as never }), isInputError(/signal must be an AbortSignal \(e.g. new AbortController\(\).signal\), got an object \(\{ aborted: false \}\)/));
  await assert.rejects(testTimeAugmentation(m, x, { ...q, onProgress: true as never }), isInputError(/onProgress must be a function \(\{ done, total \}\) => void, got true/));
  await assert.rejects(deepEnsemble([m], x, { ...q, signal: "stop" as never }), isInputError(/signal must be an AbortSignal .*got the string "stop"/));
  assert.equal(calls, 0);
  const seen: number[] = [];
  await mcDropout(m, x, { ...q, samples: 4, maxBatch: 4, onProgress: (p) => seen.push(p.done), signal: new AbortController().signal });
  assert.deepEqual(seen, [1, 2]);
});

test("a predictor returning no tensor is named (before: 'Cannot read properties of undefined (reading '0')')", async () => {
  const bare = { async predict(t: Tensor) { return new Float32Array(t.dims[0]! * 2) as never; } };
  await assert.rejects(mcDropout(bare, x, { ...q, samples: 2 }), isInputError(/MC dropout pass returned a Float32Array of 8 values; a Predictor must return a tensor \{ data: Float32Array, dims: \[N, …\] \}/));
});
