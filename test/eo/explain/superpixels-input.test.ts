// Bad inputs to the spatial feature masks: patch sizes, SLIC inputs and options that gave TypeErrors,
// silently different superpixels, or ran for as many iterations as asked after convergence.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { ExplainInputError, gridSegments, slicSegments } from "../../../kernel/src/eo/explain/index.js";
import { randomTensor } from "./models.js";

const isInputError = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);
const x: Tensor = randomTensor([2, 3, 16, 16], 5);

test("gridSegments needs positive integer patch sizes (before: NaN gave 0 labels and a NaN count, 1.5 and '8' were kept as sizes)", () => {
  assert.throws(() => gridSegments(Number.NaN, 8, 4), isInputError(/The patch height must be a positive integer \(pixels\), got NaN; e.g. gridSegments\(64, 64, 8\)/));
  assert.throws(() => gridSegments(8, 1.5, 1), isInputError(/The patch width must be a positive integer \(pixels\), got 1.5/));
  assert.throws(() => gridSegments("8" as never, 8, 4), isInputError(/got the string "8"/));
  assert.equal(gridSegments(8, 8, 4).count, 4);
});

test("slicSegments names a non-tensor, inconsistent dims, NaN pixels and null options (before: TypeErrors)", () => {
  assert.throws(() => slicSegments(null as never), isInputError(/slicSegments needs an N×C×H×W tensor \{ data: Float32Array, dims \}, got null/));
  assert.throws(() => slicSegments({ data: new Float32Array(3), dims: [1, 3, 8, 8] }), isInputError(/the input has 3 values and dims \[1, 3, 8, 8\]/));
  const bad = { data: x.data.slice(), dims: x.dims };
  bad.data[256 + 2 * 16 + 7] = Number.NaN;
  assert.throws(() => slicSegments(bad), isInputError(/slicSegments: item 0 band 1 pixel \(row 2, col 7\) is NaN; superpixels need finite values/));
  assert.equal(slicSegments(bad, { index: 1, segments: 4 }).height, 16); // another item is fine
  assert.throws(() => slicSegments(x, null as never), isInputError(/options must be an object such as \{ segments: 64 \}, got null/));
});

test("compactness and iterations are checked (before: NaN compactness a TypeError, -1 inverted the spatial term, iterations 0/NaN gave one segment)", () => {
  for (const compactness of [Number.NaN, -1, "10"]) {
    assert.throws(() => slicSegments(x, { compactness: compactness as never }), isInputError(/compactness must be a finite number ≥ 0 \(larger = squarer superpixels; 10 is usual\)/), String(compactness));
  }
  for (const iterations of [0, Number.NaN, 2.5, "3"]) {
    assert.throws(() => slicSegments(x, { iterations: iterations as never }), isInputError(/iterations must be a positive integer \(k-means iterations; 10 is usual\)/), String(iterations));
  }
});

// (the timeout only guards against a hang: without the early stop, 1e9 iterations take hours)
test("SLIC stops when the labels no longer change: a huge iteration count gives the converged result (before: 1e5 iterations took seconds, 1e9 hours)", { timeout: 120_000 }, () => {
  const many = slicSegments(x, { segments: 8, iterations: 1e9 });
  assert.deepEqual(many, slicSegments(x, { segments: 8, iterations: 60 }));
});
