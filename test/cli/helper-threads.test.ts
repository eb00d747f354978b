// deprioritizeHelperThreads lowers the priority of every thread but the main one (and ZeroMQ's), in
// a child process so this runner's threads keep theirs; threads started afterwards keep the normal
// priority; a worker thread and AI4EO_HELPER_NICE=0 change nothing. Linux only (per-thread nice values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ensureDist, root } from "./ensure-dist.js";

const module = fileURLToPath(new URL("../../kernel/src/cli/helper-threads.ts", import.meta.url));
const linux = process.platform === "linux";

/** Runs `body` (an async function body with `deprioritizeHelperThreads` and `niceByThread` in scope) in a fresh node. */
function child(body: string, env: Record<string, string> = {}): unknown {
  const code = `
    import { readdirSync, readFileSync } from "node:fs";
    const { deprioritizeHelperThreads } = await import(${JSON.stringify(module)});
    // tid -> [name, nice] (field 19 of /proc/self/task/TID/stat)
    const niceByThread = () => Object.fromEntries(readdirSync("/proc/self/task").map((t) => {
      const stat = readFileSync("/proc/self/task/" + t + "/stat", "utf8");
      return [t, [readFileSync("/proc/self/task/" + t + "/comm", "utf8").trim(), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])]];
    }));
    const out = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("helper threads get nice 19; the main thread keeps 0; threads started later keep 0", { skip: !linux && "Linux only" }, () => {
  const r = child(`
    await new Promise((resolve) => import("node:fs").then((fs) => fs.stat("/", resolve))); // starts libuv's pool
    const before = niceByThread();
    const changed = deprioritizeHelperThreads();
    const after = niceByThread();
    const { Worker } = await import("node:worker_threads");
    const w = new Worker("setTimeout(() => {}, 200)", { eval: true });
    await new Promise((r) => w.once("online", r));
    const withWorker = niceByThread();
    await w.terminate();
    return { pid: process.pid, before, changed, after, withWorker };
  `) as { pid: number; before: Record<string, [string, number]>; changed: number; after: Record<string, [string, number]>; withWorker: Record<string, [string, number]> };
  const main = String(r.pid);
  assert.ok(Object.values(r.before).every(([, n]) => n === 0), "all threads start at nice 0");
  const helpers = Object.keys(r.after).filter((t) => t !== main);
  assert.ok(helpers.length >= 4, `V8's and libuv's helper threads exist (${helpers.length})`);
  assert.equal(r.changed, helpers.length);
  assert.equal(r.after[main]![1], 0, "the main thread keeps its priority");
  for (const t of helpers) assert.equal(r.after[t]![1], 19, `thread ${t} (${r.after[t]![0]})`);
  const started = Object.keys(r.withWorker).filter((t) => !(t in r.after));
  assert.ok(started.length >= 1, "the worker thread shows up");
  for (const t of started) assert.equal(r.withWorker[t]![1], 0, `a thread started later (${t}) keeps nice 0`);
});

test("AI4EO_HELPER_NICE sets the value; 0 turns it off; a worker thread changes nothing", { skip: !linux && "Linux only" }, () => {
  ensureDist(); // a worker thread has no TypeScript loader: it imports the compiled module
  const compiled = join(root, "dist", "kernel", "src", "cli", "helper-threads.js");
  const ten = child(`deprioritizeHelperThreads(); return Object.entries(niceByThread()).filter(([t]) => t !== String(process.pid)).map(([, v]) => v[1]);`, { AI4EO_HELPER_NICE: "10" }) as number[];
  assert.ok(ten.length > 0 && ten.every((n) => n === 10), JSON.stringify(ten));
  const off = child(`return [deprioritizeHelperThreads(), Object.values(niceByThread()).map((v) => v[1])];`, { AI4EO_HELPER_NICE: "0" }) as [number, number[]];
  assert.equal(off[0], 0);
  assert.ok(off[1].every((n) => n === 0));
  const bad = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `const m = await import(${JSON.stringify(module)}); process.stdout.write(String(m.deprioritizeHelperThreads()));`], { encoding: "utf8", env: { ...process.env, AI4EO_HELPER_NICE: "low" } });
  assert.equal(bad.stdout, "0", "a value that is not a whole number changes nothing");
  assert.match(bad.stderr, /AI4EO_HELPER_NICE="low" is not a whole number/);
  const fromWorker = child(`
    const { Worker } = await import("node:worker_threads");
    const w = new Worker(${JSON.stringify(`import(${JSON.stringify(compiled)}).then(async (m) => (await import("node:worker_threads")).parentPort.postMessage(m.deprioritizeHelperThreads()))`)}, { eval: true });
    const n = await new Promise((r) => w.once("message", r));
    await w.terminate();
    return [n, Object.values(niceByThread()).map((v) => v[1])];
  `) as [number, number[]];
  assert.equal(fromWorker[0], 0, "called in a worker thread: nothing changed");
  assert.ok(fromWorker[1].every((x) => x === 0));
});
