// loadModel on onnxruntime-node: the shipped models equal torch (python3-torch) within 1e-4, cards
// come from metadata_props or a sidecar, MC dropout really samples, bad inputs get clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadModel, ModelCardError, ModelInputError, ModelLoadError, readOnnxModelInfo, parseModelCard, openRaster,
  type Tensor,
} from "../../../kernel/src/eo/index.js";

const PY = "/usr/bin/python3";
const MODELS = "data/models";
const tmp = mkdtempSync(join(tmpdir(), "ai4eo-model-"));

/** Outputs of the torch reference (data/models/<name>.pt) for each input, in one python3 process. */
function torchReference(name: string, ...inputs: Tensor[]): Tensor[] {
  const args: string[] = [];
  inputs.forEach((input, k) => {
    const inp = join(tmp, `${name}-in${k}.f32`);
    writeFileSync(inp, new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength));
    args.push(inp, input.dims.join(","), join(tmp, `${name}-out${k}.f32`));
  });
  const shapes = JSON.parse(execFileSync(PY, ["test/eo/model/torch_reference.py", name, ...args], { encoding: "utf8" })) as number[][];
  return shapes.map((shape, k) => {
    const b = readFileSync(join(tmp, `${name}-out${k}.f32`));
    return { data: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)), dims: shape };
  });
}

/** A seeded LCG in [-2, 2): normalized-looking random input. */
function randomTensor(dims: number[], seed: number): Tensor {
  let s = seed >>> 0;
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 4 - 2;
  }
  return { data, dims };
}

/** Normalized scene window, as the card says: (DN - mean) / std per band. */
async function sceneTensor(card: { normalization: unknown }, col: number, row: number, w: number, h: number): Promise<Tensor> {
  const src = await openRaster("data/olinda/L7_ETMs.tif");
  const r = await src.read({ window: { col, row, width: w, height: h } });
  await src.close();
  const norm = card.normalization as { mean: number[]; std: number[] };
  const data = new Float32Array(6 * w * h);
  for (let b = 0; b < 6; b++) {
    const band = r.band(b + 1);
    for (let i = 0; i < w * h; i++) data[b * w * h + i] = (band[i]! - norm.mean[b]!) / norm.std[b]!;
  }
  return { data, dims: [1, 6, h, w] };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const cases = [
  { name: "olinda-patch-classifier", dims: [16, 6, 8, 8], out: [16, 4] },
  { name: "olinda-segmenter", dims: [2, 6, 40, 56], out: [2, 4, 40, 56] },
  { name: "olinda-elevation-regressor", dims: [2, 6, 48, 40], out: [2, 2, 48, 40] },
];

for (const c of cases) {
  test(`${c.name}: onnxruntime output equals torch within 1e-4 (random and real scene input)`, async () => {
    const model = await loadModel(join(MODELS, `${c.name}.onnx`), { threads: 1 });
    try {
      const x = randomTensor(c.dims, 7);
      const ps = model.card.input.patchSize;
      const real = await sceneTensor(model.card, 200, 120, ps ? ps[1] : 64, ps ? ps[0] : 48);
      const [want, wantReal] = torchReference(c.name, x, real);
      const got = await model.predict(x);
      assert.deepEqual(got.dims, c.out);
      assert.deepEqual(want!.dims, c.out);
      const d = maxAbsDiff(got.data, want!.data);
      assert.ok(d < 1e-4, `max |ort - torch| = ${d}`);
      const d2 = maxAbsDiff((await model.predict(real)).data, wantReal!.data);
      assert.ok(d2 < 1e-4, `real input: max |ort - torch| = ${d2}`);
    } finally {
      await model.dispose();
    }
  });
}

test("card from metadata_props equals the sidecar card; the model displays it", async () => {
  for (const c of cases) {
    const bytes = readFileSync(join(MODELS, `${c.name}.onnx`));
    const info = readOnnxModelInfo(bytes, c.name);
    const sidecar = JSON.parse(readFileSync(join(MODELS, `${c.name}.card.json`), "utf8"));
    assert.deepEqual(JSON.parse(info.metadata["ai4eo.card"]!), sidecar);
    assert.equal(info.irVersion > 0, true);
    assert.ok(info.opsets.some((o) => o.domain === "" && o.version === 13));
  }
  const m = await loadModel(join(MODELS, "olinda-patch-classifier.onnx"));
  const bundle = m[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>;
  const b = bundle.call(m);
  assert.match(b["text/markdown"]!, /olinda-patch-classifier/);
  assert.match(b["text/markdown"]!, /demonstration baseline trained on a tiny labelled subset of one scene/i);
  assert.match(b["text/html"]!, /#1f4e9c/);
  assert.match(b["text/plain"]!, /classification/);
  assert.equal(m.card.output.kind, "logits");
  await m.dispose();
});

test("a model without metadata card loads its sidecar card; without both it is a ModelCardError", async () => {
  // strip metadata_props with python3-onnx, keep the graph
  const stripped = join(tmp, "nocard.onnx");
  execFileSync(PY, ["-c", `import onnx,sys; m=onnx.load(sys.argv[1]); del m.metadata_props[:]; onnx.save(m, sys.argv[2])`,
    join(MODELS, "olinda-segmenter.onnx"), stripped]);
  await assert.rejects(loadModel(stripped), (e: unknown) => e instanceof ModelCardError && /has no card/.test(e.message) && /nocard\.card\.json/.test(e.message));
  copyFileSync(join(MODELS, "olinda-segmenter.card.json"), join(tmp, "nocard.card.json"));
  const m = await loadModel(stripped);
  assert.equal(m.card.name, "olinda-segmenter");
  await m.dispose();
});

test("MC dropout: samples differ from each other, deterministic passes are identical and equal torch eval", async () => {
  const m = await loadModel(join(MODELS, "olinda-patch-classifier.onnx"), { threads: 1 });
  const x = randomTensor([32, 6, 8, 8], 11);
  const a = await m.predict(x);
  const b = await m.predict(x, { mcDropout: false });
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  const s1 = await m.predict(x, { mcDropout: true });
  const s2 = await m.predict(x, { mcDropout: true });
  const d12 = maxAbsDiff(s1.data, s2.data);
  const d1a = maxAbsDiff(s1.data, a.data);
  assert.ok(d12 > 1e-3, `two MC samples differ (max diff ${d12})`);
  assert.ok(d1a > 1e-3, `an MC sample differs from the deterministic pass (max diff ${d1a})`);
  // the mean of many samples approaches the deterministic output (inverted dropout keeps the expectation)
  const mean = new Float64Array(a.data.length);
  const K = 200;
  for (let k = 0; k < K; k++) {
    const s = await m.predict(x, { mcDropout: true });
    for (let i = 0; i < mean.length; i++) mean[i]! += s.data[i]! / K;
  }
  let err = 0;
  let scale = 0;
  for (let i = 0; i < mean.length; i++) {
    err += Math.abs(mean[i]! - a.data[i]!);
    scale += Math.abs(a.data[i]!);
  }
  assert.ok(err / scale < 0.15, `relative |mean of MC samples - deterministic| = ${err / scale}`);
  assert.ok(maxAbsDiff(a.data, torchReference("olinda-patch-classifier", x)[0]!.data) < 1e-4);
  await m.dispose();
});

test("bad model files: not ONNX, missing, card disagreeing with the graph", async () => {
  const txt = join(tmp, "notes.onnx");
  writeFileSync(txt, "this is a text file, not a model\n");
  await assert.rejects(loadModel(txt), (e: unknown) => e instanceof ModelLoadError && /notes\.onnx is not an ONNX model/.test(e.message));
  await assert.rejects(loadModel(join(tmp, "missing.onnx")), (e: unknown) => e instanceof ModelLoadError && /does not exist/.test(e.message));
  const card = JSON.parse(readFileSync(join(MODELS, "olinda-patch-classifier.card.json"), "utf8"));
  const five = { ...card, bands: card.bands.slice(0, 5), bandNames: card.bandNames.slice(0, 5),
    normalization: { ...card.normalization, mean: card.normalization.mean.slice(0, 5), std: card.normalization.std.slice(0, 5) } };
  await assert.rejects(loadModel(join(MODELS, "olinda-patch-classifier.onnx"), { card: five }),
    (e: unknown) => e instanceof ModelCardError && /takes 6 channels but the card lists 5 bands/.test(e.message));
  await assert.rejects(loadModel(join(MODELS, "olinda-patch-classifier.onnx"), { card: { ...card, output: { ...card.output, name: "probs" } } }),
    (e: unknown) => e instanceof ModelCardError && e.field === "output.name" && /"logits"/.test(e.message));
  const three = { ...card, classes: card.classes.slice(0, 3) };
  await assert.rejects(loadModel(join(MODELS, "olinda-patch-classifier.onnx"), { card: three }),
    (e: unknown) => e instanceof ModelCardError && e.field === "classes" && /output "logits" \(shape \[[^\]]*\]\) has 4 class scores per sample, but the card lists 3 classes/.test(e.message));
  assert.throws(() => parseModelCard({ ...card, task: "detection" }, "x.json"), (e: unknown) => e instanceof ModelCardError && e.field === "task");
  assert.throws(() => parseModelCard({ ...card, normalization: { type: "meanstd", mean: [1], std: [1] } }, "x.json"),
    (e: unknown) => e instanceof ModelCardError && e.field === "normalization.mean" && /6 finite numbers/.test(e.message));
});

test("bad inputs: band count, patch size, NaN, MC dropout on a model without the switch", async () => {
  const m = await loadModel(join(MODELS, "olinda-patch-classifier.onnx"), { threads: 1 });
  await assert.rejects(m.predict(randomTensor([1, 5, 8, 8], 1)),
    (e: unknown) => e instanceof ModelInputError && /expects 6 bands \(B1, B2, B3, B4, B5, B7\), got 5/.test(e.message));
  await assert.rejects(m.predict(randomTensor([1, 6, 16, 16], 1)),
    (e: unknown) => e instanceof ModelInputError && /expects 8×8 patches, got 16×16/.test(e.message));
  const x = randomTensor([2, 6, 8, 8], 1);
  x.data[6 * 64 + 2 * 64 + 3 * 8 + 5] = NaN;
  await assert.rejects(m.predict(x),
    (e: unknown) => e instanceof ModelInputError && /NaN at sample 1, band B3 \(channel 2\), row 3, column 5/.test(e.message));
  await assert.rejects(m.predict({ data: new Float32Array(10), dims: [1, 6, 8, 8] }),
    (e: unknown) => e instanceof ModelInputError && /needs 384 values, the data have 10/.test(e.message));
  await m.dispose();
  const s = await loadModel(join(MODELS, "olinda-segmenter.onnx"), { threads: 1 });
  await assert.rejects(s.predict(randomTensor([1, 6, 8, 8], 1), { mcDropout: true }),
    (e: unknown) => e instanceof ModelInputError && /has no MC-dropout switch/.test(e.message));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(s.predict(randomTensor([1, 6, 8, 8], 1), { signal: ac.signal }), (e: unknown) => (e as Error).name === "AbortError");
  await s.dispose();
});
