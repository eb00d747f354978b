// The README stays true: its two commands are the package scripts CI runs, the main job produces the
// report it describes, the API-tour and plain-Node examples run (and type-check) as written, and the
// images and notebooks it names exist.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "./cli/ensure-dist.js";

const readme = readFileSync(join(root, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
let work: string;
const scratch = join(root, ".tmp");

before(() => {
  ensureDist();
  work = mkdtempSync(join(tmpdir(), "ai4eo-readme-"));
  mkdirSync(scratch, { recursive: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The fenced blocks of one language inside a `## Section` of the README. */
function blocks(section: string, lang: string): string[] {
  const start = readme.indexOf(`\n## ${section}\n`);
  assert.ok(start >= 0, `README has no "## ${section}" section`);
  const end = readme.indexOf("\n## ", start + 4);
  const body = readme.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

test("the two commands are the package scripts, and CI runs the test command", () => {
  const [cmds] = blocks("The two commands", "sh");
  assert.ok(cmds, "no command block");
  const lines = cmds.trim().split("\n").map((l) => l.replace(/#.*/, "").trim());
  assert.deepEqual(lines, ["npm start", "npm test"]);
  assert.match(pkg.scripts["start"]!, /bash scripts\/setup\.sh && npm run build && bash scripts\/main-job\.sh/);
  assert.match(pkg.scripts["test"]!, /bash scripts\/setup\.sh && npm run build && node scripts\/run-tests\.mjs/);
  const ci = readFileSync(join(root, ".ci", "run"), "utf8");
  assert.match(ci, /^npm test$/m);
  assert.match(ci, /apt-get install .*scripts\/debian-packages\.txt/);
});

test("images, notebooks and scripts the README names exist", () => {
  for (const m of readme.matchAll(/src="([^"]+\.png)"/g)) assert.ok(existsSync(join(root, m[1]!)), `missing image ${m[1]}`);
  for (const m of readme.matchAll(/\| `(\d\d-[a-z-]+)` \|/g)) assert.ok(existsSync(join(root, "notebooks", `${m[1]}.ipynb`)), `missing notebook ${m[1]}`);
  for (const f of ["scripts/setup.sh", "scripts/main-job.sh", "scripts/debian-packages.txt", "data/README.md"]) assert.ok(existsSync(join(root, f)), f);
});

function runScript(name: string, code: string): { status: number | null; stdout: string; stderr: string } {
  // Inside the package folder "ai4eo" resolves to this package (self-reference); run in a temp cwd.
  const file = join(scratch, `${name}-${process.pid}.mts`);
  writeFileSync(file, code);
  try {
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict", "--skipLibCheck",
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", file], { cwd: root, encoding: "utf8" });
    assert.equal(tsc.status, 0, `the ${name} example does not type-check:\n${tsc.stdout}${tsc.stderr}`);
    return spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), file], { cwd: work, encoding: "utf8", timeout: 300_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

test("the plain-Node example runs as written", () => {
  const [code] = blocks("Plain Node", "ts");
  assert.ok(code);
  const r = runScript("readme-plain-node", code);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /data data\/olinda\/L7_ETMs\.tif\s+sha256:[0-9a-f]{64}/);
  assert.ok(statSync(join(work, "ndvi.tif")).size > 10_000);
});

test("the API tour runs as one script, as written", () => {
  const code = blocks("API tour", "ts").join("\n");
  assert.ok(code.includes("openRaster"));
  const r = runScript("readme-api-tour", code);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /OA 0\.\d{3}, kappa 0\.\d{3}/);
  assert.match(r.stdout, /ECE 0\.\d{3}/);
  assert.match(r.stdout, /mean set size \d\.\d\d/);
  assert.match(r.stdout, /model data\/models\/olinda-segmenter\.onnx [0-9a-f]{12}/);
});

test("the main job runs the demo notebook, exports it and prints the report's path", () => {
  const r = spawnSync("bash", [join(root, "scripts", "main-job.sh")], { cwd: root, encoding: "utf8", timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const m = /Interactive report: (\S+\.html)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const html = readFileSync(m[1]!, "utf8");
  assert.ok(html.length > 1_000_000, "the page embeds the widget runtime and state");
  assert.match(html, /class="ai4eo-provenance"/);
  assert.match(html, /application\/vnd\.jupyter\.widget-state\+json/);
  const nb = JSON.parse(readFileSync(m[1]!.replace(/\.html$/, ".ipynb"), "utf8"));
  assert.ok(nb.metadata.ai4eo.provenance.files.some((f: { path: string }) => f.path === "data/olinda/L7_ETMs.tif"));
});
