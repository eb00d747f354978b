// Black-box: output published while a cell runs synchronous code reaches the front end at once,
// whatever how many messages the kernel sent before. zeromq.js defers every 512th send on a socket to
// the next event-loop turn, which a busy cell does not give: the deferred message, and everything
// published after it, waited for the cell to end (a notebook showed nothing, and a test waiting for a
// loop's first line before interrupting it hung).
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
  dir = mkdtempSync(join(tmpdir(), "ai4eo-busy-output-"));
  client = await KernelClient.start({ cwd: dir, env: { AI4EO_HISTORY_FILE: join(dir, "history.jsonl") }, stderr: "pipe" });
});

after(async () => {
  await client?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test("600 displays from a cell that then computes for 1.5 s arrive while it computes", async () => {
  const seen = new Map<string, number>();
  const off = client.onIopub((m: JupyterMessage) => {
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
