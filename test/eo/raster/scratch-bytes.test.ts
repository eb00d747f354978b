import { test } from "node:test";
import assert from "node:assert/strict";
import { ScratchBytes, giveScratch, takeScratch } from "../../../kernel/src/eo/raster/scratch-bytes.js";

test("ScratchBytes views its one buffer, growing to the largest length asked", () => {
  const s = new ScratchBytes();
  const a = s.bytes(1000);
  assert.equal(a.length, 1000);
  a.fill(9);
  const b = s.bytes(500);
  assert.equal(b.buffer, a.buffer, "a smaller request reuses the buffer");
  assert.equal(b[0], 9);
  const c = s.bytes(1200);
  assert.equal(c.length, 1200);
  assert.ok(s.capacity >= 1500, "grows by at least half");
});

test("takeScratch gives distinct buffers to concurrent users and reuses given-back ones", () => {
  const x = takeScratch();
  const y = takeScratch();
  assert.notEqual(x, y);
  x.bytes(64);
  giveScratch(x);
  assert.equal(takeScratch(), x);
  const huge = new ScratchBytes();
  huge.bytes((16 << 20) + 1);
  giveScratch(huge);
  assert.notEqual(takeScratch(), huge, "buffers above 16 MiB are not kept");
  giveScratch(y);
});
