// The WebAssembly SIMD kernels of predictScene give bit-identical results to the JavaScript loops
// they replace (blending: f64 arithmetic rounded to f32 once; normalizing: f32 arithmetic), on odd sizes (vector tails), NaN and extreme
// values; and the committed module bytes are what the committed .wat compiles to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SceneKernels } from "../../../kernel/src/eo/model/scene-kernels.js";
import { SCENE_KERNELS_WASM } from "../../../kernel/src/eo/model/scene-kernels-wasm.js";
import { SCENE_KERNELS_PRIVATE_WASM } from "../../../kernel/src/eo/model/scene-kernels-private-wasm.js";
import { compileKernels } from "../../../scripts/build-wasm-kernels.mjs";

/** A seeded LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const sameBits = (a: Float32Array, b: Float32Array, what: string): void => {
  assert.equal(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) assert.fail(`${what}: value ${i} differs: ${a[i]} vs ${b[i]}`);
};

test("committed wasm bytes equal the compiled scene-kernels.wat", async () => {
  const bytes = await compileKernels("scene");
  assert.equal(Buffer.from(bytes).toString("base64"), SCENE_KERNELS_WASM, "run node scripts/build-wasm-kernels.mjs scene");
  // the workers' copy differs only in its memory: not shared (onnxruntime reads what they normalize there)
  const own = await compileKernels("scenePrivate");
  assert.equal(Buffer.from(own).toString("base64"), SCENE_KERNELS_PRIVATE_WASM, "run node scripts/build-wasm-kernels.mjs scenePrivate");
  assert.equal(own.length, bytes.length);
  assert.deepEqual([...own.keys()].filter((i) => own[i] !== bytes[i]).length, 1, "one byte: the memory limits' shared flag");
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  assert.ok(!(memory.buffer instanceof SharedArrayBuffer));
  assert.ok(new WebAssembly.Instance(new WebAssembly.Module(own), { env: { memory } }));
});

test("normalize equals the f32 JavaScript loop bit for bit (uint8, uint16, float32; tile widths with tails)", () => {
  const r = rng(1);
  for (const [W, th, tw, x0] of [[37, 5, 29, 3], [64, 8, 64, 0], [300, 3, 257, 41], [9, 2, 1, 8]] as const) {
    const k = SceneKernels.create(SceneKernels.bytes(W * th * 4 * 3, th * tw * 4 * 3))!;
    assert.ok(k, "WebAssembly SIMD with shared memory is available in Node 20");
    const sources = [k.u8(W * th), k.u16(W * th), k.f32(W * th)];
    for (let i = 0; i < W * th; i++) {
      sources[0]![i] = Math.floor(r() * 256);
      sources[1]![i] = Math.floor(r() * 65536);
      sources[2]![i] = i % 17 === 0 ? NaN : i % 19 === 0 ? -Infinity : (r() - 0.5) * 1e6;
    }
    const mul = 1 / (r() * 90 + 7.3);
    const add = -(r() * 50) * mul;
    for (const src of sources) {
      const dst = k.f32(th * tw);
      k.normalize(src, x0, W, dst, 0, th, tw, mul, add);
      const ref = new Float32Array(th * tw);
      for (let y = 0; y < th; y++) for (let c = 0; c < tw; c++) ref[y * tw + c] = Math.fround(src[y * W + x0 + c]! * Math.fround(mul)) + Math.fround(add);
      sameBits(dst, ref, `${src.constructor.name} ${W}x${th} tile ${tw} at ${x0}`);
    }
  }
});

test("normalizeInterleaved equals the f32 JavaScript loop per band bit for bit (uint8 SIMD up to 16 samples a pixel, uint8 beyond, uint16; tails)", () => {
  const r = rng(5);
  for (const [spp, C, W, th, tw, x0] of [[6, 6, 300, 3, 256, 41], [1, 1, 37, 5, 29, 3], [3, 2, 64, 4, 35, 7], [16, 16, 40, 2, 33, 5], [17, 17, 20, 2, 19, 1], [4, 4, 9, 2, 1, 8]] as const) {
    for (const u16 of [false, true]) {
      const k = SceneKernels.create(SceneKernels.bytes(W * th * spp * 2, C * th * tw * 4, C * 4, C * 4, C * spp * 16, 64))!;
      const src = u16 ? k.u16(W * th * spp) : k.u8(W * th * spp);
      for (let i = 0; i < src.length; i++) src[i] = Math.floor(r() * (u16 ? 65536 : 256));
      const mul = k.f32(C);
      const add = k.f32(C);
      for (let b = 0; b < C; b++) {
        mul[b] = 1 / (r() * 90 + 7.3);
        add[b] = -(r() * 50) * mul[b]!;
      }
      const dst = k.f32(C * th * tw);
      for (let rep = 0; rep < 2; rep++) {
        dst.fill(NaN);
        k.normalizeInterleaved(src, x0, W, spp, C, dst, 0, th, tw, mul, add);
        const ref = new Float32Array(C * th * tw);
        for (let b = 0; b < C; b++) {
          for (let y = 0; y < th; y++) for (let c = 0; c < tw; c++) ref[b * th * tw + y * tw + c] = Math.fround(src[(y * W + x0 + c) * spp + b]! * mul[b]!) + add[b]!;
        }
        sameBits(dst, ref, `${u16 ? "uint16" : "uint8"} spp ${spp} C ${C} ${W}x${th} tile ${tw} at ${x0} (call ${rep + 1})`);
      }
    }
  }
  const k = SceneKernels.create(SceneKernels.bytes(64 * 6, 6 * 64 * 4, 24, 24))!;
  assert.throws(() => k.normalizeInterleaved(k.u8(64 * 6), 60, 64, 6, 6, k.f32(6 * 64), 0, 1, 8, k.f32(6), k.f32(6)), RangeError);
});

test("reset hands the memory out again: arrays zeroed unless asked for as they are; the swizzle masks are made again", () => {
  const [spp, C, W, th, tw] = [6, 6, 64, 2, 32];
  const k = SceneKernels.create(SceneKernels.bytes(W * th * spp, C * th * tw * 4, C * 4, C * 4, C * spp * 16))!;
  const fill = (): { src: Uint8Array; mul: Float32Array; add: Float32Array; dst: Float32Array } => {
    const src = k.u8(W * th * spp, false);
    for (let i = 0; i < src.length; i++) src[i] = (i * 37) & 255;
    const mul = k.f32(C);
    const add = k.f32(C);
    mul.fill(0.5);
    add.fill(-1);
    return { src, mul, add, dst: k.f32(C * th * tw, false) };
  };
  const a = fill();
  k.normalizeInterleaved(a.src, 3, W, spp, C, a.dst, 0, th, tw, a.mul, a.add); // (its masks come after dst)
  const first = a.dst.slice();
  new Uint8Array(k.buffer).fill(0xab); // everything an earlier user could leave
  k.reset();
  const z = k.f32(W * th * spp / 4); // (where src was)
  assert.ok(z.every((v) => v === 0), "a reset memory's arrays are zeroed");
  assert.ok(new Uint8Array(k.buffer, z.byteOffset + z.byteLength, 16).every((v) => v === 0xab), "only the array asked for is cleared");
  const left = k.u8(16, false);
  assert.ok(left.every((v) => v === 0xab), "zeroed false: as left");
  k.reset();
  const b = fill();
  assert.equal(b.dst.byteOffset, a.dst.byteOffset);
  k.normalizeInterleaved(b.src, 3, W, spp, C, b.dst, 0, th, tw, b.mul, b.add);
  sameBits(b.dst, first, "after reset (the masks' bytes were overwritten)");
  // a new memory hands out zeroed arrays without clearing them
  const fresh = SceneKernels.create(1024)!;
  assert.ok(fresh.f32(256, false).every((v) => v === 0));
});

test("blend equals the JavaScript accumulation bit for bit (K planes, odd lengths)", () => {
  const r = rng(2);
  for (const [K, n] of [[4, 250], [1, 7], [3, 1], [2, 64]] as const) {
    const stride = n + 5;
    const plane = n + 11;
    const k = SceneKernels.create(SceneKernels.bytes(K * stride * 4, n * 8, K * plane * 4, plane * 4))!;
    const od = k.f32(K * stride);
    const w = k.f64(n);
    const acc = k.f32(K * plane);
    const accW = k.f32(plane);
    for (let i = 0; i < od.length; i++) od[i] = (r() - 0.5) * 40;
    for (let i = 0; i < n; i++) w[i] = Math.fround(r()) * Math.fround(r());
    for (let i = 0; i < acc.length; i++) acc[i] = (r() - 0.5) * 10;
    for (let i = 0; i < accW.length; i++) accW[i] = r();
    const refAcc = acc.slice();
    const refW = accW.slice();
    for (let rep = 0; rep < 2; rep++) {
      k.blend(od, 0, w, 0, acc, accW, 3, K, stride, plane, n - 3);
      for (let c = 0; c < n - 3; c++) refW[3 + c]! += w[c]!;
      for (let q = 0; q < K; q++) for (let c = 0; c < n - 3; c++) refAcc[q * plane + 3 + c]! += w[c]! * od[q * stride + c]!;
    }
    sameBits(acc, refAcc, `acc K=${K} n=${n}`);
    sameBits(accW, refW, `accW K=${K} n=${n}`);
  }
});

test("argmax equals the JavaScript loop: first maximum wins, NaN never wins", () => {
  const r = rng(3);
  for (const [K, n] of [[4, 1001], [1, 5], [7, 16], [2, 3]] as const) {
    const plane = n + 3;
    const k = SceneKernels.create(SceneKernels.bytes(K * plane * 4, n))!;
    const acc = k.f32(K * plane);
    for (let i = 0; i < acc.length; i++) acc[i] = i % 13 === 0 ? NaN : Math.round((r() - 0.5) * 6); // many ties
    const out = k.u8(n);
    k.argmax(acc, plane, K, n, out);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let m = acc[i]!;
      for (let q = 1; q < K; q++) if (acc[q * plane + i]! > m) [m, best] = [acc[q * plane + i]!, q];
      assert.equal(out[i], best, `K=${K} pixel ${i}`);
    }
  }
});

/** The JavaScript argmax of K values `plane` apart from `at`: the first maximum wins, NaN never wins. */
const argmaxAt = (a: Float32Array, at: number, plane: number, K: number): number => {
  let best = 0;
  let m = a[at]!;
  for (let q = 1; q < K; q++) if (a[at + q * plane]! > m) [m, best] = [a[at + q * plane]!, q];
  return best;
};

test("accumulate with classes: where the tile adds last, each row's argmax once blended; single-tile pixels from the tile's own planes, their accumulators left alone; the rest as without classes", () => {
  const r = rng(5);
  // a 24×20 tile at column 9 of a strip 41 wide; weight 1 on rows 4..17 and columns 5..14 (copied up to column 15)
  const [K, th, tw, W, x0] = [3, 24, 20, 41, 9];
  const ramp = (n: number, lo: number, hi: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => (i < lo ? (i + 0.5) / lo : i >= hi ? (n - i - 0.5) / (n - hi) : 1));
  // [firstRow, copyFrom, rows the tile adds last to, columns it adds last to]
  for (const [firstRow, copyFrom, rows, to] of [[0, 5, 18, 15], [6, 7, 12, 11], [4, 5, 24, 20], [3, 5, 0, 15], [2, 5, 20, 17], [0, 0, 24, 3]] as const) {
    const k = SceneKernels.create(SceneKernels.bytes(K * th * tw * 4, tw * 4, th * 4, tw * 8, K * th * W * 4, th * W * 4, K * th * W * 4, th * W * 4, th * W))!;
    const od = k.f32(K * th * tw);
    for (let i = 0; i < od.length; i++) od[i] = i % 17 === 0 ? NaN : Math.round((r() - 0.5) * 8) + (r() < 0.5 ? 0 : 0.25);
    const wx = k.f32(tw);
    wx.set(ramp(tw, 5, 15));
    const wy = k.f32(th);
    wy.set(ramp(th, 4, 18));
    const wrow = k.f64(tw);
    const [accA, accWA, accB, accWB] = [k.f32(K * th * W), k.f32(th * W), k.f32(K * th * W), k.f32(th * W)];
    for (let i = 0; i < accA.length; i++) accA[i] = accB[i] = Math.round((r() - 0.5) * 8);
    const before = accB.slice();
    const out = k.u8(th * W).fill(200);
    k.accumulate(od, 0, wx, wy, accA, accWA, x0, wrow, K, th, tw, W, firstRow, copyFrom, 15, false);
    k.accumulate(od, 0, wx, wy, accB, accWB, x0, wrow, K, th, tw, W, firstRow, copyFrom, 15, false, { classes: { out, rows, to } });
    const what = `firstRow ${firstRow}, copyFrom ${copyFrom}, classes of rows < ${rows}, columns < ${to}`;
    for (let y = 0; y < th; y++) {
      for (let c = 0; c < tw; c++) {
        const i = y * W + x0 + c;
        const last = y < rows && c < to;
        const single = last && y >= firstRow && wy[y] === 1 && c >= copyFrom && c < 15;
        if (!last) assert.equal(out[i], 200, `${what}: nothing written at row ${y} column ${c}`);
        else if (single) assert.equal(out[i], argmaxAt(od, y * tw + c, th * tw, K), `${what}: class from the tile at row ${y} column ${c}`);
        else assert.equal(out[i], argmaxAt(accA, i, th * W, K), `${what}: class from the accumulators at row ${y} column ${c}`);
        if (single) {
          for (let q = 0; q < K; q++) {
            assert.equal(accB[q * th * W + i], before[q * th * W + i], `${what}: accumulator ${q} left alone at row ${y} column ${c}`);
            accB[q * th * W + i] = accA[q * th * W + i]!; // (compared below as a copy)
          }
        }
      }
    }
    sameBits(accB, accA, `${what}: every other accumulator as without classes`);
  }
  const k = SceneKernels.create(SceneKernels.bytes(4 * 4 * 4, 4 * 4, 4 * 4, 4 * 8, 4 * 4 * 8 * 4, 4 * 8 * 4, 20))!;
  assert.throws(() => k.accumulate(k.f32(16), 0, k.f32(4), k.f32(4), k.f32(4 * 4 * 8), k.f32(4 * 8), 4, k.f64(4), 1, 4, 4, 8, 0, 0, 4, false, { classes: { out: k.u8(20), rows: 4, to: 4 } }), /classes out of bounds/);
});

test("accumulate with zeroFrom: accumulators not cleared beforehand give what cleared ones give (weights with zero ends, with and without accW)", () => {
  const r = rng(6);
  const [K, th, tw, W, x0] = [2, 20, 18, 30, 7];
  // zero weight on the first and last 2 rows and columns (a halo), ramps, 1 in the middle
  const halo = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.max(0, Math.min(1, (Math.min(i, n - 1 - i) - 2 + 0.5) / 4)));
  for (const [firstRow, zeroFrom, withW] of [[0, 0, true], [5, 6, false], [3, 0, true], [0, 9, false]] as const) {
    const k = SceneKernels.create(SceneKernels.bytes(K * th * tw * 4, tw * 4, th * 4, tw * 8, ...Array<number>(4).fill(K * th * W * 4)))!;
    const od = k.f32(K * th * tw);
    for (let i = 0; i < od.length; i++) od[i] = (r() - 0.5) * 10;
    const wx = k.f32(tw);
    wx.set(halo(tw));
    const wy = k.f32(th);
    wy.set(halo(th));
    const wrow = k.f64(tw);
    const [accA, accWA, accB, accWB] = [k.f32(K * th * W), k.f32(K * th * W), k.f32(K * th * W), k.f32(K * th * W)];
    for (let i = 0; i < accA.length; i++) accA[i] = accB[i] = accWA[i] = accWB[i] = r() * 7 + 1; // (stale values)
    // the reference: the fresh part cleared first
    for (let y = firstRow; y < th; y++) {
      for (let c = zeroFrom; c < tw; c++) {
        for (let q = 0; q < K; q++) accA[q * th * W + y * W + x0 + c] = 0;
        accWA[y * W + x0 + c] = 0;
      }
    }
    const copyFrom = Math.max(zeroFrom, 6);
    k.accumulate(od, 0, wx, wy, accA, accWA, x0, wrow, K, th, tw, W, firstRow, copyFrom, 12, withW);
    k.accumulate(od, 0, wx, wy, accB, accWB, x0, wrow, K, th, tw, W, firstRow, copyFrom, 12, withW, { zeroFrom });
    const what = `firstRow ${firstRow}, zeroFrom ${zeroFrom}, weights ${withW}`;
    sameBits(accB, accA, `${what}: planes`);
    if (withW) sameBits(accWB.subarray(0, th * W), accWA.subarray(0, th * W), `${what}: weights`);
  }
});

test("arrays outside the kernel memory and out-of-bounds tiles are refused", () => {
  const k = SceneKernels.create(1024)!;
  const dst = k.f32(16);
  assert.throws(() => k.normalize(new Uint8Array(16), 0, 4, dst, 0, 4, 4, 1, 0), /not in this kernel memory/);
  assert.throws(() => k.normalize(k.u8(8), 0, 4, dst, 0, 4, 4, 1, 0), /out of bounds/);
  assert.throws(() => k.f32(20000), /cannot hold/); // (one 64 KiB page)
});
