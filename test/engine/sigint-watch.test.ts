// SigintWatch: the kernel process's SIGINT with Node's SIGINT watchdog held (see sigint-watch.ts).
// Each scenario runs in a child process of its own that sends SIGINT to itself (or has `kill` send
// it while its thread is stuck in a loop) and prints what it saw as JSON: a SIGINT that reached
// Node's default handler would kill the child, and the test would see no JSON.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const dir = mkdtempSync(join(tmpdir(), "ai4eo-sigint-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const moduleUrl = pathToFileURL(fileURLToPath(new URL("../../kernel/src/engine/sigint-watch.ts", import.meta.url))).href;

/** Helpers every scenario script starts with. */
const prelude = `
import vm from "node:vm";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { SigintWatch, prepareBreakOnSigint, flushSigint } from ${JSON.stringify(moduleUrl)};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tids = () => new Set(readdirSync("/proc/self/task"));
const selfInt = () => process.kill(process.pid, "SIGINT");
/** Runs a synchronous endless loop in vm with breakOnSigint while \`kill\` sends SIGINT 200 ms later; returns how it ended. */
function loopUntilSigint(): string {
  const killer = spawn("sh", ["-c", "sleep 0.2; kill -INT " + process.pid], { stdio: "ignore" });
  try {
    prepareBreakOnSigint();
    vm.runInThisContext("while (true) {}", { breakOnSigint: true });
    return "loop ended by itself";
  } catch (e) {
    return (e as Error).message;
  } finally {
    killer.unref();
  }
}
const out: Record<string, unknown> = {};
`;

/** Runs a scenario (TypeScript, top-level await allowed) in a child process; returns the JSON it printed as `out`. */
async function scenario(name: string, body: string): Promise<Record<string, unknown>> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, `${prelude}\n${body}\nconsole.log(JSON.stringify(out));\nprocess.exit(0);\n`);
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], { timeout: 60_000 });
  const line = stdout.trim().split("\n").pop() ?? "";
  assert.ok(line.startsWith("{"), `scenario ${name} printed no result (killed by SIGINT?): ${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

const INTERRUPTED = /Script execution was interrupted by `SIGINT`/;

test("held: one watchdog thread for the process; SIGINT while idle is dropped, while busy collected; vm loops still stop", async () => {
  const r = await scenario("held", `
    const got: string[] = [];
    const before = tids();
    const hooks = () => process.listenerCount("SIGINT") + process.listenerCount("newListener") + process.listenerCount("removeListener");
    const hooksBefore = hooks();
    const w = new SigintWatch(() => got.push("interrupt"));
    w.start();
    out.mode = w.mode;
    // the watchdog's thread, by its id: other threads (libuv's pool for the child processes below)
    // may come and go meanwhile, so counting threads is not enough
    const added = [...tids()].filter((t) => !before.has(t));
    out.threadAdded = added.length;
    out.listeners = process.listenerCount("SIGINT");
    selfInt();
    await sleep(150);
    w.busy();
    out.afterIdleSigint = got.length;
    selfInt();
    await sleep(300);
    out.afterBusySigint = got.length;
    // flush() hands over a SIGINT that came while the thread was busy
    selfInt();
    const t = Date.now(); while (Date.now() - t < 100) {}
    await flushSigint();
    out.afterFlush = got.length;
    out.loop = loopUntilSigint();
    out.loopAgain = loopUntilSigint();
    const aliveBeforeStop = added.filter((t) => tids().has(t)).length;
    w.idle();
    w.stop();
    out.stoppedMode = w.mode;
    out.threadRemoved = aliveBeforeStop - added.filter((t) => tids().has(t)).length;
    out.listenersAfterStop = hooks() - hooksBefore;
  `);
  assert.equal(r.mode, "held");
  assert.equal(r.threadAdded, 1, "the watchdog's helper thread runs for as long as it is held");
  assert.equal(r.listeners, 0, "no SIGINT listener while held");
  assert.equal(r.afterIdleSigint, 0, "a SIGINT while no cell was in progress is dropped");
  assert.equal(r.afterBusySigint, 1, "a SIGINT while a cell is in progress reaches onInterrupt");
  assert.equal(r.afterFlush, 2);
  assert.match(String(r.loop), INTERRUPTED);
  assert.match(String(r.loopAgain), INTERRUPTED);
  assert.equal(r.stoppedMode, "stopped");
  assert.equal(r.threadRemoved, 1, "stop() joins the watchdog's thread");
  assert.equal(r.listenersAfterStop, 0);
});

test("listenOnly: a plain SIGINT listener, as before; vm loops stop", async () => {
  const r = await scenario("listen-only", `
    const got: string[] = [];
    const w = new SigintWatch(() => got.push("interrupt"), { listenOnly: true });
    w.start();
    out.mode = w.mode;
    out.listeners = process.listenerCount("SIGINT");
    selfInt();
    await sleep(150);
    out.afterIdleSigint = got.length;
    out.loop = loopUntilSigint();
    await sleep(50);
    out.listenersAfterLoop = process.listenerCount("SIGINT");
    selfInt();
    await sleep(150);
    out.afterLoop = got.length;
    w.stop();
  `);
  assert.equal(r.mode, "listening");
  assert.equal(r.listeners, 1);
  assert.equal(r.afterIdleSigint, 1, "a listener hears every SIGINT");
  assert.match(String(r.loop), INTERRUPTED);
  assert.equal(r.listenersAfterLoop, 1);
  assert.equal(r.afterLoop, 2);
});

test("a SIGINT listener of the user's: from the next vm call on the watch listens beside it, and holds the watchdog again once it is gone; the process survives every SIGINT", async () => {
  const r = await scenario("user-listener", `
    const got: string[] = [];
    const user: string[] = [];
    const w = new SigintWatch(() => got.push("interrupt"));
    w.start();
    w.busy();
    const onUser = () => user.push("user");
    // added while held: libuv's handler serves it at once
    process.on("SIGINT", onUser);
    selfInt();
    await sleep(150);
    out.userWhileHeld = user.length;
    // before the next vm call the watch lets the watchdog go and listens beside it
    prepareBreakOnSigint();
    out.modeWithUser = w.mode;
    selfInt();
    await sleep(150);
    out.user = user.length;
    out.got = got.length;
    out.loopWithUser = loopUntilSigint();
    await sleep(20);
    out.modeAfterLoop = w.mode;
    out.userListenerKept = process.listeners("SIGINT").includes(onUser);
    process.off("SIGINT", onUser);
    prepareBreakOnSigint();
    out.modeWithoutUser = w.mode;
    out.loopWithoutUser = loopUntilSigint();
    // a listener added and removed at once (libuv's handler comes and goes: SIGINT's disposition would be left at the default)
    const f = () => undefined;
    process.on("SIGINT", f);
    process.off("SIGINT", f);
    await sleep(20);
    out.modeAfterFlicker = w.mode;
    out.loopAfterFlicker = loopUntilSigint();
    selfInt();
    await sleep(300);
    out.gotAtEnd = got.length;
    // a listener added right before a vm call
    process.on("SIGINT", onUser);
    out.loopRightAfterAdd = loopUntilSigint();
    out.modeAfterPrepare = w.mode;
    selfInt();
    await sleep(150);
    out.userAtEnd = user.length;
    w.stop();
  `);
  assert.equal(r.userWhileHeld, 1, "a listener added while the watchdog is held hears SIGINT");
  assert.equal(r.modeWithUser, "listening");
  assert.equal(r.user, 2, "the user's listener hears SIGINT");
  assert.equal(r.got, 1, "and so does the watch, once it listens");
  assert.match(String(r.loopWithUser), INTERRUPTED);
  assert.equal(r.modeAfterLoop, "listening");
  assert.equal(r.userListenerKept, true);
  assert.equal(r.modeWithoutUser, "held");
  assert.match(String(r.loopWithoutUser), INTERRUPTED);
  assert.equal(r.modeAfterFlicker, "held");
  assert.match(String(r.loopAfterFlicker), INTERRUPTED);
  assert.equal(r.gotAtEnd, 2, "a SIGINT after all that still reaches the watch");
  assert.match(String(r.loopRightAfterAdd), INTERRUPTED);
  assert.equal(r.modeAfterPrepare, "listening");
  assert.equal(r.userAtEnd, 3);
});

test("one watch per process", async () => {
  const r = await scenario("two", `
    const a = new SigintWatch(() => undefined);
    a.start();
    try {
      new SigintWatch(() => undefined).start();
      out.second = "started";
    } catch (e) {
      out.second = (e as Error).message;
    }
    a.stop();
    const b = new SigintWatch(() => undefined);
    b.start();
    out.afterStop = b.mode;
    b.stop();
  `);
  assert.match(String(r.second), /another watch already receives this process's SIGINT/);
  assert.equal(r.afterStop, "held");
});
