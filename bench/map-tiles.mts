// Benchmark: the Map's tile pyramid on a 10980×10980 UInt16 band (a Sentinel-2 10 m band, UTM 33N,
// DEFLATE predictor 2, 512-pixel tiles, no overviews), kernel side, with GDAL's warper side by side.
//  1. first view of the whole scene (cold: the pyramid levels are built from the source)
//  2. 256×256 viewport tiles after the first access: median and p90 ms per tile at each zoom (25
//     tiles spread over the scene, 60 at native zoom, none served before; GDAL: gdal.Warp of the
//     same tiles, nearest, single-threaded, file already open) and bytes per tile
//  3. a 1280×1024 viewport at native zoom (5×4 tiles) asked for at once, as the browser does: time
//     to the first and to the last tile, at 5 places
//  4. peak kernel memory (max RSS above a baseline process) while panning across the full scene at
//     native zoom, relative to the band's decoded size (241 MB)
// Usage: node --import tsx bench/map-tiles.mts     (the band is cached in $TMPDIR/ai4eo-bench-map)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const dir = join(tmpdir(), "ai4eo-bench-map");
const band = join(dir, "s2-band-32633.tif");
const PY = "/usr/bin/python3";
const M = 20037508.342789244;
const p90 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * 0.9))]!;
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function pyramid() {
  const { openRaster } = await import("../kernel/src/eo/raster/open.js");
  const { TilePyramid, sourceProj } = await import("../kernel/src/widgets/map/pyramid.js");
  const src = await openRaster(band);
  return new TilePyramid(src, [1], { name: "B04", proj: sourceProj(src, "B04") });
}

/** Tiles (x, y) at zoom z covering the pyramid's bounds. */
function tilesOf(b: [number, number, number, number], z: number): [number, number][] {
  const size = (2 * M) / 2 ** z;
  const out: [number, number][] = [];
  for (let y = Math.floor((M - b[3]) / size); y <= Math.floor((M - b[1]) / size); y++) {
    for (let x = Math.floor((b[0] + M) / size); x <= Math.floor((b[2] + M) / size); x++) out.push([x, y]);
  }
  return out;
}

const mode = process.argv[2] ?? "main";
if (mode === "pan" || mode === "none") {
  // Child process for the memory measurement: serve every native-zoom tile of the scene, row by row.
  const p = await pyramid();
  if (mode === "pan") {
    const z = p.nativeZoom();
    let n = 0;
    const ms: number[] = [];
    for (const [x, y] of tilesOf(p.mercatorBounds(), z)) {
      const t0 = performance.now();
      if (await p.tile(z, x, y)) n++;
      ms.push(performance.now() - t0);
    }
    console.log(`${n} tiles, ${median(ms).toFixed(1)} ms/tile median, p90 ${p90(ms).toFixed(1)}`);
  }
  process.exit(0);
}

if (!existsSync(band)) {
  mkdirSync(dir, { recursive: true });
  console.log(`generating the 10980×10980 UInt16 band in ${band} …`);
  execFileSync(PY, [join(here, "map_gdal.py"), "make", band], { stdio: "inherit" });
}

console.log(`load before: ${execFileSync("uptime").toString().trim()}`);
const p = await pyramid();
const bounds = p.mercatorBounds();
const native = p.nativeZoom();
// The first view: the zoom at which the whole scene fits a 1024×768 map.
const fitZ = Math.floor(Math.log2(Math.min((1024 * 2 * M) / 256 / (bounds[2] - bounds[0]), (768 * 2 * M) / 256 / (bounds[3] - bounds[1]))));
const first = tilesOf(bounds, fitZ);
let t0 = performance.now();
for (const [x, y] of first) await p.tile(fitZ, x, y);
const firstMs = performance.now() - t0;
console.log(`first view of the whole scene (zoom ${fitZ}, ${first.length} tiles, cold: builds ${p.levels.filter((l) => l.kind === "built").length} level(s) from the full band): ${(firstMs / 1000).toFixed(2)} s`);

for (const z of [fitZ + 1, fitZ + 2, native - 1, native]) {
  const all = tilesOf(bounds, z);
  // Up to 25 (native zoom: 60) tiles spread over the scene, none served before.
  const count = z === native ? 60 : 25;
  const pick = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / count)) === 0).slice(0, count);
  const ms: number[] = [];
  let bytes = 0, full = 0;
  for (const [x, y] of pick) {
    t0 = performance.now();
    const t = await p.tile(z, x, y);
    ms.push(performance.now() - t0);
    if (t) { bytes += t.bands.reduce((a, b) => a + b.byteLength, 0) + (t.mask?.byteLength ?? 0); full++; }
  }
  const gdal = Number(execFileSync(PY, [join(here, "map_gdal.py"), "tiles", band, String(z), ...pick.map(([x, y]) => `${x},${y}`)]).toString()) * 1000;
  const ours = median(ms);
  console.log(`zoom ${z}${z === native ? " (native)" : ""}: ai4eo ${ours.toFixed(1)} ms/tile median (p90 ${p90(ms).toFixed(1)}), GDAL warp ${gdal.toFixed(1)} ms/tile, ratio ${(ours / gdal).toFixed(2)}× GDAL; ${(bytes / Math.max(1, full) / 1024).toFixed(0)} KiB per tile on the wire (uint16 + mask at edges) over ${pick.length} tiles`);
}

{
  // Viewports asked for at once (the browser requests every tile of its view together), on a fresh
  // pyramid and source (no tile or block cached by the measurements above).
  const pv = await pyramid();
  const all = tilesOf(bounds, native);
  const xs = all.map((t) => t[0]), ys = all.map((t) => t[1]);
  const X0 = Math.min(...xs), Y0 = Math.min(...ys), NX = Math.max(...xs) - X0 + 1, NY = Math.max(...ys) - Y0 + 1;
  const firsts: number[] = [], lasts: number[] = [];
  for (let k = 0; k < 5; k++) {
    const vx = X0 + 2 + Math.floor(((NX - 9) * (k * 2 + 1)) / 10), vy = Y0 + 2 + Math.floor(((NY - 8) * ((k * 3) % 5 + 0.5)) / 5);
    const view: [number, number][] = [];
    for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) view.push([vx + i, vy + j]);
    const t = performance.now();
    const done = await Promise.all(view.map(([x, y]) => pv.tile(native, x, y).then(() => performance.now() - t)));
    firsts.push(Math.min(...done)); lasts.push(Math.max(...done));
  }
  console.log(`viewport of 5×4 native-zoom tiles asked for at once (5 places): first tile after ${median(firsts).toFixed(0)} ms, all 20 after ${median(lasts).toFixed(0)} ms (medians; ${(median(lasts) / 20).toFixed(1)} ms per tile)`);
}

const decoded = 10980 * 10980 * 2;
const rss = (args: string[]) => {
  const out = spawnSync("/usr/bin/time", ["-f", "MAXRSS %M", process.execPath, "--import", "tsx", join(here, "map-tiles.mts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return { rss: Number(/MAXRSS (\d+)/.exec(out.stderr.toString())![1]) * 1024, out: out.stdout.toString().trim() };
};
const base = rss(["none"]);
t0 = performance.now();
const pan = rss(["pan"]);
const panS = (performance.now() - t0) / 1000;
console.log(`panning across the full scene at native zoom ${native} (${pan.out}, fresh process, ${panS.toFixed(0)} s): peak RSS ${(pan.rss / 2 ** 20).toFixed(0)} MiB, ${((pan.rss - base.rss) / 2 ** 20).toFixed(0)} MiB above a baseline process (${(base.rss / 2 ** 20).toFixed(0)} MiB) = ${((pan.rss - base.rss) / decoded).toFixed(2)}× the decoded ${(decoded / 2 ** 20).toFixed(0)} MiB band`);
console.log(`load after: ${execFileSync("uptime").toString().trim()}`);
console.log("Python route for comparison (localtileserver is not installable here; figures from its issues): about 13 s to tile a 14 MB GeoTIFF (localtileserver#115); xarray-leaflet struggles above 100 MB (geemap#758).");
