// IdleScavenger: a young-generation collection shortly after a cell ends, while the kernel is idle,
// instead of in the middle of the next cell; cells never get V8's gc().
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import vm from "node:vm";
import { IdleScavenger, v8Gc, youngGenerationBytes } from "../../kernel/src/engine/idle-scavenge.js";
import { Engine } from "../../kernel/src/engine/engine.js";

/** Young-generation collections (scavenges) that start after `since` (performance.now() time). */
const scavenges: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(e);
});
observer.observe({ entryTypes: ["gc"] });
after(() => observer.disconnect());
const scavengesSince = (since: number) => scavenges.filter((e) => e.startTime >= since).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Empties the young generation, then leaves ~`mib` MiB of small dead objects in the young generation (small: large arrays go elsewhere). */
function garbage(mib: number): number {
  v8Gc()!({ type: "minor" });
  // (kept in a list that is dropped now and then, so V8 cannot optimise the allocations away)
  let keep: object[] = [];
  let n = 0;
  for (let i = 0; i < (mib * 2 ** 20) / 32; i++) {
    keep.push({ i });
    if (keep.length === 1000) {
      n += keep.length;
      keep = [];
    }
  }
  return n + keep.length;
}

test("v8Gc gives V8's gc() to the kernel, not to cells or to contexts made later", () => {
  const gc = v8Gc();
  assert.equal(typeof gc, "function");
  assert.equal(v8Gc(), gc, "taken once");
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
  assert.equal(vm.runInNewContext("typeof gc"), "undefined", "the flag is off again");
});

test("a planned scavenge runs once the delay has passed and empties the young generation", async () => {
  // (minBytes 1: how much of the garbage a collection of V8's own has already taken varies)
  const s = new IdleScavenger({ delayMs: 10, minBytes: 1 });
  garbage(0.25);
  const before = youngGenerationBytes();
  assert.ok(before > 0, `the test left ${before} bytes in the young generation`);
  const t = performance.now();
  s.schedule();
  await sleep(80);
  assert.equal(s.scavenges, 1);
  assert.ok(scavengesSince(t) >= 1, "V8 reports a young-generation collection");
  assert.ok(youngGenerationBytes() < before / 2, `young generation ${before} → ${youngGenerationBytes()} bytes`);
});

test("cancel drops the planned scavenge; below minBytes nothing runs; schedule replaces a planned one", async () => {
  const s = new IdleScavenger({ delayMs: 10, minBytes: 1 });
  garbage(0.25);
  s.schedule();
  s.cancel();
  await sleep(60);
  assert.equal(s.scavenges, 0);
  const lazy = new IdleScavenger({ delayMs: 10, minBytes: 2 ** 40 });
  lazy.schedule();
  await sleep(60);
  assert.equal(lazy.scavenges, 0, "a young generation smaller than minBytes is left alone");
  garbage(0.25);
  s.schedule();
  s.schedule();
  await sleep(60);
  assert.equal(s.scavenges, 1, "one scavenge for two schedule() calls");
});

test("idle work runs first, once per scavenge; its errors are ignored", async () => {
  const calls: string[] = [];
  const s = new IdleScavenger({ delayMs: 10, minBytes: 1, work: () => { calls.push("work"); throw new Error("ignored"); } });
  garbage(0.25);
  s.schedule();
  await sleep(60);
  assert.deepEqual(calls, ["work"]);
  assert.equal(s.scavenges, 1, "the scavenge still runs after the work failed");
});

test("the engine scavenges while idle after a cell", async () => {
  const engine = await Engine.create<object>({
    hooks: { stream: () => undefined, uncaught: () => undefined, input: async () => "" },
    captureOutput: false,
  });
  try {
    // a cell that leaves garbage behind (and TypeScript's own for its conversion)
    const cell = "let keep: object[] = []; let n = 0; for (let i = 0; i < 150000; i++) { keep.push({ i }); if (keep.length === 1000) keep = []; n++; } n";
    assert.deepEqual(await engine.execute(cell, {}), { status: "ok", hasValue: true, value: 150000 });
    const ended = performance.now();
    await sleep(150);
    assert.ok(scavengesSince(ended) >= 1, "a scavenge after the cell ended, with the kernel idle");
    // and, before it, the program took in the declarations the next cell starts from
    const converter = (engine as unknown as { converter: { ai4eoPrepare(prev: string): boolean } }).converter;
    const prepares: boolean[] = [];
    const prepare = converter.ai4eoPrepare.bind(converter);
    converter.ai4eoPrepare = (prev) => {
      const r = prepare(prev);
      prepares.push(r);
      return r;
    };
    assert.deepEqual(await engine.execute("interface Pixel { red: number }\nconst px: Pixel = { red: 1 };", {}), { status: "ok", hasValue: false });
    await sleep(150);
    assert.deepEqual(prepares, [true], "the new declarations were taken in while idle");
    assert.deepEqual(await engine.execute("px.red", {}), { status: "ok", hasValue: true, value: 1 });
  } finally {
    engine.close();
  }
});
