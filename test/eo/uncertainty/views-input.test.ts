// uncertaintyHistogram: bins and (without classes) the predicted indices size its arrays. bins 1e9
// allocated gigabytes; a predicted value of 1e9 made a billion class names (V8 aborted the process),
// a fractional one a bare RangeError. Each is an UncertaintyInputError naming the value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_BINS, MAX_HISTOGRAM_CLASSES, UncertaintyInputError, uncertaintyHistogram } from "../../../kernel/src/eo/uncertainty/index.js";

const values = [0.1, 0.5, 0.9, 0.3];

test("bins must be an integer in 1..MAX_BINS", { timeout: 10_000 }, () => {
  for (const bins of [0, -1, 2.5, Number.NaN, Infinity, 1e9, MAX_BINS + 1, "20"]) {
    assert.throws(() => uncertaintyHistogram(values, [0, 1, 1, 0], { bins: bins as number }), (e: unknown) => e instanceof UncertaintyInputError &&
      new RegExp(`^bins must be an integer in 1\\.\\.${MAX_BINS}, got ${typeof bins === "string" ? `the string "${bins}"` : String(bins)}; 20 is the default\\.$`).test(e.message), String(bins));
  }
  assert.equal(uncertaintyHistogram(values, [0, 1, 1, 0], { bins: 1 }).counts.length, 2);
});

test("without classes, predicted must hold whole class indices below MAX_HISTOGRAM_CLASSES", { timeout: 10_000 }, () => {
  for (const c of [1e9, MAX_HISTOGRAM_CLASSES, 2.5, Number.NaN]) {
    assert.throws(() => uncertaintyHistogram(values, [0, 1, c, 0]), (e: unknown) => {
      assert.ok(e instanceof UncertaintyInputError, String(e));
      assert.equal(e.message, `predicted[2] is ${c}: predicted must hold 0-based class indices below ${MAX_HISTOGRAM_CLASSES} (negative = none). ` +
        "Pass options.classes to name the classes; indices beyond them are then left out.");
      return true;
    }, String(c));
  }
  // negative indices are "no class" and left out; with classes, larger indices are left out too
  const h = uncertaintyHistogram(values, [0, -1, 1, 0], { bins: 2 });
  assert.deepEqual(h.classes, ["class 0", "class 1"]);
  assert.deepEqual(Array.from(h.counts), [2, 0, 0, 1]);
  const named = uncertaintyHistogram(values, [0, 1e9, 1, 0], { bins: 2, classes: ["water", "urban"] });
  assert.deepEqual(Array.from(named.counts), [2, 0, 0, 1]);
});
