// The warm-up cells are real, type-correct cells; warming up converts them without keeping
// anything, and stops for good once a user's cell has run.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "../../kernel/src/engine/engine.js";
import { warmUpCells } from "../../kernel/src/engine/warm-up.js";

const engine = await Engine.create<object>({
  hooks: { stream: () => undefined, uncaught: () => undefined, input: async () => "" },
  captureOutput: false,
});
after(() => engine.close());

test("the sample cells type-check and run, each round with its own names", async () => {
  assert.notDeepEqual(warmUpCells("a"), warmUpCells("b"));
  for (const cell of warmUpCells("t")) {
    const r = await engine.execute(cell, {});
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.equal(r.status === "ok" && r.hasValue, true);
  }
});

test("warmUp converts every sample without declaring anything, and stops once a cell runs", async () => {
  const fresh = await Engine.create<object>({ hooks: { stream: () => undefined, uncaught: () => undefined, input: async () => "" }, captureOutput: false });
  try {
    assert.equal(await fresh.warmUp(2), 2 * warmUpCells().length);
    // Nothing of the samples is declared: a name they define is unknown to the next cell.
    const r = await fresh.execute("typeof summarise__warm0", {});
    assert.equal(r.status, "error");
    assert.equal(await fresh.warmUp(1), 0, "no warm-up once a cell has run (a cell sent while the kernel starts does not wait for it)");
  } finally {
    fresh.close();
  }
  // A cell that starts while warming up ends it for good.
  const second = await Engine.create<object>({ hooks: { stream: () => undefined, uncaught: () => undefined, input: async () => "" }, captureOutput: false });
  try {
    const warming = second.warmUp(5);
    const cell = await second.execute("2 * 3", {});
    assert.deepEqual(cell, { status: "ok", hasValue: true, value: 6 });
    assert.equal(await warming, 0);
    assert.equal(await second.warmUp(1, AbortSignal.abort()), 0);
  } finally {
    second.close();
  }
});
