// Calibration, conformal and OOD figures of the shipped patch classifier (issue 7's closing note):
// temperature scaling fitted on the validation split, metrics on the test split, LAC/APS sets
// calibrated on validation and evaluated on test, and OOD detection of the shipped OOD patches
// (another Landsat-7 scene) against the in-distribution test patches.
// Run: nice node --import tsx bench/uncertainty-figures.mts
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadModel } from "../kernel/src/eo/model/load-model.js";
import { rasterToTensor } from "../kernel/src/eo/model/prepare.js";
import type { Tensor } from "../kernel/src/eo/model/tensor.js";
import { openRaster } from "../kernel/src/eo/raster/open.js";
import {
  calibrationReport, conformalClassifier, energyScore, entropyScore, evaluateOod, fitTemperature, maxSoftmaxScore,
  mcDropout, mutualInformationScore, predictBatched, softmax, toMatrix,
} from "../kernel/src/eo/uncertainty/index.js";

const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const model = await loadModel(path("data/models/olinda-patch-classifier.onnx"));

async function patches(csv: string, filter: (row: Record<string, string>) => boolean): Promise<{ x: Tensor; y: number[] }> {
  const [head, ...lines] = readFileSync(path(csv), "utf8").trim().split("\n");
  const cols = head!.split(",");
  const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v]))).filter(filter);
  const sources = new Map<string, Awaited<ReturnType<typeof openRaster>>>();
  const parts: Float32Array[] = [];
  for (const r of rows) {
    const file = path(`data/olinda-bench/${r.path}`);
    if (!sources.has(file)) sources.set(file, await openRaster(file));
    const w = await sources.get(file)!.read({ window: { col: +r.col!, row: +r.row!, width: 8, height: 8 } });
    parts.push(rasterToTensor(w, model.card).data);
  }
  for (const s of sources.values()) await s.close();
  const x = new Float32Array(parts.length * 6 * 64);
  parts.forEach((p, i) => x.set(p, i * 384));
  return { x: { data: x, dims: [parts.length, 6, 8, 8] }, y: rows.map((r) => Number(r.class ?? -1)) };
}

const val = await patches("data/olinda-bench/patches.csv", (r) => r.split === "val");
const test = await patches("data/olinda-bench/patches.csv", (r) => r.split === "test");
const ood = await patches("data/olinda-bench/ood.csv", () => true);
const valLogits = await predictBatched(model, val.x, { maxBatch: 512 });
const testLogits = await predictBatched(model, test.x, { maxBatch: 512 });
const oodLogits = await predictBatched(model, ood.x, { maxBatch: 512 });
const scaler = fitTemperature(toMatrix(valLogits), val.y);
const before = calibrationReport(softmax(testLogits), test.y, { bins: 10 });
const after = calibrationReport(scaler.apply(testLogits), test.y, { bins: 10 });
console.log(`Shipped patch classifier: ${val.y.length} validation, ${test.y.length} test, ${ood.y.length} OOD patches`);
console.log(`Temperature fitted on validation: T = ${scaler.temperature.toFixed(3)} (validation NLL ${scaler.nllBefore.toFixed(4)} → ${scaler.nllAfter.toFixed(4)})`);
console.log("Test split            accuracy   ECE(10)  adaptiveECE   MCE     Brier    NLL");
for (const [name, r] of [["raw softmax", before], ["temperature-scaled", after]] as const) {
  console.log(`  ${name.padEnd(20)} ${r.accuracy.toFixed(4)}   ${r.ece.toFixed(4)}   ${r.adaptiveEce.toFixed(4)}     ${r.mce.toFixed(4)}  ${r.brier.toFixed(4)}  ${r.nll.toFixed(4)}`);
}
console.log("Split conformal (calibrated on validation, temperature-scaled probabilities), test split:");
for (const method of ["lac", "aps"] as const) {
  for (const alpha of [0.05, 0.1, 0.2]) {
    const cp = conformalClassifier(scaler.applyMatrix(toMatrix(valLogits)), val.y, { alpha, method });
    const e = cp.evaluate(scaler.applyMatrix(toMatrix(testLogits)), test.y);
    console.log(`  ${method.toUpperCase()} α=${alpha}: coverage ${e.coverage.toFixed(4)} (target ${e.target}), mean set size ${e.meanSize.toFixed(3)}`);
  }
}
const idMc = await mcDropout(model, test.x, { samples: 20, seed: 1, maxBatch: 4096, progress: false });
const oodMc = await mcDropout(model, ood.x, { samples: 20, seed: 2, maxBatch: 4096, progress: false });
console.log("OOD detection (in-distribution test patches vs OOD patches):   AUROC   AUPR-out  AUPR-in  FPR@95TPR");
const scores: [string, ArrayLike<number>, ArrayLike<number>][] = [
  ["max softmax", maxSoftmaxScore(softmax(testLogits)), maxSoftmaxScore(softmax(oodLogits))],
  ["entropy", entropyScore(softmax(testLogits)), entropyScore(softmax(oodLogits))],
  ["energy", energyScore(testLogits), energyScore(oodLogits)],
  ["MC-dropout MI (20)", mutualInformationScore(idMc), mutualInformationScore(oodMc)],
];
for (const [name, a, b] of scores) {
  const e = evaluateOod(a, b, name);
  console.log(`  ${name.padEnd(58)} ${e.auroc.toFixed(4)}  ${e.auprOut.toFixed(4)}    ${e.auprIn.toFixed(4)}   ${e.fpr95.toFixed(4)}`);
}

// ---- Dense models, per pixel, on the benchmark's spatial blocks (each block run as one tile, as in the cards).
const blocks = readFileSync(path("data/olinda-bench/blocks.csv"), "utf8").trim().split("\n").slice(1).map((l) => {
  const [block, col, row, width, height, split] = l.split(",");
  return { block: +block!, col: +col!, row: +row!, width: +width!, height: +height!, split: split! };
});
const scene = await openRaster(path("data/olinda/L7_ETMs.tif"));
const dem = await openRaster(path("data/olinda-bench/dem_l7grid.tif"));
const labels = await openRaster(path("data/olinda-bench/labels.tif"));

async function dense(modelPath: string, split: string, truth: typeof dem) {
  const m = await loadModel(path(modelPath));
  const outs: { out: Tensor; truth: ArrayLike<number> }[] = [];
  for (const b of blocks.filter((x) => x.split === split)) {
    const window = { col: b.col, row: b.row, width: b.width, height: b.height };
    const x = rasterToTensor(await scene.read({ window }), m.card);
    outs.push({ out: await m.predict(x), truth: (await truth.read({ window })).band(1) });
  }
  return outs;
}

// Elevation regressor: Gaussian intervals from the variance head vs split-conformal intervals.
{
  const collect = (outs: Awaited<ReturnType<typeof dense>>) => {
    const mu: number[] = [], sd: number[] = [], y: number[] = [];
    for (const { out, truth } of outs) {
      const P = out.dims[2]! * out.dims[3]!;
      for (let p = 0; p < P; p++) {
        if (truth[p] === -9999 || !Number.isFinite(truth[p]!)) continue;
        mu.push(out.data[p]!);
        sd.push(Math.exp(out.data[P + p]! / 2));
        y.push(truth[p]!);
      }
    }
    return { mu, sd, y };
  };
  const cal = collect(await dense("data/models/olinda-elevation-regressor.onnx", "val", dem));
  const tst = collect(await dense("data/models/olinda-elevation-regressor.onnx", "test", dem));
  const { conformalRegressor, conformalQuantileRegressor } = await import("../kernel/src/eo/uncertainty/index.js");
  console.log(`Elevation regressor (per pixel; ${cal.y.length} validation, ${tst.y.length} test pixels with a DEM value):`);
  for (const alpha of [0.1, 0.05]) {
    const z = alpha === 0.1 ? 1.6448536269514722 : 1.959963984540054;
    let cov = 0, width = 0;
    tst.y.forEach((v, i) => { if (Math.abs(v - tst.mu[i]!) <= z * tst.sd[i]!) cov++; width += 2 * z * tst.sd[i]!; });
    const abs = conformalRegressor(cal.mu, cal.y, { alpha }).evaluate(tst.mu, tst.y);
    const q = (s: { mu: number[]; sd: number[] }) => ({ lower: s.mu.map((m, i) => m - z * s.sd[i]!), upper: s.mu.map((m, i) => m + z * s.sd[i]!) });
    const cqr = conformalQuantileRegressor(q(cal), cal.y, { alpha }).evaluate(q(tst), tst.y);
    console.log(`  α=${alpha}: Gaussian head coverage ${(cov / tst.y.length).toFixed(4)} (width ${(width / tst.y.length).toFixed(2)} m); ` +
      `absolute-residual conformal ${abs.coverage.toFixed(4)} (width ${abs.meanSize.toFixed(2)} m); CQR on the head's interval ${cqr.coverage.toFixed(4)} (width ${cqr.meanSize.toFixed(2)} m)`);
  }
}

// Segmenter: per-pixel calibration and conformal sets on labelled pixels.
{
  const collect = (outs: Awaited<ReturnType<typeof dense>>) => {
    const rows: number[][] = [], y: number[] = [];
    for (const { out, truth } of outs) {
      const K = out.dims[1]!, P = out.dims[2]! * out.dims[3]!;
      for (let p = 0; p < P; p++) {
        if (truth[p] === 255) continue;
        rows.push(Array.from({ length: K }, (_, k) => out.data[k * P + p]!));
        y.push(truth[p]!);
      }
    }
    return { logits: rows, y };
  };
  const cal = collect(await dense("data/models/olinda-segmenter.onnx", "val", labels));
  const tst = collect(await dense("data/models/olinda-segmenter.onnx", "test", labels));
  const { softmaxMatrix } = await import("../kernel/src/eo/uncertainty/index.js");
  const sc = fitTemperature(cal.logits, cal.y);
  const rawP = softmaxMatrix(toMatrix(tst.logits)), calP = sc.applyMatrix(tst.logits);
  const b = calibrationReport(rawP, tst.y, { bins: 10 }), a = calibrationReport(calP, tst.y, { bins: 10 });
  console.log(`Segmenter (per labelled pixel; ${cal.y.length} validation, ${tst.y.length} test pixels): T = ${sc.temperature.toFixed(3)}`);
  console.log(`  raw:    accuracy ${b.accuracy.toFixed(4)}  ECE ${b.ece.toFixed(4)}  adaptive ECE ${b.adaptiveEce.toFixed(4)}  Brier ${b.brier.toFixed(4)}  NLL ${b.nll.toFixed(4)}`);
  console.log(`  scaled: accuracy ${a.accuracy.toFixed(4)}  ECE ${a.ece.toFixed(4)}  adaptive ECE ${a.adaptiveEce.toFixed(4)}  Brier ${a.brier.toFixed(4)}  NLL ${a.nll.toFixed(4)}`);
  for (const method of ["lac", "aps"] as const) {
    const cp = conformalClassifier(sc.applyMatrix(cal.logits), cal.y, { alpha: 0.1, method });
    const e = cp.evaluate(calP, tst.y);
    console.log(`  ${method.toUpperCase()} α=0.1: coverage ${e.coverage.toFixed(4)}, mean set size ${e.meanSize.toFixed(3)}`);
  }
}
await Promise.all([scene.close(), dem.close(), labels.close()]);
