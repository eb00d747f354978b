// The scene worker: batches read from and outputs written into shared kernel memory equal the
// main-thread session's outputs, requests on different memories may interleave, an output that
// does not fit its slot is an error, and a released memory is sent again when reused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../../kernel/src/eo/model/load-model.js";
import { SceneKernels } from "../../../kernel/src/eo/model/scene-kernels.js";
import { ModelOutputError } from "../../../kernel/src/eo/model/errors.js";
import { pickWorker } from "../../../kernel/src/eo/model/worker-runner.js";

/** A single-threaded model's scene worker and shared memory for one 8×6×128×128 input and `outputs` outputs of 8×4×128×128. */
async function bigBatchSetup(outputs: number) {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const [runner] = await model.sceneWorkers();
  assert.ok(runner);
  const n = 8 * 6 * 128 * 128;
  const k = SceneKernels.create(SceneKernels.bytes(n * 4, outputs * 8 * 4 * 128 * 128 * 4))!;
  const input = k.f32(n);
  const outs = Array.from({ length: outputs }, () => k.f32(8 * 4 * 128 * 128));
  return { model, runner, k, input, outs };
}

test("predictShared equals the main-thread session on two interleaved shared memories; errors and release", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const [runner] = await model.sceneWorkers();
  assert.ok(runner);
  assert.ok(runner.alive);
  const n = 6 * 32 * 32;
  const out = 4 * 32 * 32;
  const mems = [0, 1].map(() => SceneKernels.create(SceneKernels.bytes(2 * n * 4, 2 * out * 4, 4))!);
  const inputs = mems.map((k, m) => {
    const x = k.f32(2 * n);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * (m + 1) * 0.37);
    return x;
  });
  const outputs = mems.map((k) => k.f32(2 * out));
  const results = await Promise.all([0, 1, 0, 1].map((m, r) => {
    const half = r < 2 ? 0 : 1; // first and second sample of each memory
    return runner.predictShared(inputs[m]!.subarray(half * n, (half + 1) * n), [1, 6, 32, 32], outputs[m]!.subarray(half * out, (half + 1) * out));
  }));
  for (const [r, m] of [0, 1, 0, 1].entries()) {
    const half = r < 2 ? 0 : 1;
    const ref = await model.predict({ data: inputs[m]!.slice(half * n, (half + 1) * n), dims: [1, 6, 32, 32] });
    assert.equal(results[r]!.data.buffer, mems[m]!.buffer, "the output is a view of the shared memory");
    assert.deepEqual(Array.from(results[r]!.data), Array.from(ref.data), `request ${r}`);
    assert.deepEqual(results[r]!.dims, [1, 4, 32, 32]);
  }
  // an output slot too small for the model's output is refused with the sizes
  const small = mems[0]!.f32(1);
  await assert.rejects(runner.predictShared(inputs[0]!.subarray(0, n), [1, 6, 32, 32], small), (e: unknown) => {
    assert.ok(e instanceof ModelOutputError, String(e));
    assert.match(e.message, /4096 values .* does not fit the 1 reserved/);
    assert.deepEqual(e.dims, [1, 4, 32, 32]);
    return true;
  });
  // the memory in use released (the worker drops it): the next request on it sends it again
  runner.releaseShared(mems[0]!.buffer);
  const again = await runner.predictShared(inputs[0]!.subarray(0, n), [1, 6, 32, 32], outputs[0]!.subarray(0, out));
  assert.deepEqual(Array.from(again.data), Array.from(results[0]!.data));
  assert.throws(() => runner.predictShared(new Float32Array(n), [1, 6, 32, 32], outputs[0]!), /one SharedArrayBuffer/);
  await model.dispose();
  assert.equal(runner.alive, false);
});

test("dropQueued rejects the requests not started; close waits for the run in progress (no abort inside onnxruntime)", async () => {
  const { model, runner, input, outs } = await bigBatchSetup(3);
  const runs = outs.map((o) => runner.predictShared(input, [8, 6, 128, 128], o));
  runner.dropQueued();
  const settled = await Promise.allSettled(runs);
  assert.equal(settled[0]!.status, "fulfilled", "the run in progress finishes");
  assert.deepEqual(settled.slice(1).map((r) => r.status === "rejected" && /dropped/.test(String(r.reason))), [true, true]);
  // closing while a run is in progress: the worker ends after it, the process lives on
  const busy = runner.predictShared(input, [8, 6, 128, 128], outs[0]!);
  busy.catch(() => undefined);
  await model.dispose();
  assert.equal(runner.alive, false);
  await assert.rejects(busy, /worker closed/);
});

test("after dropQueued (with a release of shared memory queued) the worker serves the next request", async () => {
  const { model, runner, k, input, outs } = await bigBatchSetup(2);
  const first = runner.predictShared(input, [8, 6, 128, 128], outs[0]!); // runs
  const second = assert.rejects(runner.predictShared(input, [8, 6, 128, 128], outs[1]!), /dropped/); // queued, dropped
  runner.releaseShared(k.buffer); // queued behind it (kept by the drop: the worker lets go of the memory)
  runner.dropQueued();
  await first;
  await second;
  // the memory is sent again with the next request, which runs
  const again = await runner.predictShared(input, [8, 6, 128, 128], outs[1]!);
  assert.deepEqual(again.dims, [8, 4, 128, 128]);
  await model.dispose();
});

test("predictTiles (the worker normalizes tiles of a pixel strip) equals predictShared on the batch normalized here, uint8 and uint16; bad tiles are refused", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const [runner] = await model.sceneWorkers();
  assert.ok(runner);
  const [W, th, tw, C] = [90, 24, 32, 6];
  const xs = [0, 26, 58]; // overlapping tiles, the last one at the strip's right edge
  const tileLen = C * th * tw;
  for (const bpe of [1, 2] as const) {
    const k = SceneKernels.create(SceneKernels.bytes(th * W * C * bpe, 2 * xs.length * tileLen * 4, xs.length * tileLen * 4, 2 * C * 4, C * C * 16 + 16))!;
    const strip = bpe === 1 ? k.u8(th * W * C) : k.u16(th * W * C);
    for (let i = 0; i < strip.length; i++) strip[i] = (i * 2654435761) % (bpe === 1 ? 256 : 4096);
    const mul = k.f32(C);
    const add = k.f32(C);
    for (let b = 0; b < C; b++) [mul[b], add[b]] = [1 / (40 + 13 * b) / bpe ** 4, -0.3 * b];
    const batch = k.f32(xs.length * tileLen);
    xs.forEach((x, q) => k.normalizeInterleaved(strip, x, W, C, C, batch, q * tileLen, th, tw, mul, add));
    const [o1, o2] = [0, 1].map(() => k.f32(xs.length * 4 * th * tw));
    const viaTiles = await runner.predictTiles(strip, W, C, C, th, tw, xs, mul, add, o1!);
    const viaBatch = await runner.predictShared(batch, [xs.length, C, th, tw], o2!);
    assert.deepEqual(viaTiles.dims, [3, 4, th, tw]);
    assert.equal(viaTiles.data.buffer, k.buffer, "the output is a view of the shared memory");
    assert.deepEqual(Array.from(viaTiles.data), Array.from(viaBatch.data), `${bpe === 1 ? "uint8" : "uint16"} tiles`);
    runner.releaseShared(k.buffer);
    assert.throws(() => runner.predictTiles(strip, W, C, C, th, tw, [60], mul, add, o1!), /tiles at \[60\] \(24×32, 6 of 6 samples\) do not fit a strip of \d+ samples, 90 pixels wide/);
    assert.throws(() => runner.predictTiles(strip, W, C, C, th, tw, [26, 0], mul, add, o1!), /do not fit/, "columns must ascend");
    assert.throws(() => runner.predictTiles(strip, W, C, C, th, tw, [0], mul, add, new Float32Array(8)), /one SharedArrayBuffer/);
  }
  await model.dispose();
});

test("shared-memory requests of alternating batch shapes equal the main-thread session; a model whose output shape the input's shape does not set runs", async () => {
  const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
  const [runner] = await model.sceneWorkers();
  assert.ok(runner);
  const k = SceneKernels.create(SceneKernels.bytes(2 * 6 * 32 * 32 * 4, 2 * 4 * 32 * 32 * 4))!;
  const input = k.f32(2 * 6 * 32 * 32);
  const output = k.f32(2 * 4 * 32 * 32);
  const shapes = [[2, 6, 32, 32], [1, 6, 16, 16], [2, 6, 32, 32], [2, 6, 32, 32], [1, 6, 16, 16], [1, 6, 32, 32]];
  for (const [r, dims] of shapes.entries()) {
    const n = dims.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) input[i] = Math.sin(i * 0.11 + r);
    const got = await runner.predictShared(input.subarray(0, n), dims, output);
    const ref = await model.predict({ data: input.slice(0, n), dims });
    assert.deepEqual(got.dims, ref.dims, `request ${r}`);
    assert.deepEqual(Array.from(got.data), Array.from(ref.data), `request ${r}: ${dims.join("×")}`);
  }
  await model.dispose();
  // logits = the input's first m channels, m = max(input): the output's shape depends on the values
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-runner-"));
  const path = join(dir, "slice.onnx");
  execFileSync("/usr/bin/python3", ["-c", `
import onnx, sys
from onnx import helper as h, TensorProto as T
nodes = [h.make_node("ReduceMax", ["input"], ["m"], keepdims=0), h.make_node("Cast", ["m"], ["mi"], to=T.INT64),
  h.make_node("Reshape", ["mi", "one"], ["e"]), h.make_node("Slice", ["input", "zero", "e", "ax"], ["logits"])]
init = [h.make_tensor("one", T.INT64, [1], [1]), h.make_tensor("zero", T.INT64, [1], [0]), h.make_tensor("ax", T.INT64, [1], [1])]
g = h.make_graph(nodes, "slice", [h.make_tensor_value_info("input", T.FLOAT, ["n", 6, "h", "w"])], [h.make_tensor_value_info("logits", T.FLOAT, ["n", "k", "h", "w"])], init)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])
`, path]);
  const sliced = await loadModel(path, {
    threads: 1, card: {
      name: "slice", task: "segmentation", bands: ["B1", "B2", "B3", "B4", "B5", "B7"], normalization: { type: "none" },
      input: { name: "input", dtype: "float32", layout: "NCHW", patchSize: null, halo: 0 }, output: { name: "logits", kind: "logits", layout: "NKHW" },
      classes: ["a", "b", "c", "d"].map((name, index) => ({ index, name })),
    },
  });
  const [r2] = await sliced.sceneWorkers();
  assert.ok(r2);
  for (const m of [2, 3, 2, 4]) {
    const n = 6 * 8 * 8;
    for (let i = 0; i < n; i++) input[i] = (i % 7) / 7;
    input[5] = m;
    const got = await r2.predictShared(input.subarray(0, n), [1, 6, 8, 8], output);
    assert.deepEqual(got.dims, [1, m, 8, 8], `max ${m}`);
    assert.deepEqual(Array.from(got.data), Array.from(input.subarray(0, m * 64)), `max ${m}: the first ${m} channels`);
  }
  await sliced.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test("pickWorker gives a batch to the worker with the fewest tiles in flight, taking turns among equals", () => {
  // equal loads: plain round-robin
  assert.deepEqual([0, 1, 2, 3].map((turn) => pickWorker([0, 0], turn)), [0, 1, 0, 1]);
  assert.deepEqual([0, 1, 2].map((turn) => pickWorker([4, 4, 4], turn)), [0, 1, 2]);
  // a worker that is behind (its turn, but more tiles waiting) is passed over
  assert.equal(pickWorker([8, 4], 0), 1);
  assert.equal(pickWorker([1, 5], 1), 0);
  // among several lighter workers the first after the turn wins
  assert.equal(pickWorker([9, 2, 2], 0), 1);
  assert.equal(pickWorker([2, 9, 2], 1), 2);
  assert.equal(pickWorker([3], 7), 0);
});
