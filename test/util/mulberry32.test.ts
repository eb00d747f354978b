// mulberry32, the core of ai4eo's seeded generators: fixed sequences (dataset splits and explanation
// masks stay reproducible across versions), the state's low 32 bits, uniform draws in [0, 1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mulberry32 } from "../../kernel/src/util/mulberry32.js";
import { seededRandom as splitsRandom } from "../../kernel/src/eo/datasets/splits.js";
import { seededRandom as masksRandom } from "../../kernel/src/eo/uncertainty/random.js";

test("mulberry32: the sequences the splits and the explanation masks have always had", () => {
  const take = (r: () => number, n: number) => Array.from({ length: n }, r);
  assert.deepEqual(take(mulberry32(42), 3), take(splitsRandom(42), 3));
  assert.equal(mulberry32(42)(), 0.6011037519201636);
  assert.equal(masksRandom(42)(), 0.4813160905614495);
  assert.deepEqual(take(mulberry32((7 | 0) ^ 0x9e3779b9), 4), take(masksRandom(7), 4));
  // only the low 32 bits of the state count
  assert.deepEqual(take(mulberry32(42 + 2 ** 32), 3), take(mulberry32(42), 3));
  assert.deepEqual(take(mulberry32(-1), 3), take(mulberry32(0xffffffff), 3));
});

test("mulberry32: draws are in [0, 1) and spread evenly", () => {
  const r = mulberry32(2024);
  const bins = new Array<number>(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const v = r();
    assert.ok(v >= 0 && v < 1, String(v));
    bins[Math.floor(v * 10)]!++;
  }
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 500, bins.join(" ")); // ~5 standard deviations
});
