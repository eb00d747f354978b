// Shared helpers for tests that compare ai4eo's raster reader with GDAL (via /usr/bin/python3 + osgeo.gdal).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { arrayTypeFor, type RasterSource, type BandArray } from "../../../kernel/src/eo/index.js";

export const PY = "/usr/bin/python3";
const HERE = fileURLToPath(new URL(".", import.meta.url));

export interface GdalInfo {
  width: number; height: number; count: number; dtype: string; transform: number[]; epsg: number | null; proj4: string | null;
  nodata: (number | "nan" | null)[]; descriptions: (string | null)[]; scales: number[]; offsets: number[]; colorinterp: string[];
  overviews: [number, number][]; mask: boolean; compression: string | null;
}

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run the GDAL reference dump for `files`; returns one directory per file. */
export function gdalReference(files: string[]): string[] {
  const out = tempDir("ai4eo-gdalref-");
  execFileSync(PY, [join(HERE, "gdal-reference.py"), out, ...files], { stdio: ["ignore", "ignore", "inherit"] });
  return files.map((_, k) => join(out, String(k)));
}

export function readInfo(dir: string): GdalInfo {
  return JSON.parse(readFileSync(join(dir, "info.json"), "utf8")) as GdalInfo;
}

export function bytesOf(a: BandArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** GDAL's band as a typed array of `dtype` (component type for complex). */
export function refBand(dir: string, name: string, dtype: Parameters<typeof arrayTypeFor>[0]): BandArray {
  const b = readFileSync(join(dir, name));
  const C = arrayTypeFor(dtype);
  return new C(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), 0, b.byteLength / C.BYTES_PER_ELEMENT);
}

/** Assert two bands equal (NaN = NaN), or within `tol` per value; reports the first difference. */
export function assertBandEqual(got: BandArray, want: BandArray, what: string, tol = 0): void {
  assert.equal(got.length, want.length, `${what}: length ${got.length} vs GDAL ${want.length}`);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const same = (Number.isNaN(g) && Number.isNaN(w)) || Math.abs(g - w) <= tol;
    if (!same) { bad++; if (first < 0) first = i; }
  }
  assert.equal(bad, 0, `${what}: ${bad} of ${got.length} values differ from GDAL (tolerance ${tol}); first at ${first}: ${got[first]} vs ${want[first]}`);
}

/** Compare metadata, every band at full resolution and every overview, and the mask, with GDAL. */
export async function compareWithGdal(src: RasterSource, dir: string, opts: { tol?: number; label?: string } = {}): Promise<void> {
  const info = readInfo(dir);
  const label = opts.label ?? src.name;
  assert.equal(src.width, info.width, `${label} width`);
  assert.equal(src.height, info.height, `${label} height`);
  assert.equal(src.count, info.count, `${label} count`);
  assert.equal(src.dtype, info.dtype, `${label} dtype`);
  src.transform.forEach((v, i) => assert.ok(Math.abs(v - info.transform[i]!) <= 1e-9 * Math.max(1, Math.abs(v)), `${label} transform[${i}] ${v} vs GDAL ${info.transform[i]}`));
  if (info.epsg !== null && src.crs.epsg !== undefined) assert.equal(src.crs.epsg, info.epsg, `${label} EPSG`);
  assert.deepEqual(src.nodata.map((v) => (v !== null && Number.isNaN(v) ? "nan" : v)), info.nodata, `${label} nodata`);
  assert.deepEqual(src.descriptions, info.descriptions, `${label} descriptions`);
  assert.deepEqual(src.scales, info.scales, `${label} scales`);
  assert.deepEqual(src.offsets, info.offsets, `${label} offsets`);
  assert.deepEqual(src.colorInterp, info.colorinterp, `${label} colour interpretation`);
  assert.deepEqual(src.overviews.map((o) => [o.width, o.height]), info.overviews, `${label} overviews`);
  assert.equal(src.hasMask, info.mask, `${label} mask`);
  const full = await src.read();
  for (let b = 1; b <= src.count; b++) assertBandEqual(full.band(b), refBand(dir, `b${b}.bin`, src.dtype), `${label} band ${b}`, opts.tol);
  for (let k = 1; k <= info.overviews.length; k++) {
    const o = await src.read({ overview: k });
    assert.deepEqual([o.width, o.height], info.overviews[k - 1], `${label} overview ${k} size`);
    for (let b = 1; b <= src.count; b++) assertBandEqual(o.band(b), refBand(dir, `o${k}_b${b}.bin`, src.dtype), `${label} overview ${k} band ${b}`, opts.tol);
  }
  if (info.mask) {
    const m = await src.readMask();
    assert.ok(m, `${label} mask`);
    assertBandEqual(m.band(1), refBand(dir, "mask.bin", "uint8"), `${label} mask`);
    for (let k = 1; k <= info.overviews.length; k++) {
      if (!existsSync(join(dir, `o${k}_mask.bin`))) continue;
      const mo = await src.readMask({ overview: k });
      assert.ok(mo, `${label} mask overview ${k}`);
      assertBandEqual(mo.band(1), refBand(dir, `o${k}_mask.bin`, "uint8"), `${label} mask overview ${k}`);
    }
  }
}
