// Black-box: what a running cell publishes, with a kernel of its own.
// - An error thrown by a timer or promise a cell started is reported on that cell, saying whether the
//   cell was still running or had finished (it said "after its cell finished" for both).
// - Output published while a cell runs synchronous code reaches the front end at once, whatever how
//   many messages the kernel sent before. zeromq.js defers every 512th send on a socket to the next
//   event-loop turn, which a busy cell does not give: the deferred message, and everything published
//   after it, waited for the cell to end (a notebook showed nothing, and a test waiting for a loop's
//   first line before interrupting it hung).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist } from "./ensure-dist.js";
import { KernelClient } from "../../kernel/src/cli/kernel-client.js";
import type { JupyterMessage } from "../../kernel/src/jupyter/wire.js";

let dir: string;
let client: KernelClient;

before(async () => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), "ai4eo-cell-output-"));
  client = await KernelClient.start({ cwd: dir, env: { AI4EO_HISTORY_FILE: join(dir, "history.jsonl") }, stderr: "pipe" });
});

after(async () => {
  await client?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const content = (m: JupyterMessage) => m.content as { evalue: string; traceback: string[] };

test("an error from a cell's callback says whether its cell was still running or had finished", async () => {
  const errors: JupyterMessage[] = [];
  const off = client.onIopub((m) => m.header.msg_type === "error" && errors.push(m));
  try {
    // thrown while its own cell still awaits
    const during = await client.execute("setTimeout(() => { throw new Error('thrown meanwhile'); }, 5);\nawait new Promise((r) => setTimeout(r, 150));\n'done'");
    assert.equal((during.reply.content as { status: string }).status, "ok", "the cell itself completes");
    const meanwhile = errors.find((e) => content(e).evalue === "thrown meanwhile");
    assert.ok(meanwhile, JSON.stringify(errors.map((e) => content(e).evalue)));
    assert.equal(meanwhile.parent_header.msg_id, during.reply.parent_header.msg_id);
    assert.match(content(meanwhile).traceback[0]!, /^Uncaught exception \(in a callback, while its cell was running\):/);
    // rejected after its cell ended, while another cell runs
    const early = await client.execute("setTimeout(() => Promise.reject(new Error('rejected after')), 30);\n1");
    await client.execute("await new Promise((r) => setTimeout(r, 150));");
    const rejected = errors.find((e) => content(e).evalue === "rejected after");
    assert.ok(rejected, JSON.stringify(errors.map((e) => content(e).evalue)));
    assert.equal(rejected.parent_header.msg_id, early.reply.parent_header.msg_id);
    assert.match(content(rejected).traceback[0]!, /^Unhandled promise rejection \(after its cell finished\):/);
  } finally {
    off();
  }
});

test("600 displays from a cell that then computes for 1.5 s arrive while it computes", async () => {
  const seen = new Map<string, number>();
  const off = client.onIopub((m) => {
    if (m.header.msg_type !== "display_data") return;
    const text = (m.content as { data: Record<string, string> }).data["text/plain"];
    if (text !== undefined) seen.set(text, performance.now());
  });
  try {
    // 600 messages in one synchronous run pass zeromq.js's 512 synchronous sends
    const r = await client.execute("for (let i = 0; i < 600; i++) display.mime({ 'text/plain': `line ${i}` });\nconst t0 = Date.now();\nwhile (Date.now() - t0 < 1500) {}");
    const replied = performance.now();
    assert.equal((r.reply.content as { status: string }).status, "ok");
    const last = seen.get("line 599");
    assert.ok(last !== undefined, `the last display arrived (saw ${seen.size})`);
    assert.equal(seen.size, 600);
    // it came while the loop ran, not with the reply
    assert.ok(replied - last > 1000, `the last display arrived ${(replied - last).toFixed(0)} ms before the reply (expected > 1000)`);
  } finally {
    off();
  }
});
