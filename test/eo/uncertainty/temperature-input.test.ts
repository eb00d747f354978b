// Bad inputs to temperature scaling: probabilities instead of logits, non-finite logits, a model that is
// not a model — errors, not a silently meaningless temperature.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fitTemperature, UncertaintyInputError, withTemperature } from "../../../kernel/src/eo/uncertainty/index.js";

test("probabilities passed as logits are refused (before: a temperature of 0.24 was fitted to them)", () => {
  assert.throws(() => fitTemperature([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4]], [0, 1, 1]),
    (e: unknown) => e instanceof UncertaintyInputError && /look like probabilities, not logits.*pass their logarithms/.test(e.message));
  const ok = fitTemperature([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4]].map((r) => r.map(Math.log)), [0, 1, 1]);
  assert.ok(ok.temperature > 0 && Number.isFinite(ok.nllAfter));
});

test("non-finite logits are refused (before: T = 1 with NaN NLLs)", () => {
  assert.throws(() => fitTemperature([[NaN, 1], [1, 2], [3, 1]], [0, 1, 0]), /logits row 0 class 0 is NaN; temperature scaling needs finite logits/);
  assert.throws(() => fitTemperature([[1, 2], [Infinity, 2], [3, 1]], [0, 1, 0]), /logits row 1 class 0 is Infinity/);
});

test("withTemperature names a string temperature and a non-model (before: 'got undefined', and a model that failed later)", () => {
  const m = { predict: async (x: { data: Float32Array; dims: readonly number[] }) => x };
  assert.throws(() => withTemperature(m, "2" as never), /The temperature must be a positive number, got the string "2"/);
  assert.throws(() => withTemperature({} as never, 2), /withTemperature needs a model \(an object with a predict\(\) method\), got an object/);
});

test("apply() given nested arrays points to applyMatrix()", () => {
  const s = fitTemperature([[2, 0], [0, 1], [1, 0]], [0, 1, 1]);
  assert.throws(() => s.apply([[1, 2]] as never), /apply\(\) takes a logits tensor \{ data, dims \}; for nested arrays of logits use applyMatrix\(\)/);
  assert.equal(s.applyMatrix([[1, 2]]).k, 2);
});
