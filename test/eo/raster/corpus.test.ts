// Every GeoTIFF variant GDAL writes (generated at test time by test/fixtures/make-gdal-corpus.py)
// must read exactly as GDAL reads it: values, windows, overviews, masks, georeference, metadata.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster, isComplex } from "../../../kernel/src/eo/index.js";
import { PY, gdalReference, compareWithGdal, refBand, assertBandEqual, tempDir } from "./gdal-compare.js";

const out = tempDir("ai4eo-corpus-");
execFileSync(PY, ["test/fixtures/make-gdal-corpus.py", out], { stdio: ["ignore", "ignore", "ignore"] });
const corpus = JSON.parse(readFileSync(join(out, "corpus.json"), "utf8")) as { file: string; tol: number }[];
const refs = gdalReference(corpus.map((c) => c.file));
const results: { name: string; ok: boolean; error?: string }[] = [];

for (const [k, c] of corpus.entries()) {
  const name = c.file.slice(out.length + 1);
  test(`corpus ${name} reads as GDAL reads it`, async () => {
    try {
      const src = await openRaster(c.file);
      await compareWithGdal(src, refs[k]!, { tol: c.tol, label: name });
      // an unaligned window of the last band equals the same part of GDAL's full band
      const w = { col: 37, row: 61, width: 150, height: 77 };
      const r = await src.read({ window: w, bands: [src.count] });
      const full = refBand(refs[k]!, `b${src.count}.bin`, src.dtype);
      const comp = isComplex(src.dtype) ? 2 : 1;
      const want = new (full.constructor as new (n: number) => typeof full)(w.width * w.height * comp);
      for (let y = 0; y < w.height; y++) want.set(full.subarray(((w.row + y) * src.width + w.col) * comp, ((w.row + y) * src.width + w.col + w.width) * comp) as never, y * w.width * comp);
      assertBandEqual(r.band(1), want, `${name} window`, c.tol);
      await src.close();
      results.push({ name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: (e as Error).message.split("\n")[0] });
      throw e;
    }
  });
}

test("corpus summary", () => {
  const bad = results.filter((r) => !r.ok);
  console.log(`GDAL corpus: ${results.length - bad.length} of ${results.length} files read identically to GDAL`);
  for (const b of bad) console.log(`  differs: ${b.name}: ${b.error}`);
  assert.ok(results.length === corpus.length);
});
