#!/usr/bin/env node
// Kernel benchmark: ai4eo vs tslab 1.0.22, side by side in the same run, over real ZeroMQ.
// Measures spawn → first kernel_info_reply, a `1+1` cell, a 50-line typed function cell (type
// checking on in both), and the kernel process's peak RSS (VmHWM). Prints medians and ratios of wall
// time per cell, and the kernel process's CPU time per cell (utime+stime from /proc over each series
// of cells, divided by the count: less sensitive than wall time to other load on a shared machine).
// Both series are measured twice on each measured kernel: the first cells after start (--cells N
// `1+1` cells and N/3 typed ones), then as many again after --steady N more `1+1` cells and N/3 typed ones have
// run (a long notebook session: tslab's compiler keeps speeding up over its first ~100 cells, so its
// early cells flatter the ratio). CPU per cell is over the early series.
// In each measured round both kernels are alive together and the cells alternate between them (ABBA),
// so a slow or fast phase of this shared machine falls on both sides alike: run one after the other,
// the same build's `1+1` ratio swung from 0.45 to 0.77 between three runs of the same hour. Each row
// gives the ratio of the medians and the median of the per-pair ratios.
// Usage: node bench/kernel.mjs [--starts N] [--cells N] [--steady N] [--idle MS]   (needs `npm run build` first)
// ai4eo loads TypeScript with the V8 code cache of earlier kernels (~/.cache/ai4eo/v8): the first
// kernel ever started writes it; set AI4EO_CODE_CACHE_DIR=off to measure without.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = fileURLToPath(new URL("..", import.meta.url));
const { KernelClient } = await import(join(root, "dist", "kernel", "src", "cli", "kernel-client.js"));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const STARTS = arg("--starts", 5);
// 30 by default: the medians come from two measured kernels per side, and with 15 cells each the
// steady `1+1` ratio of one build swung between 0.49 and 0.58 from run to run
const CELLS = arg("--cells", 30);
// cells of each kind run, unmeasured, between the early and the steady series
const STEADY = arg("--steady", 45);
// --idle MS: wait after the first kernel_info_reply before the first cell, as a person opening a
// notebook does (ai4eo warms its compiler up while idle); 0 = cells at once, as a headless run sends them
const IDLE = arg("--idle", 0);

const { kernelArgv } = await import(join(root, "dist", "kernel", "src", "cli", "install.js"));
// each kernel as Jupyter starts it: ai4eo with the argv of its kernel.json
const kernels = {
  ai4eo: kernelArgv(),
  tslab: [process.execPath, createRequire(import.meta.url).resolve("tslab/bin/tslab"), "kernel", "--config-path", "{connection_file}"],
};

function typedCell(i) {
  const lines = [
    `interface Pixel${i} { red: number; nir: number; swir: number; valid: boolean }`,
    `function stats${i}(pixels: Pixel${i}[]): { ndvi: number; ndmi: number; count: number } {`,
  ];
  for (let k = 0; k < 46; k++) lines.push(`  const v${k}: number = pixels.length > ${k} ? pixels[${k}].nir - pixels[${k}].red : ${k};`);
  lines.push(`  return { ndvi: v0 / (v1 + 1), ndmi: v2 / (v3 + 1), count: pixels.filter((p) => p.valid).length };`, "}");
  return lines.join("\n");
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function timeCell(client, code) {
  const t = performance.now();
  const r = await client.execute(code);
  const ms = performance.now() - t;
  const status = r.reply.content.status;
  const err = r.outputs.find((o) => o.header.msg_type === "error" || (o.header.msg_type === "stream" && o.content.name === "stderr"));
  if (status !== "ok" || err) throw new Error(`cell failed: ${JSON.stringify(r.reply.content)} ${JSON.stringify(err?.content)}`);
  return ms;
}

function cpuMs(pid) {
  // fields 14 and 15 of /proc/pid/stat (after the parenthesised command name): utime, stime in clock ticks (100 Hz)
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

const series = () => ({ start: [], first: [], one: [], typed: [], oneSteady: [], typedSteady: [], rss: [], oneCpu: [], typedCpu: [] });
const results = { ai4eo: series(), tslab: series() };
// per-pair ratios (ai4eo / tslab) of cells run back to back on the two live kernels
const pairs = { one: [], typed: [], oneSteady: [], typedSteady: [] };
const dir = mkdtempSync(join(tmpdir(), "ai4eo-bench-"));

/**
 * Runs `count` cells made by `code(c)` on both kernels, alternating (ABBA: ai4eo first in even
 * pairs, tslab first in odd ones), so a slow or fast phase of the shared machine falls on both
 * sides alike. Pushes each side's times into `key` and each pair's ratio into `pairs[key]`.
 */
async function alternate(clients, key, count, code) {
  for (let c = 0; c < count; c++) {
    const order = c % 2 ? ["tslab", "ai4eo"] : ["ai4eo", "tslab"];
    const ms = {};
    for (const name of order) ms[name] = await timeCell(clients[name], code(c));
    if (key) {
      results.ai4eo[key].push(ms.ai4eo);
      results.tslab[key].push(ms.tslab);
      pairs[key].push(ms.ai4eo / ms.tslab);
    }
  }
}

/** Each kernel's CPU time (ms) per cell over `run`. */
async function cpuPerCell(clients, key, count, run) {
  const before = { ai4eo: cpuMs(clients.ai4eo.process.pid), tslab: cpuMs(clients.tslab.process.pid) };
  await run();
  for (const name of ["ai4eo", "tslab"]) results[name][key].push((cpuMs(clients[name].process.pid) - before[name]) / count);
}

try {
  for (let s = 0; s < STARTS; s++) {
    const measured = s === 0 || s === STARTS - 1;
    const clients = {};
    try {
      for (const name of s % 2 ? ["tslab", "ai4eo"] : ["ai4eo", "tslab"]) {
        const client = await KernelClient.start({ argv: kernels[name], cwd: dir, stderr: "ignore", env: { AI4EO_HISTORY_FILE: join(dir, "history.jsonl") } });
        results[name].start.push(client.firstReplyMs);
        if (!measured) {
          // (a kernel left running would start loading TypeScript while the other one starts)
          await client.shutdown();
          continue;
        }
        clients[name] = client;
        if (IDLE > 0) await new Promise((r) => setTimeout(r, IDLE));
        // at once after its start, before the other kernel starts: this loads the compiler (unless done while idle)
        results[name].first.push(await timeCell(client, "0"));
      }
      if (!measured) continue;
      const typedCells = Math.ceil(CELLS / 3);
      await cpuPerCell(clients, "oneCpu", CELLS, () => alternate(clients, "one", CELLS, () => "1+1"));
      await cpuPerCell(clients, "typedCpu", typedCells, () => alternate(clients, "typed", typedCells, (c) => typedCell(`${s}_${c}`)));
      if (STEADY > 0) {
        for (let c = 0; c < STEADY; c++) {
          await alternate(clients, null, 1, () => "1+1");
          if (c % 3 === 0) await alternate(clients, null, 1, () => typedCell(`${s}_run_${c}`));
        }
        await alternate(clients, "oneSteady", CELLS, () => "1+1");
        await alternate(clients, "typedSteady", typedCells, (c) => typedCell(`${s}_steady_${c}`));
      }
      for (const name of ["ai4eo", "tslab"]) results[name].rss.push(peakRssMiB(clients[name].process.pid));
    } finally {
      for (const client of Object.values(clients)) await client.shutdown();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = [
  ["spawn → first kernel_info_reply (ms)", "start", 0.3 * 1000],
  [`first cell \`0\`${IDLE ? ` after ${IDLE} ms idle` : ""} (ms)`, "first"],
  ["`1+1` cell (ms)", "one"],
  ["50-line typed function cell (ms)", "typed"],
  ...(STEADY > 0 ? [[`\`1+1\` cell, steady (ms)`, "oneSteady"], [`typed cell, steady (ms)`, "typedSteady"]] : []),
  ["`1+1` kernel CPU per cell (ms)", "oneCpu"],
  ["typed cell kernel CPU per cell (ms)", "typedCpu"],
  ["peak RSS (MiB)", "rss"],
];
console.log(`ai4eo kernel benchmark (${STARTS} starts, ${CELLS} '1+1' cells and ${Math.ceil(CELLS / 3)} typed cells per measured kernel, ${IDLE ? `first cell ${IDLE} ms after start` : "cells at once after start"}${STEADY > 0 ? `; steady: the same after ${STEADY} more '1+1' and ${Math.ceil(STEADY / 3)} typed cells` : ""}; Node ${process.version})`);
console.log(`${"measure".padEnd(40)}${"ai4eo".padStart(10)}${"tslab".padStart(10)}${"ratio".padStart(9)}${"pairs".padStart(9)}`);
for (const [label, key] of rows) {
  const a = median(results.ai4eo[key]);
  const t = median(results.tslab[key]);
  const p = pairs[key] ? median(pairs[key]).toFixed(2) : "";
  console.log(`${label.padEnd(40)}${a.toFixed(1).padStart(10)}${t.toFixed(1).padStart(10)}${(a / t).toFixed(2).padStart(9)}${p.padStart(9)}`);
}
console.log("ratio: of the medians; pairs: median of the per-pair ratios (the two kernels alive together, cells alternating ABBA)");
