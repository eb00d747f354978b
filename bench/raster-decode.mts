// Benchmark: ai4eo's GeoTIFF reader against GDAL (single-threaded), side by side in one run.
//  1. full decode of a 10980×10980 UInt16 DEFLATE predictor-2 band with 512-px tiles
//  2. a 1024×1024 unaligned window of its COG, open + read, a fresh process each time:
//     (a) timed inside the process (open + read), (b) the whole process from spawn to exit
//  3. the same windows in a warm process (library loaded, as in a kernel): open + read each
//  4. peak memory of the full decode relative to the decoded size (241 MB)
// Both sides run the same kind of process: plain `node` on the built package (bench/raster-read-once.mjs,
// no tsx) and `/usr/bin/python3` importing only osgeo.gdal (bench/raster_gdal.py). Runs alternate
// GDAL / ai4eo, so machine load hits both alike; medians of wall and CPU time (all threads) are printed
// with their ratios, and the load average before and after.
// Usage: npm run build && node --import tsx bench/raster-decode.mts [RUNS=7]   (data cached in $TMPDIR/ai4eo-bench-raster)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 7);
const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const dir = join(tmpdir(), "ai4eo-bench-raster");
const band = join(dir, "band.tif");
const cog = join(dir, "band-cog.tif");
const PY = "/usr/bin/python3";
const gdalPy = join(here, "raster_gdal.py");
const once = join(here, "raster-read-once.mjs");

if (!existsSync(join(root, "dist/kernel/src/eo/raster/open.js"))) {
  console.error("bench/raster-decode: build first (npm run build): the ai4eo side runs the built package with plain node.");
  process.exit(1);
}
if (!existsSync(cog)) {
  mkdirSync(dir, { recursive: true });
  console.log(`generating the 10980×10980 test band in ${dir} …`);
  execFileSync(PY, [gdalPy, "make", dir], { stdio: "inherit" });
}

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");
/** Run a command; returns [wall s, cpu s] it printed and the wall time of the whole process. */
function run(cmd: string, args: string[]): { wall: number; cpu: number; process: number } {
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { cwd: root }).toString().trim().split("\n").pop()!;
  const processWall = (performance.now() - t0) / 1000;
  const [wall, cpu] = out.split(/\s+/).map(Number) as [number, number];
  return { wall, cpu, process: processWall };
}

function bench(label: string, gdalArgs: string[], oursArgs: string[], whole: boolean): void {
  const g: ReturnType<typeof run>[] = [];
  const o: ReturnType<typeof run>[] = [];
  for (let i = 0; i < runs; i++) {
    g.push(run(PY, [gdalPy, ...gdalArgs]));
    o.push(run(process.execPath, [once, ...oursArgs]));
  }
  const m = (a: ReturnType<typeof run>[], k: "wall" | "cpu" | "process") => median(a.map((x) => x[k]));
  const line = (k: "wall" | "cpu" | "process", what: string) =>
    `  ${what.padEnd(34)} GDAL ${m(g, k).toFixed(3)} s   ai4eo ${m(o, k).toFixed(3)} s   ratio ${(m(o, k) / m(g, k)).toFixed(2)}× GDAL`;
  console.log(`${label} (median of ${runs}):`);
  console.log(line("wall", "open + read, wall"));
  console.log(line("cpu", "open + read, CPU (all threads)"));
  if (whole) console.log(line("process", "whole fresh process, wall"));
}

console.log(`load average before: ${load()} (${runs} runs each, GDAL and ai4eo alternating)`);
// what a bare fresh process costs on each side (context for the whole-process figures)
const bare = (cmd: string, args: string[]) => median(Array.from({ length: runs }, () => { const t = performance.now(); execFileSync(cmd, args); return (performance.now() - t) / 1000; }));
console.log(`bare process start: python3 + osgeo ${bare(PY, ["-c", "from osgeo import gdal"]).toFixed(3)} s, node ${bare(process.execPath, ["-e", "0"]).toFixed(3)} s`);
bench("full decode 10980² UInt16 DEFLATE pred2 512-px tiles (ai4eo: worker threads; GDAL: GDAL_NUM_THREADS=1)",
  ["full", band], ["full", band], false);
const win = ["3037", "5101", "1024", "1024"];
bench("1024² unaligned COG window (3×3 tiles), a fresh process each", ["window", cog, ...win], ["window", cog, ...win], true);
bench("1024² unaligned COG windows in a process that has read one already (as in a notebook), open + read, median of 10 per run",
  ["warm", cog, "10"], ["warm", cog, "10"], false);

// peak memory (max RSS) of a full decode in a fresh process, relative to the decoded size
const decoded = 10980 * 10980 * 2;
const rss = (cmd: string[]) => {
  const out = spawnSync("/usr/bin/time", ["-f", "MAXRSS %M", ...cmd], { cwd: root, stdio: ["ignore", "ignore", "pipe"] }).stderr.toString();
  return Number(/MAXRSS (\d+)/.exec(out)![1]) * 1024;
};
const base = rss([process.execPath, once, "none", band]);
const ours = rss([process.execPath, once, "full", band]);
const gbase = rss([PY, "-c", "from osgeo import gdal"]);
const gdalPeak = rss([PY, gdalPy, "full", band]);
console.log(`peak memory of the full decode above process baseline: ai4eo ${((ours - base) / 2 ** 20).toFixed(0)} MiB = ${((ours - base) / decoded).toFixed(2)}× the decoded ${(decoded / 2 ** 20).toFixed(0)} MiB; GDAL ${((gdalPeak - gbase) / 2 ** 20).toFixed(0)} MiB = ${((gdalPeak - gbase) / decoded).toFixed(2)}×`);
console.log(`load average after: ${load()}`);
