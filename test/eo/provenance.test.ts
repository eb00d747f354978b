// provenance(): files opened by openRaster and models loaded by loadModel with their SHA-256
// (checked against coreutils' sha256sum), seeds recorded by the seeded generators, versions read
// from the installed packages, change detection, and the display bundle.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { provenance, recordInput, recordSeed, resetProvenance, toolVersions, PROVENANCE_MIME, type ProvenanceJSON } from "../../kernel/src/eo/provenance.js";
import { openRaster } from "../../kernel/src/eo/raster/open.js";
import { loadModel } from "../../kernel/src/eo/model/load-model.js";
import { assignSplits } from "../../kernel/src/eo/datasets/splits.js";
import { seededRandom } from "../../kernel/src/eo/uncertainty/random.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const sha256sum = (file: string): string => execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0]!;
const pkgVersion = (dir: string): string => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;

beforeEach(() => resetProvenance());

test("openRaster and loadModel record their files; hashes equal sha256sum", async () => {
  const scene = join(ROOT, "data", "olinda", "L7_ETMs.tif");
  const onnx = join(ROOT, "data", "models", "olinda-segmenter.onnx");
  const src = await openRaster(scene);
  await src.close();
  await openRaster(scene).then((s) => s.close());
  await loadModel(onnx, { threads: 1 });
  const p = provenance();
  assert.deepEqual(p.files.map((f) => [f.kind, f.path, f.count]), [
    ["data", "data/olinda/L7_ETMs.tif", 2],
    ["model", "data/models/olinda-segmenter.onnx", 1],
  ]);
  assert.equal(p.files[0]!.sha256, sha256sum(scene));
  assert.equal(p.files[1]!.sha256, sha256sum(onnx));
  assert.equal(p.files[0]!.bytes, readFileSync(scene).byteLength);
  assert.equal(p.files[0]!.warning, undefined);
});

test("a file that changes after it was opened is flagged and re-hashed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-prov-"));
  try {
    const f = join(dir, "dem.tif");
    copyFileSync(join(ROOT, "data", "olinda", "olinda_dem_utm25s.tif"), f);
    await openRaster(f).then((s) => s.close());
    const before = provenance().files[0]!;
    assert.equal(before.sha256, sha256sum(f));
    appendFileSync(f, Buffer.from("tampered"));
    const after = provenance().files[0]!;
    assert.match(after.warning ?? "", /changed after it was opened/);
    assert.equal(after.sha256, sha256sum(f));
    assert.notEqual(after.sha256, before.sha256);
    rmSync(f);
    assert.match(provenance().files[0]!.warning ?? "", /no longer exists/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("byte sources are hashed at once; URLs are recorded without a hash", async () => {
  const bytes = readFileSync(join(ROOT, "data", "olinda", "olinda_dem_utm25s.tif"));
  await openRaster(new Uint8Array(bytes)).then((s) => s.close());
  recordInput("data", "https://example.org/scene.tif");
  const p = provenance();
  const mem = p.files.find((f) => f.path.includes("bytes in memory"))!;
  assert.equal(mem.sha256, sha256sum(join(ROOT, "data", "olinda", "olinda_dem_utm25s.tif")));
  assert.equal(mem.bytes, bytes.byteLength);
  const url = p.files.find((f) => f.path === "https://example.org/scene.tif")!;
  assert.equal(url.sha256, null);
  assert.match(p.toString(), /remote, not hashed/);
});

test("seeded generators record their seeds and who asked for them", () => {
  assignSplits([0, 1, 0, 1, 0, 1], null, { seed: 11 });
  assignSplits([0, 1, 0, 1, 0, 1], null, { seed: 11 });
  seededRandom(5);
  recordSeed(99, "my augmentation");
  const seeds = provenance().seeds;
  assert.deepEqual(seeds.find((s) => s.seed === 11), { seed: 11, by: "assignSplits", count: 2 });
  assert.ok(seeds.some((s) => s.seed === 5), JSON.stringify(seeds));
  assert.deepEqual(seeds.find((s) => s.seed === 99), { seed: 99, by: "my augmentation", count: 1 });
});

test("seeded MC-dropout passes record their seed with the model's name", async () => {
  const model = await loadModel(join(ROOT, "data", "models", "olinda-patch-classifier.onnx"), { threads: 1 });
  const [h, w] = model.card.input.patchSize!;
  const c = model.card.bands.length;
  const input = { data: new Float32Array(c * h * w), dims: [1, c, h, w] };
  await model.predict(input, { mcDropout: true, seed: 42 });
  await model.predict(input, { mcDropout: true }); // continues the stream: no new seed
  const seeds = provenance().seeds;
  assert.deepEqual(seeds.find((s) => s.seed === 42), { seed: 42, by: `MC dropout (${model.card.name})`, count: 1 });
  await model.dispose();
});

test("versions are read from the installed packages, not hard-coded", () => {
  const v = toolVersions();
  assert.equal(v["ai4eo"], pkgVersion(ROOT));
  assert.equal(v["node"], process.version);
  assert.equal(v["onnxruntime-node"], pkgVersion(join(ROOT, "node_modules", "onnxruntime-node")));
  assert.equal(v["geotiff"], pkgVersion(join(ROOT, "node_modules", "geotiff")));
  assert.equal(v["tslab"], pkgVersion(join(ROOT, "node_modules", "tslab")));
  // the TypeScript that checks notebook cells is tslab's
  const tsForTslab = execFileSync(process.execPath, ["-e", "const r=require('module').createRequire(require.resolve('tslab/package.json'));console.log(require(r.resolve('@tslab/typescript-for-tslab/package.json')).version)"], { cwd: ROOT, encoding: "utf8" }).trim();
  assert.equal(v["typescript"], tsForTslab);
});

test("displays as an HTML table, text and JSON; JSON round-trips; reset forgets files and seeds", async () => {
  await openRaster(join(ROOT, "data", "olinda", "L7_ETMs.tif")).then((s) => s.close());
  recordSeed(3, "test");
  const p = provenance();
  const bundle = (p as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!();
  const html = bundle["text/html"] as string;
  assert.match(html, /<table/);
  assert.ok(html.includes(p.files[0]!.sha256!));
  assert.ok(html.includes("data/olinda/L7_ETMs.tif"));
  assert.match(bundle["text/plain"] as string, /sha256:[0-9a-f]{64}/);
  const json = bundle[PROVENANCE_MIME] as ProvenanceJSON;
  assert.deepEqual(JSON.parse(JSON.stringify(p)), json);
  assert.equal(json.versions["node"], process.version);
  assert.deepEqual(json.seeds, [{ seed: 3, by: "test", count: 1 }]);
  resetProvenance();
  const empty = provenance();
  assert.deepEqual([empty.files, empty.seeds], [[], []]);
  assert.match(empty.toHTML(), /no data file opened/);
});
