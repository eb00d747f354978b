// A kernel's threads once its engine has loaded: the main thread (cells) and ZeroMQ's keep nice 0,
// V8's and libuv's helper threads run at nice 19 (see kernel/src/cli/helper-threads.ts). A kernel of
// its own, so no other test's cells share it. Linux only (per-thread nice values in /proc).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist } from "./ensure-dist.js";
import { KernelClient } from "../../kernel/src/cli/kernel-client.js";

const linux = process.platform === "linux";
const dir = mkdtempSync(join(tmpdir(), "ai4eo-kernel-threads-"));
let client: KernelClient | undefined;
after(async () => {
  await client?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function threads(pid: number): { tid: number; name: string; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((t) => {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
    return { tid: Number(t), name: readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim(), nice: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]) };
  });
}

test("the thread that runs cells keeps its priority; V8's and libuv's helper threads yield to it", { skip: !linux && "per-thread nice values are Linux's" }, async () => {
  ensureDist();
  client = await KernelClient.start({ cwd: dir, env: { AI4EO_HISTORY_FILE: join(dir, "history.jsonl") }, stderr: "pipe" });
  const pid = client.process.pid!;
  const r = await client.execute("1 + 1"); // the engine is loaded
  assert.equal((r.reply.content as { status: string }).status, "ok");
  const all = threads(pid);
  assert.equal(all.find((t) => t.tid === pid)?.nice, 0, "the main thread");
  for (const t of all.filter((x) => x.name.startsWith("ZMQ"))) assert.equal(t.nice, 0, `ZeroMQ's ${t.name}`);
  assert.ok(all.filter((t) => t.nice === 19).length >= 4, JSON.stringify(all));
  // a worker thread a cell starts has the normal priority
  const w = await client.execute(`import { Worker } from "node:worker_threads";
const w = new Worker("setTimeout(() => {}, 1000)", { eval: true });
await new Promise((r) => w.once("online", r));
(globalThis as any).w = w;
w.threadId`);
  assert.equal((w.reply.content as { status: string }).status, "ok", JSON.stringify(w.reply.content));
  const later = threads(pid).filter((t) => !all.some((a) => a.tid === t.tid));
  assert.ok(later.length >= 1, "the cell's worker thread shows up");
  for (const t of later) assert.equal(t.nice, 0, `a thread started by a cell (${t.name} ${t.tid})`);
  await client.execute("await (globalThis as any).w.terminate()");
});
