// One timed read in a fresh process with plain node on the built package (run `npm run build` first),
// used by bench/raster-decode.mts. Prints "wall_s cpu_s" of open + read (CPU of all threads).
// Usage: node bench/raster-read-once.mjs full FILE | window FILE COL ROW W H | none FILE
//        | warm FILE N   (N unaligned 1024² windows, each opened afresh, after a first one: median wall and CPU per window)
import { openRaster } from "../dist/kernel/src/eo/raster/open.js";

const [mode, file, ...rest] = process.argv.slice(2);
if (mode === "none") { console.log("0 0"); process.exit(0); }
if (mode === "warm") {
  const n = Number(rest[0] ?? 10);
  const walls = [];
  const cpus = [];
  for (let k = 0; k <= n; k++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const s = await openRaster(file, { preview: false });
    await s.read({ window: { col: 37 + ((k * 1733) % 9000), row: 59 + ((k * 2711) % 9000), width: 1024, height: 1024 }, bands: [1] });
    await s.close();
    const d = process.cpuUsage(c);
    if (k > 0) { walls.push((performance.now() - t) / 1000); cpus.push((d.user + d.system) / 1e6); }
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  console.log(`${med(walls)} ${med(cpus)}`);
  process.exit(0);
}
const t0 = performance.now();
const c0 = process.cpuUsage();
const src = await openRaster(file, { preview: false });
if (mode === "full") await src.read({ bands: [1] });
else {
  const [col, row, width, height] = rest.map(Number);
  await src.read({ window: { col, row, width, height }, bands: [1] });
}
const c = process.cpuUsage(c0);
console.log(`${(performance.now() - t0) / 1000} ${(c.user + c.system) / 1e6}`);
await src.close();
