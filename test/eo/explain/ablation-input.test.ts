// Bad inputs to band-group and segment ablation and to the segmentations: named errors, not TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandGroupAblation, ExplainInputError, gridSegments, segmentAblation, slicSegments } from "../../../kernel/src/eo/explain/index.js";

const cls = {
  async predict(x: Tensor): Promise<Tensor> {
    const [N] = x.dims as [number];
    const P = x.data.length / N;
    const out = new Float32Array(N * 2);
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += x.data[n * P + i]! * (i % 5);
      out[n * 2] = s / P;
      out[n * 2 + 1] = -s / P;
    }
    return { data: out, dims: [N, 2] };
  },
};
const x: Tensor = { data: Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => Math.sin(i)), dims: [1, 3, 8, 8] };
const q = { progress: false };

test("band groups that are not arrays are named (before: 'members.map is not a function')", async () => {
  await assert.rejects(bandGroupAblation(cls, x, { ...q, bandNames: ["B2", "B3", "B4"], groups: { vis: "B2" as never } }),
    (e: unknown) => e instanceof ExplainInputError && /Band group "vis" must be an array of band names or indices, e.g. \{ "vis": \["B8"\] \}, got the string "B2"/.test(e.message));
  await assert.rejects(bandGroupAblation(cls, x, { ...q, groups: ["B2"] as never }), /groups must be an object of named band lists/);
});

test("segment ablation without segments or with labels beyond count is named (before: TypeErrors)", async () => {
  await assert.rejects(segmentAblation(cls, x, { ...q } as never), /segmentAblation needs options.segments from gridSegments\(\) or slicSegments\(\), got undefined/);
  await assert.rejects(segmentAblation(cls, x, { ...q, segments: { labels: new Int32Array(64).fill(9), height: 8, width: 8, count: 2 } }),
    /Segment label 9 at pixel 0 is outside 0..1 \(count 2\)/);
  const ok = await segmentAblation(cls, x, { ...q, segments: gridSegments(8, 8, 4) });
  assert.equal(ok.dims[1], 8);
});

test("grid sizes and SLIC options of the wrong type are named (before: '2×undefined', TypeErrors for index 5 or segments NaN)", () => {
  assert.throws(() => gridSegments(8, 8, "2" as never), /Grid block size must be an integer or \[rows, cols\] integers, got "2"/);
  assert.throws(() => gridSegments(8, 8, 2.5), /got 2.5/);
  assert.throws(() => slicSegments(x, { index: 5 }), /index 5 is not an item of the batch of 1: use an integer in 0..0/);
  assert.throws(() => slicSegments(x, { segments: Number.NaN }), /segments must be a positive integer \(approximate number of superpixels\), got null/);
  assert.ok(slicSegments(x, { segments: 4 }).count >= 1);
});
