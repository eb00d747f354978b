// Seeds and split options that would silently give surprising splits are DatasetErrors: seeds that
// are not 32-bit unsigned integers (0.1, NaN, "abc" all meant seed 0; 2^32 + 1 meant 1), infinite
// ratios (everything went to one split), non-finite block sizes and footprints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assignSplits, seededRandom, DatasetError } from "../../../kernel/src/eo/index.js";

test("seeds must be integers from 0 to 2^32 − 1", () => {
  for (const seed of [0.1, 0.9, NaN, -1, 2 ** 32 + 1, Infinity, "abc" as unknown as number]) {
    assert.throws(() => seededRandom(seed), (e: unknown) => e instanceof DatasetError && /A seed must be an integer from 0 to 4294967295; got /.test(e.message), String(seed));
    assert.throws(() => assignSplits([0, 1, 0, 1], null, { seed }), DatasetError);
  }
  assert.equal(seededRandom(42)(), 0.6011037519201636);
  assert.equal(seededRandom(2 ** 32 - 1)(), seededRandom(2 ** 32 - 1)());
  // the value as received, with its kind where the literal would mislead
  assert.throws(() => seededRandom("7" as unknown as number), (e: unknown) => e instanceof DatasetError && /; got the string "7"\.$/.test(e.message));
  assert.throws(() => seededRandom(-1), (e: unknown) => e instanceof DatasetError && /; got -1\.$/.test(e.message));
});

test("split ratios must be finite; block sizes and footprints too", () => {
  assert.throws(() => assignSplits([0, 1], null, { ratios: { train: Infinity, test: 1 } }),
    (e: unknown) => e instanceof DatasetError && /Split ratios must be finite, non-negative numbers with a positive sum, got train: Infinity/.test(e.message));
  const b = { minX: 0, minY: 0, maxX: 10, maxY: 10 };
  assert.throws(() => assignSplits([0, 1], [b, b], { blockSize: Infinity }), (e: unknown) => e instanceof DatasetError && /blockSize must be a positive number/.test(e.message));
  assert.throws(() => assignSplits([0, 1], [b, { ...b, maxX: NaN }], { blockSize: 5 }),
    (e: unknown) => e instanceof DatasetError && /Sample 1's footprint is not finite \(0, 0, NaN, 10\)/.test(e.message));
  assert.throws(() => assignSplits([0, 1], [b, null], { blockSize: 5 }), (e: unknown) => e instanceof DatasetError && /minx, miny, maxx, maxy columns/.test(e.message));
  assert.deepEqual(assignSplits([0, 0, 1, 1], null, { ratios: { train: 1, test: 1 }, seed: 3 }).sort(), ["test", "test", "train", "train"]);
});
