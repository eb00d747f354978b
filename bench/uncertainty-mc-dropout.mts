// Benchmark (issue 7): MC dropout with 20 samples over the whole Landsat scene with the shipped
// patch classifier — ai4eo batched (several samples per forward pass) vs 20 separate
// single-sample runs, and vs the Python pipeline a user would write (GDAL + torch, same patches).
// Run: nice node --import tsx bench/uncertainty-mc-dropout.mts [repeats=3]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadModel } from "../kernel/src/eo/model/load-model.js";
import { openRaster } from "../kernel/src/eo/raster/open.js";
import { sceneUncertainty } from "../kernel/src/eo/uncertainty/index.js";

const repeats = Number(process.argv[2] ?? 3);
const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const model = await loadModel(path("data/models/olinda-patch-classifier.onnx"), { threads: 2 });
const scene = await openRaster(path("data/olinda/L7_ETMs.tif"));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

const S = 20;
const batched: number[] = [], separate: number[] = [], single: number[] = [];
let meanMi = 0;
for (let r = 0; r < repeats; r++) {
  batched.push(await time(async () => {
    const u = await sceneUncertainty(model, scene, { samples: S, maxBatch: 1024, progress: false });
    const mi = u.rasters.mutualInformation!.band(1);
    meanMi = mi.reduce((a, b) => a + b, 0) / mi.length;
  }));
  single.push(await time(() => sceneUncertainty(model, scene, { samples: 1, progress: false })));
  separate.push(await time(async () => {
    for (let i = 0; i < S; i++) await sceneUncertainty(model, scene, { samples: 1, seed: i, progress: false });
  }));
}
const torch = JSON.parse(execFileSync("/usr/bin/python3", [path("bench/uncertainty_mc_torch.py"), String(S), String(repeats)], { env: { ...process.env, THREADS: "2" } }).toString());
console.log(`MC dropout, ${S} samples, Landsat scene ${scene.width}×${scene.height} (${torch.patches} patches of 8×8), median of ${repeats}:`);
console.log(`  ai4eo batched (${S} samples per pass)   ${median(batched).toFixed(3)} s   (mean MI ${meanMi.toFixed(4)} nats)`);
console.log(`  ai4eo one sample, one run              ${median(single).toFixed(3)} s`);
console.log(`  ai4eo ${S} separate single-sample runs   ${median(separate).toFixed(3)} s`);
console.log(`  GDAL + torch (python3-torch), ${S} passes ${torch.median_s.toFixed(3)} s   (mean MI ${torch.mean_mi.toFixed(4)} nats per patch)`);
console.log(`  ratio batched / (${S} × single run)      ${(median(batched) / (S * median(single))).toFixed(3)}`);
console.log(`  ratio batched / ${S} separate runs       ${(median(batched) / median(separate)).toFixed(3)}`);
console.log(`  ratio batched / torch                   ${(median(batched) / torch.median_s).toFixed(3)}`);
await scene.close();
