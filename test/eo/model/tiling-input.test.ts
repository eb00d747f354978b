// tileStarts' sizes: an infinite total or tile never ended (the loop pushed starts until V8 aborted
// the process), a tile larger than the total gave a negative start, a NaN stride left a gap. Each is a
// ModelInputError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ModelInputError, tileStarts } from "../../../kernel/src/eo/index.js";

test("tileStarts refuses an infinite, zero, fractional or string total or tile, and a tile larger than the total", { timeout: 10_000 }, () => {
  for (const [total, tile] of [[Infinity, 4], [10, -Infinity], [0, 4], [10, 0], [10, 2.5], [NaN, 4], ["10", 4], [3, 4]] as const) {
    assert.throws(() => tileStarts(total as number, tile as number, 3), (e: unknown) => {
      assert.ok(e instanceof ModelInputError, String(e));
      assert.match(e.message, /^tileStarts needs positive whole numbers with tile ≤ total, got total .+, tile .+; e\.g\. tileStarts\(10, 4, 3\)\.$/);
      assert.deepEqual(e.got, { total, tile });
      return true;
    }, `${String(total)}, ${String(tile)}`);
  }
  assert.throws(() => tileStarts(10, 4, "3" as unknown as number), (e: unknown) => e instanceof ModelInputError && /got the string "3"|got "3"/.test(e.message));
});

test("tileStarts refuses a NaN or infinite stride (before: tileStarts(10, 4, NaN) was [0, 6], leaving pixels 4 and 5 in no tile)", () => {
  for (const stride of [Number.NaN, Infinity, -Infinity]) {
    assert.throws(() => tileStarts(10, 4, stride), (e: unknown) => e instanceof ModelInputError && Object.is(e.got, stride) &&
      e.message.startsWith("tileStarts needs a finite number as stride (at most this many pixels between starts), got ") &&
      e.message.endsWith("; e.g. tileStarts(10, 4, 3)."), String(stride));
  }
});

test("valid layouts are unchanged, and a stride below 1 still means 1", () => {
  assert.deepEqual(tileStarts(10, 4, 3), [0, 3, 6]);
  assert.deepEqual(tileStarts(11, 4, 3), [0, 3, 6, 7]);
  assert.deepEqual(tileStarts(4, 4, 3), [0]);
  assert.deepEqual(tileStarts(5, 4, 0), [0, 1]);
});

test("tileStarts refuses a stride larger than the tile (before: tileStarts(20, 4, 8) was [0, 8, 16], leaving pixels 4-7 and 12-15 in no tile)", () => {
  assert.throws(() => tileStarts(20, 4, 8), (e: unknown) => e instanceof ModelInputError && e.got === 8 &&
    /^tileStarts: a stride of 8 is larger than the tile \(4\), so pixels between tiles would be in none; use a stride ≤ 4/.test(e.message));
  // a stride equal to the tile (no overlap) still covers the scene
  const starts = tileStarts(20, 4, 4);
  assert.deepEqual(starts, [0, 4, 8, 12, 16]);
});
