// decodeInLanes: every job once, on this thread's lane and the pool lanes, each lane reusing its
// buffers (and later calls the stock of earlier ones); failures and aborts stop further jobs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeInLanes, LANE_STOCK_BYTES, type Lane } from "../../../kernel/src/eo/raster/decode-lanes.js";

/** A decode that works like a block read: pool lanes wait (an inflation elsewhere), this thread's lane spins. */
const fakeDecode = (log: { job: number; here: boolean }[], poolMs = 3, hereMs = 1) => async (job: number, lane: Lane): Promise<void> => {
  log.push({ job, here: lane.here });
  if (lane.here) {
    const t = performance.now();
    while (performance.now() - t < hereMs) { /* busy, as a synchronous inflation */ }
  } else await sleep(poolMs);
};

test("every job runs once; this thread's lane and the pool lanes both take jobs; pool lanes start first", async () => {
  const log: { job: number; here: boolean }[] = [];
  const jobs = Array.from({ length: 12 }, (_, i) => i);
  await decodeInLanes(jobs, 2, fakeDecode(log));
  assert.deepEqual(log.map((l) => l.job).sort((a, b) => a - b), jobs);
  assert.deepEqual(log.slice(0, 2).map((l) => l.here), [false, false], "the pool lanes' first jobs are handed out before this thread takes one");
  assert.ok(log.some((l) => l.here) && log.filter((l) => !l.here).length > 2, `both kinds of lane work: ${JSON.stringify(log)}`);
  // jobs start in order
  assert.deepEqual(log.map((l) => l.job), jobs);
});

test("no pool lanes (one core): every job on this thread; a single job never waits for a pool lane", async () => {
  const log: { job: number; here: boolean }[] = [];
  await decodeInLanes([1, 2, 3], 0, fakeDecode(log));
  assert.deepEqual(log, [1, 2, 3].map((job) => ({ job, here: true })));
  const one: { job: number; here: boolean }[] = [];
  await decodeInLanes([7], 2, fakeDecode(one));
  assert.deepEqual(one, [{ job: 7, here: true }]);
});

test("a lane reuses its buffers from job to job, grows them when a block is larger, and a later call finds them in the stock", async () => {
  const seen = new Map<boolean, Set<ArrayBufferLike>>();
  const met = new Map<boolean, number[]>();
  // which lane takes which block depends on timing (a pool lane may take two before this thread
  // takes one), so the bound below is counted from the blocks each lane met
  const sizes = [300_000, 300_000, 200_000, 250_000, 100_000, 520_000, 80_000, 90_000];
  await decodeInLanes(sizes, 1, async (n, lane) => {
    const input = lane.input(n);
    const output = lane.output(2 * n);
    assert.equal(input.length, n);
    assert.equal(output.length, 2 * n);
    assert.notEqual(input.buffer, output.buffer);
    input.fill(7);
    output.fill(9);
    const s = seen.get(lane.here) ?? new Set();
    s.add(input.buffer).add(output.buffer);
    seen.set(lane.here, s);
    met.set(lane.here, [...(met.get(lane.here) ?? []), n]);
    if (!lane.here) await sleep(1);
  });
  for (const [here, bufs] of seen) {
    // one input and one output buffer, plus at most one more of each whenever a block is larger than
    // every block the lane met before it
    const blocks = met.get(here)!;
    const larger = blocks.filter((n, i) => i > 0 && n > Math.max(...blocks.slice(0, i))).length;
    assert.ok(bufs.size <= 2 * (1 + larger), `${here ? "this thread's" : "the pool"} lane used ${bufs.size} buffers for blocks ${blocks.join(", ")}`);
  }
  assert.ok([...seen.values()].reduce((a, s) => a + s.size, 0) < 2 * sizes.length, "buffers are reused, not new for every block");
  const before = new Set([...seen.values()].flatMap((s) => [...s]));
  let reused = 0;
  await decodeInLanes([100_000, 100_000], 0, async (n, lane) => {
    if (before.has(lane.input(n).buffer)) reused++;
    if (before.has(lane.output(n).buffer)) reused++;
  });
  assert.equal(reused, 4, "a second call takes buffers an earlier one gave back");
});

test("the stock keeps at most LANE_STOCK_BYTES: a huge lane buffer is not kept", async () => {
  let big: ArrayBufferLike | undefined;
  await decodeInLanes([0], 0, async (_, lane) => {
    big = lane.input(LANE_STOCK_BYTES + 1).buffer;
  });
  let again: ArrayBufferLike | undefined;
  await decodeInLanes([0], 0, async (_, lane) => {
    again = lane.input(LANE_STOCK_BYTES + 1).buffer;
  });
  assert.notEqual(again, big);
});

test("a failing job: its error is thrown once every lane has stopped, and no job starts after it", async () => {
  const started: number[] = [];
  const finished: number[] = [];
  const boom = new Error("tile 3 is corrupt");
  await assert.rejects(decodeInLanes(Array.from({ length: 10 }, (_, i) => i), 2, async (job, lane) => {
    started.push(job);
    if (job === 3) throw boom;
    if (!lane.here) await sleep(5);
    finished.push(job);
  }), (e: unknown) => e === boom);
  const startedAtThrow = started.indexOf(3);
  // jobs taken before the failure finish; none is taken after the lanes learn of it
  assert.deepEqual([...finished].sort((a, b) => a - b), started.filter((j) => j !== 3).sort((a, b) => a - b), "every started job finished before the rejection");
  assert.ok(started.length <= startedAtThrow + 3, `jobs started after the failure: ${JSON.stringify(started)}`);
});

test("an aborted signal stops the lanes between jobs with the signal's reason", async () => {
  const ac = new AbortController();
  const started: number[] = [];
  await assert.rejects(decodeInLanes(Array.from({ length: 20 }, (_, i) => i), 2, async (job, lane) => {
    started.push(job);
    if (job === 4) ac.abort(new Error("interrupted"));
    if (!lane.here) await sleep(2);
  }, ac.signal), /interrupted/);
  assert.ok(started.length < 20 && started.length <= 8, `jobs started: ${JSON.stringify(started)}`);
});
