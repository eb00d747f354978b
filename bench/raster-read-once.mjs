// One timed read in a fresh process with plain node on the built package (run `npm run build` first),
// used by bench/raster-decode.mts. Prints "wall_s cpu_s" of open + read (CPU of all threads).
// Usage: node bench/raster-read-once.mjs full FILE | window FILE COL ROW W H | none FILE
import { openRaster } from "../dist/kernel/src/eo/raster/open.js";

const [mode, file, ...rest] = process.argv.slice(2);
if (mode === "none") { console.log("0 0"); process.exit(0); }
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
