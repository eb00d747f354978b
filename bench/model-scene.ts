#!/usr/bin/env node
// Whole-scene segmentation benchmark with the shipped segmenter (data/models/olinda-segmenter.onnx),
// run side by side on one synthetic GeoTIFF (the real Olinda scene mirrored to size, 6 bands uint8,
// tiled 256, uncompressed; made with GDAL):
//   ai4eo   openRaster + predictScene (strip streaming, ramp blending, class map kept; batches alternate
//           between the model's scene workers: --threads N gives N single-threaded sessions, up to 4)
//   bare    onnxruntime session.run alone on the same tiles (input preparation not timed; one session
//           with --threads intra-op threads, onnxruntime's defaults)
// With --threads equal to the machine's cores the pipeline's own work (reading, normalizing, blending)
// competes with inference for CPU; with fewer it runs on the free core. Run both to see each regime.
//   python  GDAL ReadAsArray per tile + torch (same weights, tiles, overlap, blending) + numpy argmax
// Each variant runs in its own process (peak RSS per process, after the first pass). Prints medians and
// ratios of wall time, and of CPU time (process.cpuUsage over all threads: less sensitive to other load
// on the machine), for the first call in a fresh process (cold: sessions made before timing on both
// sides — bare's session, ai4eo's scene-worker sessions with model.sceneWorkers(), whose start is printed
// on its own — but onnxruntime's memory arenas, the JIT and the page cache cold) and for --warm-calls more
// calls in the same process, each after a 100 ms pause (warm: their median; --no-warm skips them and the
// in-process part below). The ai4eo and bare processes alternate (ABBA) and python's runs come after them all.
// Then both sides run in one process, alternating call by call (ABBA, --inproc N rounds, default 30; 0 skips),
// each call after a 100 ms pause: a slow or fast phase of this shared machine falls on both alike. A call
// right after the other side's was ~5% slower than one after its own side's, both ways (cause unknown), so
// each side follows itself in half the rounds and the other in half; and half the rounds run in a process
// that loads bare's model first. The two parts can disagree by more than the target: in one session the
// per-process warm overhead ranged 11-40% and the in-process one 2-16%.
// Uses dist/ when built (npm run build), else the TypeScript sources.
// Usage: node --import tsx bench/model-scene.ts [--size 2048] [--tile 256] [--threads 2] [--runs 3] [--sources] [--no-warm] [--warm-calls 3] [--inproc 30]
//        node --import tsx bench/model-scene.ts --size 10980 --runs 1 --skip-python --no-warm   (the 10980×10980 RSS check)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";

const root = fileURLToPath(new URL("..", import.meta.url));
// The compiled library (what users run) when `npm run build` has been run, else the sources via tsx.
// Only the modules this benchmark needs are imported, not the whole index.
// --sources forces the TypeScript sources (e.g. to compare a change before building).
const useDist = !process.argv.includes("--sources") && existsSync(join(root, "dist", "kernel", "src", "eo", "model", "predict-scene.js"));
const mod = async <T>(rel: string): Promise<T> => (await import(useDist ? join(root, "dist", "kernel", "src", "eo", `${rel}.js`) : `../kernel/src/eo/${rel}.js`)) as T;
const lib = {
  ...(await mod<typeof import("../kernel/src/eo/model/load-model.js")>("model/load-model")),
  ...(await mod<typeof import("../kernel/src/eo/model/predict-scene.js")>("model/predict-scene")),
  ...(await mod<typeof import("../kernel/src/eo/model/tiling.js")>("model/tiling")),
  ...(await mod<typeof import("../kernel/src/eo/model/prepare.js")>("model/prepare")),
  ...(await mod<typeof import("../kernel/src/eo/raster/open.js")>("raster/open")),
};
const { loadModel, openRaster, predictScene, tileStarts, selectBands } = lib;
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SIZE = arg("--size", 2048);
const TILE = arg("--tile", 256);
const THREADS = arg("--threads", 2);
const RUNS = arg("--runs", 3);
const SKIP_PYTHON = process.argv.includes("--skip-python");
const WARM = !process.argv.includes("--no-warm");
// warm calls per process after the first (each after a 100 ms pause; their median is the process's warm figure)
const WARM_CALLS = arg("--warm-calls", 3);
// rounds of the in-process comparison (0 skips it)
const INPROC = arg("--inproc", 30);
const MODEL = join(root, "data", "models", "olinda-segmenter.onnx");

interface Result { seconds: number; maxrss_mb: number; classes?: number[]; predictSeconds?: number; cpuSeconds?: number; warmSeconds?: number; warmCpuSeconds?: number; startSeconds?: number }

const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** The tile grid bare runs over: predictScene's tiles for this tile size and overlap. */
function bareGrid(src: Awaited<ReturnType<typeof openRaster>>, overlap: number) {
  const th = Math.min(TILE, src.height);
  const tw = Math.min(TILE, src.width);
  return { th, tw, ys: tileStarts(src.height, th, th - overlap), xs: tileStarts(src.width, tw, tw - overlap) };
}

/**
 * Bare's batches for the row of tiles at `y`: 4 tiles each, normalized as the card says, each made just
 * before it is handed out (so its input is as fresh in the CPU's caches as the batch a pipeline has just
 * normalized; the callers time only session.run).
 */
async function* bareStrip(model: Awaited<ReturnType<typeof loadModel>>, src: Awaited<ReturnType<typeof openRaster>>, overlap: number, y: number): AsyncGenerator<ort.Tensor> {
  const { th, tw, xs } = bareGrid(src, overlap);
  const W = src.width;
  const n = model.card.normalization as { mean: number[]; std: number[] };
  const strip = await src.read({ window: { col: 0, row: y, width: W, height: th }, bands: selectBands(src, model.card) });
  for (let i = 0; i < xs.length; i += 4) {
    const group = xs.slice(i, i + 4);
    const data = new Float32Array(group.length * 6 * th * tw);
    group.forEach((x0, q) => {
      for (let b = 0; b < 6; b++) {
        const a = strip.band(b + 1);
        for (let r = 0; r < th; r++) for (let c = 0; c < tw; c++) data[((q * 6 + b) * th + r) * tw + c] = (a[r * W + x0 + c]! - n.mean[b]!) / n.std[b]!;
      }
    });
    yield new ort.Tensor("float32", data, [group.length, 6, th, tw]);
  }
}

/**
 * Both sides in one process, alternating (ABBA) for --inproc rounds after two unmeasured calls of
 * each: ai4eo's predictScene call, and bare session.run over all the scene's batches (timed as in bare's
 * own process: the runs only). A slow or fast phase of the machine then falls on both alike.
 */
async function inProcess(path: string, overlap: number, rounds: number, bareFirst: boolean): Promise<{ ai4eo: number[][]; bare: number[][] }> {
  const first = await loadModel(MODEL, { threads: THREADS });
  const second = await loadModel(MODEL, { threads: THREADS });
  const [model, bareModel] = bareFirst ? [second, first] : [first, second];
  const src = await openRaster(path);
  await model.sceneWorkers();
  /** [wall s, CPU s] of a call: ai4eo's whole predictScene; bare's session.run calls only, as in its own process. */
  const sides = {
    ai4eo: async (): Promise<number[]> => {
      const t = performance.now();
      const c = cpuNow();
      await predictScene(model, src, { tileSize: TILE, overlap, outputs: ["class"], progress: false, batchSize: 4 });
      return [(performance.now() - t) / 1000, cpuNow() - c];
    },
    bare: async (): Promise<number[]> => {
      const { wall, cpu } = await barePass(bareModel, src, overlap);
      return [wall, cpu];
    },
  };
  const out = { ai4eo: [] as number[][], bare: [] as number[][] };
  for (let i = -2; i < rounds; i++) {
    for (const kind of (i & 1 ? ["bare", "ai4eo"] : ["ai4eo", "bare"]) as ("ai4eo" | "bare")[]) {
      // (a pause first: onnxruntime's intra-op threads spin for a while after a run, and must not take
      // the cores from the next call: without it, one run put ai4eo's calls that followed bare's 8% behind)
      await new Promise((resolve) => setTimeout(resolve, 100));
      const r = await sides[kind]();
      if (i >= 0) out[kind].push(r);
    }
  }
  await model.dispose();
  await bareModel.dispose();
  return out;
}

async function worker(kind: string, path: string, overlap: number): Promise<Result> {
  const model = await loadModel(MODEL, { threads: THREADS });
  const src = await openRaster(path);
  if (kind === "ai4eo") {
    let inPredict = 0;
    const predict = model.predict.bind(model);
    model.predict = async (x, o) => {
      const t = performance.now();
      try {
        return await predict(x, o);
      } finally {
        inPredict += performance.now() - t;
      }
    };
    // The model's scene-worker sessions are made before timing, as bare's session is (their start
    // is timed on its own and printed: what a first call pays when nothing started them earlier).
    const ts = performance.now();
    await model.sceneWorkers();
    const startSeconds = (performance.now() - ts) / 1000;
    const t0 = performance.now();
    const c0 = cpuNow();
    const p = await predictScene(model, src, { tileSize: TILE, overlap, outputs: ["class"], progress: false, batchSize: 4 });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuNow() - c0;
    const hist = new Array(4).fill(0);
    for (const v of p.classMap!.band(1)) hist[v]++;
    const maxrss_mb = process.resourceUsage().maxRSS / 1024;
    // warm: the same call again (the model's worker session and the JIT are warm), WARM_CALLS times
    if (!WARM) return { seconds, maxrss_mb, classes: hist, predictSeconds: inPredict / 1000, cpuSeconds, startSeconds };
    const warm = await warmCalls(async () => {
      await predictScene(model, src, { tileSize: TILE, overlap, outputs: ["class"], progress: false, batchSize: 4 });
    });
    await model.dispose();
    return { seconds, maxrss_mb, classes: hist, predictSeconds: inPredict / 1000, cpuSeconds, ...warm, startSeconds };
  }
  // bare: the same tiles, batches of 4, only session.run timed; then warm passes over them
  const first = await barePass(model, src, overlap);
  const maxrss_mb = process.resourceUsage().maxRSS / 1024;
  if (!WARM) return { seconds: first.wall, maxrss_mb, cpuSeconds: first.cpu };
  const warm = await warmCalls(async () => barePass(model, src, overlap));
  return { seconds: first.wall, maxrss_mb, cpuSeconds: first.cpu, ...warm };
}

/** Bare session.run over all the scene's tiles in batches of 4: wall and CPU seconds of the runs alone. */
async function barePass(model: Awaited<ReturnType<typeof loadModel>>, src: Awaited<ReturnType<typeof openRaster>>, overlap: number): Promise<{ wall: number; cpu: number }> {
  let wall = 0;
  let cpu = 0;
  for (const y of bareGrid(src, overlap).ys) {
    for await (const input of bareStrip(model, src, overlap, y)) {
      const t = performance.now();
      const c = cpuNow();
      await model.session.run({ input });
      wall += (performance.now() - t) / 1000;
      cpu += cpuNow() - c;
    }
  }
  return { wall, cpu };
}

/**
 * The warm calls of a process: WARM_CALLS calls, each after a 100 ms pause; median wall and CPU seconds.
 * `call` returns its own timing (bare times its runs only) or nothing (timed here).
 */
async function warmCalls(call: () => Promise<{ wall: number; cpu: number } | void>): Promise<{ warmSeconds: number; warmCpuSeconds: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < WARM_CALLS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t = performance.now();
    const c = cpuNow();
    const own = await call();
    walls.push(own ? own.wall : (performance.now() - t) / 1000);
    cpus.push(own ? own.cpu : cpuNow() - c);
  }
  return { warmSeconds: median(walls), warmCpuSeconds: median(cpus) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

if (process.argv[2] === "--worker" && process.argv[3] === "inproc") {
  process.stdout.write(JSON.stringify(await inProcess(process.argv[4]!, Number(process.argv[5]), INPROC, process.argv.includes("--bare-first"))));
} else if (process.argv[2] === "--worker") {
  const r = await worker(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
  process.stdout.write(JSON.stringify(r));
} else {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-bench-"));
  const tif = join(dir, `scene-${SIZE}.tif`);
  try {
    execFileSync("/usr/bin/python3", ["-c", `
import sys, numpy as np
from osgeo import gdal
src = gdal.Open(sys.argv[1]); a = src.ReadAsArray(); n = int(sys.argv[3])
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[2], n, n, 6, gdal.GDT_Byte, ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER"])
ds.SetGeoTransform(src.GetGeoTransform()); ds.SetProjection(src.GetProjection())
h, w = a.shape[1:]
row = np.concatenate([a, a[:, :, ::-1]], axis=2); blockpair = np.concatenate([row, row[:, ::-1, :]], axis=1)
for y in range(0, n, 2 * h):
    for b in range(6):
        t = np.tile(blockpair[b], (1, n // (2 * w) + 1))[: min(2 * h, n - y), :n]
        ds.GetRasterBand(b + 1).WriteArray(t, 0, y)
ds = None
`, join(root, "data", "olinda", "L7_ETMs.tif"), tif, String(SIZE)]);
    if (!existsSync(tif)) throw new Error("scene not written");
    const model = await loadModel(MODEL, { threads: 1 });
    const halo = model.card.input.halo ?? 0;
    await model.dispose();
    const overlap = Math.max(2 * halo + 2, Math.floor(TILE / 8));
    const res: Record<string, Result[]> = { ai4eo: [], bare: [], python: [] };
    // ai4eo and bare alternate (ABBA: each goes first in every other run); python's runs come after all
    // of them (a process that follows python's memory-hungry torch run starts in its wake)
    for (let r = 0; r < RUNS; r++) {
      for (const kind of r % 2 ? ["bare", "ai4eo"] : ["ai4eo", "bare"]) {
        const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--worker", kind, tif, String(overlap), "--threads", String(THREADS), "--tile", String(TILE), ...(useDist ? [] : ["--sources"]), ...(WARM ? [] : ["--no-warm"])], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
        res[kind]!.push(JSON.parse(out) as Result);
      }
    }
    for (let r = 0; r < RUNS && !SKIP_PYTHON; r++) {
      const py = execFileSync("/usr/bin/python3", [join(root, "bench", "model_scene_torch.py"), tif, String(TILE), String(overlap), String(THREADS)], { encoding: "utf8" });
      res.python!.push(JSON.parse(py) as Result);
    }
    const mpx = (SIZE * SIZE) / 1e6;
    const m = (k: string): number => median(res[k]!.map((x) => x.seconds));
    const rss = (k: string): number => Math.max(...res[k]!.map((x) => x.maxrss_mb));
    console.log(`library: ${useDist ? "dist (compiled)" : "sources via tsx"}`);
    console.log(`scene ${SIZE}×${SIZE}×6 uint8 (${mpx.toFixed(1)} Mpx), tile ${TILE}, overlap ${overlap}, ${THREADS} threads, ${RUNS} run(s), medians:`);
    for (const k of SKIP_PYTHON ? ["ai4eo", "bare"] : ["ai4eo", "bare", "python"]) {
      const cpu = res[k]![0]!.cpuSeconds === undefined ? "" : `  CPU ${median(res[k]!.map((x) => x.cpuSeconds!)).toFixed(2)} s`;
      console.log(`  ${k.padEnd(7)} ${m(k).toFixed(2).padStart(8)} s  ${(mpx / m(k)).toFixed(3).padStart(7)} Mpx/s  peak RSS ${rss(k).toFixed(0)} MB${cpu}`);
    }
    const a = res.ai4eo!;
    const inPredict = median(a.map((x) => x.predictSeconds!));
    console.log(`  ai4eo time inside model.predict: ${inPredict > 0 ? `${inPredict.toFixed(2)} s` : "n/a (the session ran in predictScene's worker thread)"}`);
    const start = median(a.map((x) => x.startSeconds!));
    console.log(`  ai4eo scene-worker start (model.sceneWorkers(), before timing as bare's session creation): ${start.toFixed(3)} s; ` +
      `first call with it counted: ${((m("ai4eo") + start) / m("bare") * 100 - 100).toFixed(1)}% over bare`);
    const cpuM = (k: string): number => median(res[k]!.map((x) => x.cpuSeconds!));
    // CPU time (all threads of the process) depends less on other load on the machine than wall time.
    console.log(`  CPU overhead of ai4eo over bare session.run ${((cpuM("ai4eo") / cpuM("bare") - 1) * 100).toFixed(1)}%`);
    const wm = (k: string, f: "warmSeconds" | "warmCpuSeconds"): number => median(res[k]!.map((x) => x[f]!));
    if (WARM) console.log(`  warm (median of ${WARM_CALLS} more calls in the same process, 100 ms apart): ai4eo ${wm("ai4eo", "warmSeconds").toFixed(2)} s (CPU ${wm("ai4eo", "warmCpuSeconds").toFixed(2)} s), ` +
      `bare ${wm("bare", "warmSeconds").toFixed(2)} s (CPU ${wm("bare", "warmCpuSeconds").toFixed(2)} s): overhead ${((wm("ai4eo", "warmSeconds") / wm("bare", "warmSeconds") - 1) * 100).toFixed(1)}% wall, ` +
      `${((wm("ai4eo", "warmCpuSeconds") / wm("bare", "warmCpuSeconds") - 1) * 100).toFixed(1)}% CPU`);
    // Each run's ai4eo and bare processes ran back to back: the median of their per-run ratios is
    // less moved by the machine's drift over minutes than the ratio of the medians.
    const pairs = (f: "seconds" | "warmSeconds"): number[] => a.map((x, i) => (x[f]! / res.bare![i]![f]! - 1) * 100);
    const fmt = (xs: number[]): string => `${median(xs).toFixed(1)}% (runs: ${xs.map((x) => x.toFixed(1)).join(", ")})`;
    console.log(`  per-run overhead, median: first call ${fmt(pairs("seconds"))}${WARM ? `; warm ${fmt(pairs("warmSeconds"))}` : ""}`);
    console.log(`ratios: ai4eo overhead over bare session.run ${((m("ai4eo") / m("bare") - 1) * 100).toFixed(1)}% (target ≤ 10%)` +
      (SKIP_PYTHON ? "" : `; ai4eo vs python (GDAL + torch) ${(m("python") / m("ai4eo")).toFixed(2)}× faster (target ≥ 1.5×)`));
    if (INPROC > 0 && WARM) {
      // Two processes of half the rounds each, one loading ai4eo's model first and one bare's: in two of
      // three rotations of two ai4eo builds in one process, the model loaded first was 6-16% slower.
      const ip = { ai4eo: [] as number[][], bare: [] as number[][] };
      for (const order of [[], ["--bare-first"]]) {
        const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--worker", "inproc", tif, String(overlap), "--threads", String(THREADS),
          "--tile", String(TILE), "--inproc", String(Math.ceil(INPROC / 2)), ...order, ...(useDist ? [] : ["--sources"])], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 });
        const part = JSON.parse(out) as { ai4eo: number[][]; bare: number[][] };
        ip.ai4eo.push(...part.ai4eo);
        ip.bare.push(...part.bare);
      }
      const col = (k: "ai4eo" | "bare", j: number): number[] => ip[k].map((x) => x[j]!);
      const ratios = (j: number): number[] => ip.ai4eo.map((x, i) => x[j]! / ip.bare[i]![j]!).sort((x, y) => x - y);
      const paired = (j: number): number => (median(ratios(j)) - 1) * 100;
      const quartile = (q: number): string => `${((ratios(0)[Math.floor(q * (ip.ai4eo.length - 1))]! - 1) * 100).toFixed(1)}%`;
      console.log(`in one process, alternating (${ip.ai4eo.length} rounds after 2 unmeasured, warm, 100 ms apart; half with each model loaded first): ai4eo ${median(col("ai4eo", 0)).toFixed(3)} s (CPU ${median(col("ai4eo", 1)).toFixed(2)} s), ` +
        `bare ${median(col("bare", 0)).toFixed(3)} s (CPU ${median(col("bare", 1)).toFixed(2)} s): overhead, median of per-round ratios, ${paired(0).toFixed(1)}% wall ` +
        `(quartiles ${quartile(0.25)}, ${quartile(0.75)}), ${paired(1).toFixed(1)}% CPU (target ≤ 10%)`);
    }
    // (no process.exit here: the finally below removes the scene)
    if (!SKIP_PYTHON) {
      const hp = res.python![0]!.classes!;
      const ha = a[0]!.classes!;
      const agree = 1 - ha.reduce((s, v, i) => s + Math.abs(v - hp[i]!), 0) / 2 / (SIZE * SIZE);
      console.log(`class histograms ai4eo [${ha.join(", ")}] python [${hp.join(", ")}] (≥ ${(agree * 100).toFixed(3)}% agreement by histogram)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
