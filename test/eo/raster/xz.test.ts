// The .xz (delta + LZMA2) decoder behind TIFF LZMA compression, against Python's lzma module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeXz } from "../../../kernel/src/eo/raster/xz.js";
import { tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-xz-");
execFileSync("/usr/bin/python3", ["-c", `
import lzma, numpy as np
rng = np.random.default_rng(3)
cases = {"text": b"the quick brown fox jumps over the lazy dog " * 3000,
         "walk16": np.cumsum(rng.integers(-3, 4, 100000)).astype(np.uint16).tobytes(),
         "random": rng.integers(0, 256, 50000, dtype=np.uint8).tobytes(), "zeros": bytes(300000)}
for name, data in cases.items():
    for delta in (0, 2):
        for preset in (1, 6):
            f = ([{"id": lzma.FILTER_DELTA, "dist": delta}] if delta else []) + [{"id": lzma.FILTER_LZMA2, "preset": preset}]
            open(f"${dir}/{name}-{delta}-{preset}.xz", "wb").write(lzma.compress(data, format=lzma.FORMAT_XZ, filters=f))
    open(f"${dir}/{name}.raw", "wb").write(data)
`]);

test("decodeXz equals Python lzma for text, 16-bit random walks, random bytes and zeros, with and without delta", () => {
  let n = 0;
  for (const name of ["text", "walk16", "random", "zeros"]) {
    const raw = readFileSync(join(dir, `${name}.raw`));
    for (const delta of [0, 2]) for (const preset of [1, 6]) {
      const got = decodeXz(new Uint8Array(readFileSync(join(dir, `${name}-${delta}-${preset}.xz`))), raw.length);
      assert.equal(Buffer.compare(Buffer.from(got), raw), 0, `${name} delta=${delta} preset=${preset}`);
      n++;
    }
  }
  assert.equal(n, 16);
});

test("decodeXz rejects what is not xz, and corrupt data", () => {
  assert.throws(() => decodeXz(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), 10), /not an xz stream/);
  const good = new Uint8Array(readFileSync(join(dir, "text-0-6.xz")));
  const bad = good.slice();
  bad[40] ^= 0xff;
  bad[41] ^= 0x55;
  const raw = readFileSync(join(dir, "text.raw"));
  let failed = false;
  try {
    failed = Buffer.compare(Buffer.from(decodeXz(bad, raw.length)), raw) !== 0;
  } catch {
    failed = true;
  }
  assert.ok(failed, "corrupted stream must not decode to the original");
});
