// Widgets benchmark (issue 4), static export: size and time of `ai4eo export` for the tutorial
// notebooks as committed (with their saved outputs and widget state), against the 20 MiB budget;
// the page runtime (plotly.js cartesian + html-manager + controls + our views) is counted apart.
// Run: node --import tsx bench/widgets-export.mts [repeats=5]   (needs dist/widgets: npm run build)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exportNotebookHtml, parseNotebookJson, DEFAULT_MAX_BYTES } from "../kernel/src/cli/export.js";
import { ROOT } from "../test/browser/harness.js";

const repeats = Number(process.argv[2] ?? 5);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const mib = (n: number) => (n / 2 ** 20).toFixed(2);
const dir = join(ROOT, "notebooks");
console.log(`budget ${mib(DEFAULT_MAX_BYTES)} MiB per page`);
console.log("notebook                          page MiB  runtime MiB  state MiB  widgets  missing  export ms (median of " + repeats + ")");
for (const f of readdirSync(dir).filter((n) => n.endsWith(".ipynb")).sort()) {
  const nb = parseNotebookJson(readFileSync(join(dir, f), "utf8"), f);
  const times: number[] = [];
  let r = exportNotebookHtml(nb);
  for (let k = 0; k < repeats; k++) {
    const t = performance.now();
    r = exportNotebookHtml(nb);
    times.push(performance.now() - t);
  }
  console.log(`${f.padEnd(34)}${mib(r.bytes).padStart(8)}  ${mib(r.runtimeBytes).padStart(11)}  ${mib(r.stateBytes).padStart(9)}  ${String(r.widgets).padStart(7)}  ${String(r.missingWidgets.length).padStart(7)}  ${median(times).toFixed(1).padStart(9)}${r.overBudget ? "  OVER BUDGET" : ""}`);
}
