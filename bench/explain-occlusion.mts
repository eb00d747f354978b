// Benchmark (issue 8): occlusion of a 64×64 patch of the Landsat scene (window 8, stride 4) —
// batched forward passes vs one forward pass per occluded copy — and the wall time of a
// whole-scene band-group attribution (visible / NIR / SWIR) with the shipped patch classifier.
// The 8×8 patch classifier cannot take a 64×64 patch, so occlusion runs on the shipped fully
// convolutional segmenter (score = mean logit of the predicted class over the patch). The same
// occlusion in torch (bench/explain_occlusion_torch.py) runs side by side as the reference.
// Run: nice node --import tsx bench/explain-occlusion.mts [repeats=3]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { occlusion, sceneBandGroupAblation, spectralGroups } from "../kernel/src/eo/explain/index.js";
import { loadModel } from "../kernel/src/eo/model/load-model.js";
import { rasterToTensor } from "../kernel/src/eo/model/prepare.js";
import { openRaster } from "../kernel/src/eo/raster/open.js";

const repeats = Number(process.argv[2] ?? 3);
const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const scene = await openRaster(path("data/olinda/L7_ETMs.tif"));
const seg = await loadModel(path("data/models/olinda-segmenter.onnx"), { threads: 2 });
const patch = rasterToTensor(await scene.read({ window: { col: 150, row: 150, width: 64, height: 64 } }), seg.card);

const variants = {
  "whole patch, one copy per pass (naive loop)": { maxBatch: 1, halo: null },
  "whole patch, 64 copies per pass": { maxBatch: 64, halo: null },
  "receptive-field crops, one copy per pass": { maxBatch: 1 },
  "receptive-field crops, 64 copies per pass (default)": { maxBatch: 64 },
} as const;
const times: Record<string, number[]> = {};
let ref: Float32Array | undefined;
let maxDiff = 0;
for (let r = 0; r < repeats; r++) {
  for (const [name, v] of Object.entries(variants)) {
    const t0 = performance.now();
    const a = await occlusion(seg, patch, { window: 8, stride: 4, progress: false, ...v });
    (times[name] ??= []).push((performance.now() - t0) / 1000);
    if (!ref) ref = a.data;
    else a.data.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - ref![i]!))));
  }
}
console.log(`Occlusion of a 64×64 patch, window 8, stride 4 (225 occluded copies), shipped segmenter (halo 3), median of ${repeats}:`);
for (const name of Object.keys(variants)) console.log(`  ${name.padEnd(52)} ${median(times[name]!).toFixed(3)} s`);
const naive = median(times["whole patch, one copy per pass (naive loop)"]!);
console.log(`  speed-up of batching alone (whole patch)            ${(naive / median(times["whole patch, 64 copies per pass"]!)).toFixed(2)}×`);
console.log(`  speed-up of the default vs the naive loop           ${(naive / median(times["receptive-field crops, 64 copies per pass (default)"]!)).toFixed(2)}×   (max |difference| between variants ${maxDiff.toExponential(2)})`);

const torch = JSON.parse(execFileSync("/usr/bin/python3", [path("bench/explain_occlusion_torch.py"), String(repeats)], { env: { ...process.env, THREADS: "2" }, maxBuffer: 1 << 26 }).toString());
let torchDiff = 0, torchMax = 0;
(torch.map as number[]).forEach((v, i) => { torchDiff = Math.max(torchDiff, Math.abs(v - ref![i]!)); torchMax = Math.max(torchMax, Math.abs(v)); });
console.log(`  torch (python3-torch, 64 copies per batch, whole patch) ${torch.median_s.toFixed(3)} s; ai4eo default / torch time ${(median(times["receptive-field crops, 64 copies per pass (default)"]!) / torch.median_s).toFixed(3)}; max |ai4eo − torch| ${torchDiff.toExponential(2)} (max |attribution| ${torchMax.toFixed(3)})`);

const cls = await loadModel(path("data/models/olinda-patch-classifier.onnx"), { threads: 2 });
const groups = spectralGroups(cls.card.bands, { sensor: "landsat-tm" });
const sceneTimes: number[] = [];
let res;
for (let r = 0; r < repeats; r++) {
  res = await sceneBandGroupAblation(cls, scene, { bandNames: cls.card.bands, groups, progress: false });
  sceneTimes.push(res.seconds);
}
console.log(`Whole-scene band-group ablation (${Object.keys(groups).join(", ")}), ${scene.width}×${scene.height} Landsat scene, ${res!.tiles} patches:`);
console.log(`  wall time (median of ${repeats})   ${median(sceneTimes).toFixed(3)} s; scene mean importance ${Object.entries(res!.mean).map(([g, v]) => `${g} ${v.toFixed(3)}`).join(", ")}`);
await scene.close();
