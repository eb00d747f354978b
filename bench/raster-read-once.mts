// One timed read in a fresh process (used by bench/raster-decode.mts): prints seconds.
// Usage: raster-read-once.mts full FILE | window FILE COL ROW W H | none FILE
import { openRaster } from "../kernel/src/eo/raster/open.js";

const [mode, file, ...rest] = process.argv.slice(2);
if (mode === "none") { console.log(0); process.exit(0); }
const t0 = performance.now();
const src = await openRaster(file!, { preview: false });
if (mode === "full") await src.read({ bands: [1] });
else {
  const [col, row, width, height] = rest.map(Number) as [number, number, number, number];
  await src.read({ window: { col, row, width, height }, bands: [1] });
}
console.log((performance.now() - t0) / 1000);
await src.close();
