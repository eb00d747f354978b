// An interrupt (SIGINT, Jupyter's interrupt_mode "signal", or interrupt_request) that arrives before
// a cell's code runs — while TypeScript is still loading for the first cell, or while a cell is
// type-checked — stops that cell: none of its code runs and the kernel goes on. Before, such a SIGINT was lost (nobody to pass
// it to while loading; unread in libuv's signal pipe when the vm call began) and the cell's loop ran
// until the user pressed interrupt again. A kernel of its own: the first test needs a fresh one.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist } from "./ensure-dist.js";
import { KernelClient, type ExecuteResult } from "../../kernel/src/cli/kernel-client.js";

const dir = mkdtempSync(join(tmpdir(), "ai4eo-interrupt-early-"));
let client: KernelClient | undefined;
after(async () => {
  await client?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface ReplyContent { status: string; ename?: string; evalue?: string }

/**
 * Runs `code`, interrupts it (SIGINT, or an interrupt_request on the control channel) `delayMs`
 * after its execute_input arrived, and returns its result. A
 * cell still running 10 s later (the interrupt was lost) is interrupted once more and the test fails.
 */
async function interruptEarly(code: string, delayMs: number, how: "SIGINT" | "interrupt_request" = "SIGINT"): Promise<ExecuteResult> {
  let timer: NodeJS.Timeout | undefined;
  const interrupt = () => {
    if (how === "SIGINT") client!.interrupt();
    else void client!.request("control", "interrupt_request", {});
  };
  const cell = client!.execute(code, {
    onOutput: (m) => {
      if (m.header.msg_type === "execute_input") timer = setTimeout(interrupt, delayMs);
    },
  });
  const ended = await Promise.race([cell, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000).unref())]);
  clearTimeout(timer);
  if (ended) return ended;
  client!.interrupt();
  await cell;
  assert.fail("the interrupt was lost: the cell's loop ran until a second interrupt");
}

/** A cell whose type check takes over a second here (an Exclude over a 10 000-member union, twice), then loops. */
function slowToCheck(k: number): string {
  const checks = [0, 1].map((j) => [
    `type D${k}_${j} = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";`,
    `type N${k}_${j} = \`\${D${k}_${j}}\${D${k}_${j}}\${D${k}_${j}}\${D${k}_${j}}\`;`,
    `type M${k}_${j} = Exclude<N${k}_${j}, \`\${D${k}_${j}}\${D${k}_${j}}\${D${k}_${j}}${j}\`>;`,
    `const m${k}_${j}: M${k}_${j} = "1239";`,
  ].join("\n"));
  return `${checks.join("\n")}\n(globalThis as any).ranSlow${k} = true;\nwhile (true) {}`;
}

test("SIGINT while TypeScript loads for the first cell: the cell stops before it runs", async () => {
  ensureDist();
  client = await KernelClient.start({ cwd: dir, env: { AI4EO_HISTORY_FILE: join(dir, "history.jsonl") }, stderr: "pipe" });
  // the first cell waits for TypeScript, then for its own type check (over a second): interrupt at
  // once (on a loaded machine the SIGINT may come only once the check has begun: the same outcome)
  const r = await interruptEarly(slowToCheck(9).replace("ranSlow9", "ranFirst"), 0);
  const c = r.reply.content as ReplyContent;
  assert.equal(c.status, "error");
  assert.equal(c.ename, "Interrupted");
  assert.match(c.evalue!, /\((while TypeScript was loading|while it was type-checked)\) before any of its code ran/);
  const error = r.outputs.find((m) => m.header.msg_type === "error");
  assert.equal((error?.content as ReplyContent | undefined)?.ename, "Interrupted", "an error output for the front end");
  // nothing of it ran, and the kernel goes on
  const v = await client.execute("(globalThis as any).ranFirst === undefined");
  assert.equal((v.reply.content as ReplyContent).status, "ok");
  assert.equal((v.outputs.find((m) => m.header.msg_type === "execute_result")?.content as { data: Record<string, string> }).data["text/plain"], "true");
});

test("SIGINT or interrupt_request while a cell is type-checked: the cell stops before it runs, its declarations are not kept", async () => {
  assert.ok(client, "the kernel of the test above");
  for (const [k, how] of [[0, "SIGINT"], [1, "SIGINT"], [2, "interrupt_request"]] as const) {
    const r = await interruptEarly(slowToCheck(k), 100, how);
    const c = r.reply.content as ReplyContent;
    assert.equal(c.ename, "Interrupted", JSON.stringify(c));
    assert.match(c.evalue!, /while it was type-checked\) before any of its code ran/);
    const v = await client.execute(`(globalThis as any).ranSlow${k} === undefined`);
    assert.equal((v.outputs.find((m) => m.header.msg_type === "execute_result")?.content as { data: Record<string, string> }).data["text/plain"], "true");
  }
  // the interrupted cells declared nothing: a later cell does not see their types
  const probe = await client.execute("type Probe = M0_0;");
  assert.equal((probe.reply.content as ReplyContent).status, "error");
  assert.match((probe.reply.content as ReplyContent).evalue!, /Cannot find name 'M0_0'/);
  // and an interrupt that comes while the kernel is idle does not stop the next cell
  client.interrupt();
  await new Promise((r) => setTimeout(r, 200));
  const next = await client.execute("1 + 1");
  assert.equal((next.reply.content as ReplyContent).status, "ok");
});
