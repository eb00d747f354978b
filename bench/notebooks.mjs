#!/usr/bin/env node
// Notebook benchmark: each tutorial executed by `ai4eo run` and by Debian's nbclient (the reference
// Jupyter runner, /usr/bin/python3) with the same kernel, one after the other (never side by side),
// then exported with `ai4eo export --html`. Prints per notebook the median wall times, their ratio,
// the export time and the page size.
// Usage: node bench/notebooks.mjs [--repeat N] [name-substring ...]   (needs `npm run build` first)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
let repeat = 1;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--repeat") repeat = Number(args[++i]);
  else filters.push(args[i]);
}
if (!(repeat >= 1)) throw new Error("--repeat needs a positive number");
const bin = join(root, "bin", "ai4eo.js");
const dir = mkdtempSync(join(tmpdir(), "ai4eo-bench-nb-"));
const env = { ...process.env, JUPYTER_PATH: join(dir, "share", "jupyter"), AI4EO_HISTORY_FILE: join(dir, "history.jsonl") };
const install = spawnSync(process.execPath, [bin, "install", "--prefix", dir], { encoding: "utf8" });
if (install.status !== 0) throw new Error(`ai4eo install failed: ${install.stderr}`);

const NBCLIENT = [
  "import sys, nbformat, nbclient",
  "nb = nbformat.read(sys.argv[1], as_version=4)",
  "nbclient.NotebookClient(nb, kernel_name='ai4eo', timeout=600, resources={'metadata': {'path': sys.argv[3]}}).execute()",
  "nbformat.write(nb, sys.argv[2])",
].join("\n");

function timed(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed:\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const nbDir = join(root, "notebooks");
const names = readdirSync(nbDir).filter((f) => f.endsWith(".ipynb") && (filters.length === 0 || filters.some((s) => f.includes(s)))).sort();
console.log(`ai4eo run vs nbclient (same kernel), ${repeat} run(s) each, medians; then ai4eo export --html\n`);
console.log(`${"notebook".padEnd(28)} ${"ai4eo run".padStart(10)} ${"nbclient".padStart(10)} ${"ratio".padStart(6)} ${"export".padStart(8)} ${"page".padStart(9)}`);
const totals = { run: 0, nbclient: 0 };
try {
  for (const name of names) {
    const input = join(nbDir, name);
    const out = join(dir, name);
    const runs = [], refs = [];
    for (let k = 0; k < repeat; k++) {
      runs.push(timed(process.execPath, [bin, "run", input, "-o", out]));
      refs.push(timed("/usr/bin/python3", ["-c", NBCLIENT, input, join(dir, `ref-${name}`), nbDir]));
    }
    const html = out.replace(/\.ipynb$/, ".html");
    const exp = timed(process.execPath, [bin, "export", out, "--html", html]);
    const a = median(runs), b = median(refs);
    totals.run += a;
    totals.nbclient += b;
    console.log(`${name.padEnd(28)} ${a.toFixed(1).padStart(8)} s ${b.toFixed(1).padStart(8)} s ${(a / b).toFixed(2).padStart(6)} ${exp.toFixed(1).padStart(6)} s ${(statSync(html).size / 2 ** 20).toFixed(2).padStart(5)} MiB`);
  }
  console.log(`${"total".padEnd(28)} ${totals.run.toFixed(1).padStart(8)} s ${totals.nbclient.toFixed(1).padStart(8)} s ${(totals.run / totals.nbclient).toFixed(2).padStart(6)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
