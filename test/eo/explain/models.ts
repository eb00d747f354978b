// Test helper: builds the fixture ONNX models (test/eo/explain/fixtures/make_models.py, torch) into a
// temporary folder once per test process, and wraps them as Predictors with a thin
// onnxruntime-node session wrapper (the models module's loadModel is developed in parallel).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import type { PredictOptions, Predictor, Tensor } from "../../../kernel/src/eo/model/tensor.js";
import { seededRandom } from "../../../kernel/src/eo/uncertainty/random.js";
import type { GradientPredictor } from "../../../kernel/src/eo/explain/gradients.js";

/** Known weights of the fixture models (as in make_models.py). */
export const BAND_W = [[1, -2, 0.5, 0], [0, 1, 1, -1], [2, 0, 0, 3]];
export const BAND_B = [0.1, 0, -0.1];
export const TAB_W = [3, -2, 1, 0.5, 0];

let dir: string | undefined;

/**
 * The folder holding the fixture models: built once per version of make_models.py (the folder name
 * carries the script's hash) in the temp dir and shared by the test processes.
 */
export function modelDir(): string {
  if (dir) return dir;
  const script = fileURLToPath(new URL("./fixtures/make_models.py", import.meta.url));
  const hash = createHash("sha256").update(readFileSync(script)).digest("hex").slice(0, 16);
  const target = join(tmpdir(), `ai4eo-xai-models-${hash}`);
  if (!existsSync(join(target, "done"))) {
    const tmp = mkdtempSync(join(tmpdir(), "ai4eo-xai-build-"));
    execFileSync("/usr/bin/python3", [script, tmp], { stdio: ["ignore", "ignore", "pipe"] });
    writeFileSync(join(tmp, "done"), "");
    try {
      renameSync(tmp, target);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test process finished first
    }
  }
  dir = target;
  return dir;
}

/** Counts forward passes and batch sizes (to check batching). */
export interface CountingPredictor extends Predictor {
  calls: number[];
  session: ort.InferenceSession;
}

/**
 * Loads a fixture model as a Predictor. Models with a `noise` input get dropout noise from a seeded
 * stream when `mcDropout` is set: `predict(x, { seed })` resets the stream, later passes continue it.
 */
export async function loadFixture(
  name: string, opts: { output?: string; extra?: (n: number) => Record<string, ort.Tensor>; bytes?: Uint8Array } = {},
): Promise<CountingPredictor> {
  const sopts: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 };
  const session = opts.bytes ? await ort.InferenceSession.create(opts.bytes, sopts) : await ort.InferenceSession.create(join(modelDir(), name), sopts);
  const calls: number[] = [];
  // Like an ORT session whose Dropout nodes carry a seed: `seed` resets the stream, passes without one continue it.
  let rand = seededRandom(1000);
  const p: CountingPredictor = {
    calls,
    session,
    async predict(input: Tensor, o: PredictOptions & { seed?: number } = {}): Promise<Tensor> {
      o.signal?.throwIfAborted();
      const n = input.dims[0]!;
      calls.push(n);
      const feeds: Record<string, ort.Tensor> = { input: new ort.Tensor("float32", input.data, [...input.dims]) };
      if (session.inputNames.includes("noise")) {
        if (o.seed !== undefined) rand = seededRandom(o.seed);
        const noise = new Float32Array(n * 16);
        for (let i = 0; i < noise.length; i++) noise[i] = rand();
        feeds.noise = new ort.Tensor("float32", noise, [n, 16]);
        feeds.mc = new ort.Tensor("float32", new Float32Array([o.mcDropout ? 1 : 0]), []);
      } else if (o.mcDropout) {
        throw new Error(`${name} has no dropout switch`);
      }
      Object.assign(feeds, opts.extra?.(n) ?? {});
      const out = await session.run(feeds);
      const t = out[opts.output ?? session.outputNames[0]!]!;
      return { data: Float32Array.from(t.data as Float32Array), dims: t.dims.map(Number) };
    },
  };
  return p;
}

/** A seeded random tensor with values in [lo, hi). */
export function randomTensor(dims: number[], seed: number, lo = 0, hi = 1): Tensor {
  const r = seededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * r();
  return { data, dims };
}

/** The fixture model's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(modelDir(), name)));
}

/**
 * grad_cnn.onnx as a GradientPredictor: `predict` feeds a zero target and returns the logits,
 * `inputGradient` feeds the weights as `target` and returns `input_grad`.
 */
export async function loadGradientFixture(bytes?: Uint8Array): Promise<CountingPredictor & GradientPredictor> {
  const zero = (n: number) => ({ target: new ort.Tensor("float32", new Float32Array(n * 3), [n, 3]) });
  const p = await loadFixture("grad_cnn.onnx", { output: "logits", extra: zero, ...(bytes ? { bytes } : {}) });
  return Object.assign(p, {
    async inputGradient(input: Tensor, weights: Tensor): Promise<Tensor> {
      const out = await p.session.run({
        input: new ort.Tensor("float32", input.data, [...input.dims]),
        target: new ort.Tensor("float32", weights.data, [...weights.dims]),
      });
      const g = out.input_grad!;
      return { data: Float32Array.from(g.data as Float32Array), dims: g.dims.map(Number) };
    },
  });
}
