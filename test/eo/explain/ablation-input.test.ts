// Bad inputs to band-group and segment ablation and to the segmentations: named errors, not TypeErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { bandGroupAblation, ExplainInputError, featureAblation, gridSegments, occlusion, segmentAblation, slicSegments, windowStarts } from "../../../kernel/src/eo/explain/index.js";

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

test("null or non-object options and an empty groups object are named (before: TypeErrors; {} gave a result with no groups)", async () => {
  const x: Tensor = { data: new Float32Array(3 * 4 * 4).fill(0.5), dims: [1, 3, 4, 4] };
  const named = (re: RegExp) => (e: unknown) => e instanceof ExplainInputError && re.test(e.message);
  for (const options of [null, 3, [] as unknown]) {
    const what = options === null ? "null" : Array.isArray(options) ? "an empty array" : "3";
    await assert.rejects(bandGroupAblation(cls, x, options as never), named(new RegExp(`options must be an object such as \\{ target: "predicted" \\} \\(or left out\\), got ${what}`)));
    await assert.rejects(featureAblation(cls, x, options as never), named(/options must be an object/));
    await assert.rejects(occlusion(cls, x, options as never), named(/options must be an object/));
  }
  await assert.rejects(bandGroupAblation(cls, x, { groups: {} }), named(/groups is empty: name at least one group of bands/));
  // left out, one group per band
  assert.deepEqual((await bandGroupAblation(cls, x)).groups, ["band 0", "band 1", "band 2"]);
});

test("windowStarts refuses a zero stride (an endless loop), a window larger than the axis and non-numbers", () => {
  assert.deepEqual(windowStarts(10, 4, 3), [0, 3, 6]);
  assert.deepEqual(windowStarts(4, 4, 1), [0]);
  for (const [size, win, stride] of [[10, 4, 0], [10, 11, 1], [10, 4, 1.5], [10, 0, 1], [NaN, 4, 1], ["10", 4, 1]] as const) {
    assert.throws(() => windowStarts(size as number, win, stride), (e: unknown) => e instanceof ExplainInputError && /windowStarts needs positive whole numbers with win ≤ size/.test(e.message), `${size}, ${win}, ${stride}`);
  }
});
