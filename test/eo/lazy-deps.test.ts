// `import "ai4eo"` loads none of the heavy third-party modules: arquero, proj4, onnxruntime-node
// and fast-png load when first used (a notebook's first import waited ~0.4–0.7 s for them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { arquero, onnxruntime, pngEncoder, proj4 } from "../../kernel/src/eo/lazy-deps.js";

const HEAVY = /\/node_modules\/(arquero|onnxruntime-node|onnxruntime-common|fast-png|proj4)\//;

test("importing the package loads none of arquero, proj4, onnxruntime-node, fast-png; tables, transforms and models still work", () => {
  // a loader hook reports every module loaded after it is registered
  const hook = `data:text/javascript,${encodeURIComponent(`export async function load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); }`)}`;
  const lib = pathToFileURL(join(process.cwd(), "kernel/src/index.ts")).href;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e",
    `import { register } from "node:module"; register(${JSON.stringify(hook)});
const lib = await import(${JSON.stringify(lib)});
process.stderr.write("IMPORTED\\n");
const cm = lib.confusionMatrix([0, 1, 1], [0, 1, 0]);
const model = await lib.loadModel("data/models/olinda-segmenter.onnx", { threads: 1 });
const out = await model.predict({ data: new Float32Array(6 * 16 * 16), dims: [1, 6, 16, 16] });
console.log(cm.toTable().numRows(), out.dims.join("x"));
await model.dispose();`], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const [before] = r.stderr.split("IMPORTED");
  assert.ok(before!.includes("/kernel/src/eo/index.ts"), "the hook sees the package's modules");
  assert.deepEqual(before!.split("\n").filter((l) => HEAVY.test(l)), [], "no heavy module is loaded by the import");
  assert.equal(r.stdout.trim(), "2 1x4x16x16");
});

test("the accessors return the modules (loaded once)", () => {
  assert.equal(typeof arquero().table, "function");
  assert.equal(arquero(), arquero());
  assert.equal(typeof onnxruntime().InferenceSession.create, "function");
  assert.equal(Math.round(proj4()("EPSG:4326", "EPSG:3857", [10, 0])[0]!), 1113195); // 10° east on the equator in Web Mercator
  assert.equal(pngEncoder()({ width: 1, height: 1, data: new Uint8Array(3), channels: 3, depth: 8 })[1], 0x50); // "P" of the PNG signature
});
