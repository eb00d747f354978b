// Benchmark: ai4eo's GeoTIFF reader against GDAL (single-threaded), side by side in one run.
//  1. full decode of a 10980×10980 UInt16 DEFLATE predictor-2 band with 512-px tiles
//  2. a 1024×1024 unaligned window of its COG (open + read, fresh process each)
//  3. peak memory of the full decode relative to the decoded size (241 MB)
// Usage: node --import tsx bench/raster-decode.mts [RUNS=5]   (data cached in $TMPDIR/ai4eo-bench-raster)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 5);
const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const dir = join(tmpdir(), "ai4eo-bench-raster");
const band = join(dir, "band.tif");
const cog = join(dir, "band-cog.tif");
const PY = "/usr/bin/python3";
const gdalPy = join(here, "raster_gdal.py");

if (!existsSync(cog)) {
  mkdirSync(dir, { recursive: true });
  console.log(`generating the 10980×10980 test band in ${dir} …`);
  execFileSync(PY, [gdalPy, "make", dir], { stdio: "inherit" });
}

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const node = (script: string, args: string[]) => Number(execFileSync(process.execPath, ["--import", "tsx", join(here, script), ...args], { cwd: root }).toString().trim().split("\n").pop());

function bench(label: string, gdal: () => number, ours: () => number): void {
  const g: number[] = [], o: number[] = [];
  for (let i = 0; i < runs; i++) { g.push(gdal()); o.push(ours()); }
  const mg = median(g), mo = median(o);
  console.log(`${label}: GDAL ${mg.toFixed(3)} s, ai4eo ${mo.toFixed(3)} s, ratio ${(mo / mg).toFixed(2)}× GDAL (median of ${runs})`);
}

bench("full decode 10980² UInt16 DEFLATE pred2 512-px tiles",
  () => Number(execFileSync(PY, [gdalPy, "full", band]).toString()),
  () => node("raster-read-once.mts", ["full", band]));
const win = ["3037", "5101", "1024", "1024"];
bench("1024² unaligned COG window (open + read, fresh process)",
  () => Number(execFileSync(PY, [gdalPy, "window", cog, ...win]).toString()),
  () => node("raster-read-once.mts", ["window", cog, ...win]));

// peak memory (max RSS) of a full decode in a fresh process, relative to the decoded size
const decoded = 10980 * 10980 * 2;
const rss = (cmd: string[]) => {
  const out = spawnSync("/usr/bin/time", ["-f", "MAXRSS %M", ...cmd], { cwd: root, stdio: ["ignore", "ignore", "pipe"] }).stderr.toString();
  return Number(/MAXRSS (\d+)/.exec(out)![1]) * 1024;
};
const base = rss([process.execPath, "--import", "tsx", join(here, "raster-read-once.mts"), "none", band]);
const ours = rss([process.execPath, "--import", "tsx", join(here, "raster-read-once.mts"), "full", band]);
const gbase = rss([PY, "-c", "from osgeo import gdal"]);
const gdalPeak = rss([PY, gdalPy, "full", band]);
console.log(`peak memory of the full decode above process baseline: ai4eo ${((ours - base) / 2 ** 20).toFixed(0)} MiB = ${((ours - base) / decoded).toFixed(2)}× the decoded ${(decoded / 2 ** 20).toFixed(0)} MiB; GDAL ${((gdalPeak - gbase) / 2 ** 20).toFixed(0)} MiB = ${((gdalPeak - gbase) / decoded).toFixed(2)}×`);
