import { test } from "node:test";
import assert from "node:assert/strict";
import { progress, formatProgress } from "../../kernel/src/eo/progress.js";
import { DISPLAY_HOST_KEY, type DisplayHost, type MimeBundle } from "../../kernel/src/eo/display.js";

test("formatProgress shows percent, count, rate and ETA", () => {
  assert.equal(
    formatProgress({ value: 1, total: 4, label: "x", unit: "it", elapsedMs: 1000, finished: false }),
    "x   25% 1/4 it  1.00 it/s  ETA 3s",
  );
  assert.equal(
    formatProgress({ value: 30, label: "", unit: "tiles", elapsedMs: 2000, finished: true }),
    "30 tiles  15.0 tiles/s  done in 2s",
  );
});

test("progress rate-limits updates to one display and finishes once", () => {
  let now = 0;
  const calls: { data: MimeBundle; displayId?: string; update: boolean }[] = [];
  const host: DisplayHost = { display: (data, _m, displayId, update) => calls.push({ data, displayId, update }), clear: () => {} };
  (globalThis as Record<symbol, unknown>)[DISPLAY_HOST_KEY] = host;
  try {
    const p = progress({ total: 100, label: "tiles", clock: () => now, intervalMs: 250 });
    for (let i = 0; i < 100; i++) { now += 10; p.tick(); }
    p.done();
    p.done();
    // first render at t=0, then every 250 ms over 1000 ms (4), then the final one
    assert.equal(calls.length, 1 + 4 + 1);
    assert.equal(new Set(calls.map((c) => c.displayId)).size, 1);
    assert.equal(calls[0]!.update, false);
    assert.ok(calls.slice(1).every((c) => c.update));
    const last = calls.at(-1)!.data;
    assert.match(String(last["text/plain"]), /^tiles  100% 100\/100 it  100 it\/s  done in 1s$/);
    assert.match(String(last["text/html"]), /<progress value="100" max="100"/);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[DISPLAY_HOST_KEY];
  }
});

test("without a kernel progress writes lines to the stream", () => {
  let now = 0;
  const out: string[] = [];
  const p = progress({ total: 2, clock: () => now, stream: { write: (s: string) => out.push(s) } });
  now = 1000; p.tick(); now = 2000; p.tick(); p.done();
  assert.deepEqual(out, ["  0% 0/2 it  ? it/s\n", " 50% 1/2 it  1.00 it/s  ETA 1s\n", "100% 2/2 it  1.00 it/s  ETA 0s\n", "100% 2/2 it  1.00 it/s  done in 2s\n"]);
});
