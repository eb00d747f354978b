// The native inflater (libdeflate behind build/native/ai4eo_inflate.node, built by npm run build):
// it is built and in use here (CI installs libdeflate-dev), inflates what zlib inflates, hands
// back to zlib what it does not inflate whole, undoes TIFF's horizontal predictor as the readers do,
// and AI4EO_INFLATE=zlib turns it off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { deflateSync, inflateSync } from "node:zlib";
import { inflateBackend, nativeInflate } from "../../../kernel/src/eo/raster/libdeflate.js";
import { AsyncInflater, SyncInflater, type HorizontalPredictor } from "../../../kernel/src/eo/raster/zlib-direct.js";

const data = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 251) ^ (i >> 9));

/** TIFF's horizontal predictor undone in JavaScript (the reference): each sample plus the one spp before it in its row. */
function undoReference(bytes: Uint8Array, p: HorizontalPredictor): Uint8Array {
  const out = Uint8Array.from(bytes);
  const a = p.bytesPer === 1 ? out : p.bytesPer === 2 ? new Uint16Array(out.buffer) : new Uint32Array(out.buffer);
  const mask = p.bytesPer === 4 ? 0xffffffff : (1 << (8 * p.bytesPer)) - 1;
  for (let r = 0; r < p.rows; r++) {
    for (let i = p.spp; i < p.rowSamples; i++) a[r * p.rowSamples + i] = ((a[r * p.rowSamples + i]! + a[r * p.rowSamples + i - p.spp]!) & mask) >>> 0;
  }
  return out;
}

test("the native inflater is built and in use (CI installs libdeflate-dev: scripts/debian-packages.txt)", () => {
  const b = inflateBackend();
  assert.equal(b.name, "libdeflate", `readers inflate with zlib: ${b.reason}`);
  assert.match(b.path!, /build\/native\/ai4eo_inflate\.node$/);
  assert.equal(b.reason, null);
  assert.ok(nativeInflate());
});

test("native inflate gives zlib's bytes, on this thread and on the pool, for streams of every size", async () => {
  const lib = nativeInflate()!;
  for (const n of [0, 1, 1000, 65_536, 524_288, 1_000_003]) {
    for (const level of [1, 9]) {
      const d = data(n, level);
      const z = deflateSync(d, { level });
      const out = new Uint8Array(n);
      assert.equal(lib.inflate(z, out), n, `${n} bytes, level ${level}`);
      assert.deepEqual(out, d);
      const later = new Uint8Array(n);
      const got = await new Promise<number>((resolve) => lib.inflateAsync(z, later, resolve));
      assert.equal(got, n);
      assert.deepEqual(later, d);
    }
  }
  // a view into a larger buffer: only the view is written
  const d = data(5000);
  const big = new Uint8Array(7000).fill(7);
  assert.equal(lib.inflate(deflateSync(d), big.subarray(1000, 6000)), 5000);
  assert.deepEqual(big.subarray(1000, 6000), d);
  assert.ok(big.subarray(0, 1000).every((v) => v === 7) && big.subarray(6000).every((v) => v === 7));
});

test("what libdeflate does not inflate whole (-1) the inflaters give to zlib: its error, a truncated stream's part, an output too short", async () => {
  const lib = nativeInflate()!;
  const d = data(200_000);
  const z = deflateSync(d);
  const corrupt = Uint8Array.from(z);
  corrupt.fill(0xff, 10, 60);
  const truncated = z.subarray(0, z.length >> 1);
  const out = new Uint8Array(d.length);
  assert.equal(lib.inflate(corrupt, out), -1);
  assert.equal(lib.inflate(truncated, out), -1);
  assert.equal(lib.inflate(z, new Uint8Array(1000)), -1);
  assert.equal(await new Promise<number>((resolve) => lib.inflateAsync(corrupt, out, resolve)), -1);
  let want = "";
  try {
    inflateSync(corrupt);
  } catch (e) {
    want = (e as Error).message;
  }
  assert.ok(want.length > 0);
  const sync = new SyncInflater();
  const pool = new AsyncInflater();
  assert.throws(() => sync.inflateInto(corrupt, out), (e: unknown) => e instanceof Error && e.message === want);
  await assert.rejects(pool.inflateInto(corrupt, out), (e: unknown) => e instanceof Error && e.message === want);
  for (const inflate of [(a: Uint8Array, b: Uint8Array) => Promise.resolve(sync.inflateInto(a, b)), (a: Uint8Array, b: Uint8Array) => pool.inflateInto(a, b)]) {
    const part = await inflate(truncated, out);
    assert.ok(part > 0 && part < d.length, `a truncated stream yields part of the data (${part})`);
    assert.deepEqual(out.subarray(0, part), d.subarray(0, part));
    const small = new Uint8Array(1000);
    assert.equal(await inflate(z, small), 1000);
    assert.deepEqual(small, d.subarray(0, 1000));
  }
});

test("inflatePredicted undoes TIFF's horizontal predictor as the JavaScript reference does (1, 2, 4-byte samples, 1 and 3 per pixel)", async () => {
  for (const bytesPer of [1, 2, 4] as const) {
    for (const spp of [1, 3]) {
      const p: HorizontalPredictor = { bytesPer, rowSamples: 97 * spp, rows: 13, spp };
      const stored = data(p.rows * p.rowSamples * bytesPer, bytesPer + spp);
      const z = deflateSync(stored);
      const want = undoReference(stored, p);
      const a = new Uint8Array(stored.length);
      assert.deepEqual(new SyncInflater().inflatePredicted(z, a, p), { written: stored.length, predicted: true });
      assert.deepEqual(a, want, `${bytesPer}-byte samples, ${spp} per pixel, this thread`);
      const b = new Uint8Array(stored.length);
      assert.deepEqual(await new AsyncInflater().inflatePredicted(z, b, p), { written: stored.length, predicted: true });
      assert.deepEqual(b, want, `${bytesPer}-byte samples, ${spp} per pixel, on the pool`);
    }
  }
  // not undone (the caller does it): a stream that does not fill the samples, an output not aligned to them
  const p: HorizontalPredictor = { bytesPer: 2, rowSamples: 64, rows: 4, spp: 1 };
  const stored = data(512);
  const z = deflateSync(stored);
  const inflater = new SyncInflater();
  const short = new Uint8Array(1024);
  assert.deepEqual(inflater.inflatePredicted(z, short, { ...p, rows: 8 }), { written: 512, predicted: false });
  assert.deepEqual(short.subarray(0, 512), stored);
  const odd = new Uint8Array(513).subarray(1);
  assert.deepEqual(inflater.inflatePredicted(z, odd, p), { written: 512, predicted: false });
  assert.deepEqual(odd, stored);
});

test("the addon refuses arguments of the wrong kind with a TypeError", () => {
  const lib = nativeInflate()!;
  const z = deflateSync(data(10));
  assert.throws(() => lib.inflate("x" as unknown as Uint8Array, new Uint8Array(10)), { name: "TypeError", message: /input must be a Uint8Array/ });
  assert.throws(() => lib.inflate(z, new Float32Array(4) as unknown as Uint8Array), { name: "TypeError", message: /out must be a Uint8Array/ });
  assert.throws(() => lib.inflate(z, new Uint8Array(10), 3 as 1, 10, 1, 1), { name: "TypeError", message: /bytesPer must be 1, 2 or 4/ });
  assert.throws(() => lib.inflateAsync(z, new Uint8Array(10), "done" as unknown as () => void), { name: "TypeError", message: /done must be a function/ });
});

test("AI4EO_INFLATE=zlib: the readers inflate with Node's zlib and say why", () => {
  const script = `
import { inflateBackend, nativeInflate } from ${JSON.stringify(new URL("../../../kernel/src/eo/raster/libdeflate.ts", import.meta.url).pathname)};
console.log(JSON.stringify({ ...inflateBackend(), native: nativeInflate() !== null }));
`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, AI4EO_INFLATE: "zlib" } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { name: "zlib", path: null, reason: "AI4EO_INFLATE=zlib is set", native: false });
});
