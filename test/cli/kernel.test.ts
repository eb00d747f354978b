// Black-box tests: a real `ai4eo kernel` process spoken to over real ZeroMQ, as a client would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "./ensure-dist.js";
import * as zmq from "zeromq";
import { KernelClient } from "../../kernel/src/cli/kernel-client.js";
import type { JupyterMessage } from "../../kernel/src/jupyter/wire.js";

let dir: string;
let client: KernelClient;
const env = () => ({ AI4EO_HISTORY_FILE: join(dir, "history.jsonl") });

function content(m: JupyterMessage): Record<string, any> {
  return m.content as Record<string, any>;
}
function ofType(outputs: JupyterMessage[], type: string): JupyterMessage[] {
  return outputs.filter((o) => o.header.msg_type === type);
}
function plain(outputs: JupyterMessage[]): string | undefined {
  return ofType(outputs, "execute_result")[0] && content(ofType(outputs, "execute_result")[0]!).data["text/plain"];
}

before(async () => {
  ensureDist();
  // A notebook folder with no ai4eo in it, but with an ESM-only package next to it.
  dir = mkdtempSync(join(tmpdir(), "ai4eo-kernel-test-"));
  const pkg = join(dir, "node_modules", "esm-only-greeter");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "esm-only-greeter", version: "1.0.0", type: "module", exports: { ".": { types: "./index.d.ts", default: "./index.js" } }, types: "./index.d.ts" }));
  writeFileSync(join(pkg, "index.js"), "export function greet(name) { return `hello ${name}`; }\n");
  writeFileSync(join(pkg, "index.d.ts"), "export declare function greet(name: string): string;\n");
  client = await KernelClient.start({ cwd: dir, env: env(), stderr: "pipe" });
});

after(async () => {
  await client?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test("kernel_info_reply: status, versions from package.json and TypeScript, language_info", async () => {
  const reply = await client.request("shell", "kernel_info_request", {});
  const c = content(reply);
  const pj = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const tsPj = JSON.parse(readFileSync(join(root, "node_modules", "@tslab", "typescript-for-tslab", "package.json"), "utf8"));
  assert.equal(c.status, "ok");
  assert.equal(c.protocol_version, "5.3");
  assert.equal(c.implementation, "ai4eo");
  assert.equal(c.implementation_version, pj.version);
  assert.equal(c.language_info.name, "typescript");
  assert.equal(c.language_info.version, tsPj.version);
  assert.equal(c.language_info.file_extension, ".ts");
  assert.equal(c.language_info.pygments_lexer, "typescript");
  assert.ok(c.language_info.codemirror_mode);
  assert.match(c.banner, /ai4eo/);
  assert.equal(reply.parent_header.msg_type, "kernel_info_request");
});

test("execute: value as execute_result without ANSI colours, counts, declarations shared across cells", async () => {
  const a = await client.execute("const greeting: string = 'ab'.repeat(2);\ngreeting");
  assert.equal(content(a.reply).status, "ok");
  assert.equal(plain(a.outputs), "'abab'");
  const n = content(a.reply).execution_count as number;
  const b = await client.execute("greeting.length + 1");
  assert.equal(plain(b.outputs), "5");
  assert.equal(content(b.reply).execution_count, n + 1);
  assert.equal(content(ofType(b.outputs, "execute_input")[0]!).execution_count, n + 1);
  const c = await client.execute("console.log('to stdout'); console.error('to stderr');");
  assert.deepEqual(ofType(c.outputs, "stream").map((m) => [content(m).name, content(m).text]), [["stdout", "to stdout\n"], ["stderr", "to stderr\n"]]);
  assert.equal(ofType(c.outputs, "execute_result").length, 0);
});

test("local TypeScript modules next to the notebook are type-checked, compiled and imported, with their imports", async () => {
  mkdirSync(join(dir, "helpers"), { recursive: true });
  writeFileSync(join(dir, "helpers", "units.ts"), "export const scale: number = 10;\n");
  writeFileSync(join(dir, "helpers", "area.ts"), 'import { scale } from "./units";\nexport function area(side: number): number {\n  return side * side * scale;\n}\n');
  const a = await client.execute('import { area } from "./helpers/area";\narea(3)');
  assert.equal(content(a.reply).status, "ok", JSON.stringify(content(a.reply)));
  assert.equal(plain(a.outputs), "90");
  const b = await client.execute("area(2) + 1");
  assert.equal(plain(b.outputs), "41");
  const bad = await client.execute('area("three")');
  assert.equal(content(bad.reply).status, "error");
  assert.equal(content(bad.reply).ename, "TypeScriptError");
  assert.match(content(bad.reply).evalue, /^1:6 Argument of type 'string' is not assignable to parameter of type 'number'/);
});

test("type errors become error messages at the cell's line:column", async () => {
  const r = await client.execute("const ok = 1;\nconst bad: number = 'text';");
  assert.equal(content(r.reply).status, "error");
  assert.equal(content(r.reply).ename, "TypeScriptError");
  assert.equal(content(r.reply).evalue, "2:7 Type 'string' is not assignable to type 'number'.");
  const err = ofType(r.outputs, "error");
  assert.equal(err.length, 1);
  assert.match(content(err[0]!).traceback.join("\n"), /2 \| .*const bad: number = 'text';/);
});

test("runtime errors: traceback shows cell lines, not transpiled code or kernel internals", async () => {
  const code = "interface Scene { id: string }\ntype Id = string;\n\nfunction load(s: Scene): never {\n  throw new RangeError(`no scene ${s.id}`);\n}\nload({ id: 'S2A' });";
  const r = await client.execute(code);
  const c = content(r.reply);
  assert.equal(c.status, "error");
  assert.equal(c.ename, "RangeError");
  assert.equal(c.evalue, "no scene S2A");
  const tb = (c.traceback as string[]).join("\n");
  // V8 places a `throw new E()` at the `new`, and a call at the callee
  assert.match(tb, /at load \(cell-\d+ line 5:9\)/);
  assert.match(tb, /at \(cell-\d+ line 7:1\)/);
  assert.doesNotMatch(tb, /node:vm|tslab|engine\.js|__ai4eo_cell__/);
});

test("display: display_data with display ids, updates, clear_output, self-displaying objects", async () => {
  const r = await client.execute(
    [
      "const h = display.html('<b>one</b>');",
      "h.update.markdown('**two**');",
      "display.clear({ wait: true });",
      "class Tile { [Symbol.for('Jupyter.display')]() { return { 'text/html': '<i>tile</i>' }; } }",
      "display(new Tile());",
      "h",
    ].join("\n"),
  );
  assert.equal(content(r.reply).status, "ok");
  const types = r.outputs.map((m) => m.header.msg_type).filter((t) => t !== "execute_input");
  assert.deepEqual(types, ["display_data", "update_display_data", "clear_output", "display_data"]);
  const [d, u, cl, d2] = r.outputs.filter((m) => m.header.msg_type !== "execute_input");
  assert.equal(content(d!).data["text/html"], "<b>one</b>");
  assert.equal(content(u!).transient.display_id, content(d!).transient.display_id);
  assert.equal(content(u!).data["text/markdown"], "**two**");
  assert.equal(content(cl!).wait, true);
  assert.equal(content(d2!).data["text/html"], "<i>tile</i>");
  const v = await client.execute("new Tile()");
  assert.equal(content(ofType(v.outputs, "execute_result")[0]!).data["text/html"], "<i>tile</i>");
});

test("a burst of outputs past zeromq.js's 512 synchronous sends all arrive, in order", async () => {
  // zeromq.js defers every 512th send on a socket and throws EBUSY on a send behind it.
  const r = await client.execute("for (let i = 0; i < 700; i++) display.text(`line ${i}`);\n'done'");
  assert.equal(content(r.reply).status, "ok", JSON.stringify(r.reply.content));
  const shown = ofType(r.outputs, "display_data").map((m) => content(m).data["text/plain"]);
  assert.deepEqual(shown, Array.from({ length: 700 }, (_, i) => `line ${i}`));
  assert.equal(plain(r.outputs), "'done'");
});

test("the client sends 600 requests at once (past zeromq.js's 512 synchronous sends); all are answered", async () => {
  const replies = await Promise.all(Array.from({ length: 600 }, () => client.request("shell", "is_complete_request", { code: "1 +" })));
  assert.equal(replies.length, 600);
  for (const r of replies) assert.equal(content(r).status, "incomplete");
});

test("imports: ai4eo from a folder without it, and an ESM-only package next to the notebook", async () => {
  const r = await client.execute("import { plainText, progress } from 'ai4eo';\nimport { greet } from 'esm-only-greeter';\n[plainText({ band: 'B04' }), greet('EO'), typeof progress]");
  assert.equal(content(r.reply).status, "ok", JSON.stringify(content(r.reply)));
  assert.equal(plain(r.outputs), "[ \"{ band: 'B04' }\", 'hello EO', 'function' ]");
  const typed = await client.execute("const n: number = greet('x');");
  assert.equal(content(typed.reply).ename, "TypeScriptError");
});

test("widgets' layout, style, tooltip and description are typed properties in a cell (before: s.layout.width failed type checking, only s.get('layout') passed)", async () => {
  const r = await client.execute([
    "import { IntSlider, HBox } from 'ai4eo';",
    "const s = new IntSlider({ max: 10 });",
    "s.layout.width = '50%';",
    "s.style.set({ handle_color: 'orange' });",
    "s.description = 'k';",
    "s.tooltip = 'neighbours';",
    "const box = new HBox([s]);",
    "box.layout.display = 'flex';",
    "[s.layout.width, s.style.get('handle_color'), s.description, s.tooltip, box.layout.display]",
  ].join("\n"));
  assert.equal(content(r.reply).status, "ok", JSON.stringify(content(r.reply)));
  assert.equal(plain(r.outputs), "[ '50%', 'orange', 'k', 'neighbours', 'flex' ]");
  // still type-checked: a wrong type is a TypeScript error, not a runtime surprise
  const typed = await client.execute("s.layout.width = 50;");
  assert.equal(content(typed.reply).ename, "TypeScriptError");
});

test("comms: front-end and kernel-opened comms with binary buffers both ways; unknown target is closed", async () => {
  const setup = await client.execute(
    [
      "const reg = (globalThis as any)[Symbol.for('ai4eo.commRegistry')];",
      "reg.registerTarget('echo', (comm: any, open: any) => {",
      "  comm.send({ opened: open.data }, open.buffers);",
      "  comm.onMsg((m: any) => comm.send({ echo: m.data, sizes: m.buffers.map((b: Uint8Array) => b.length) }, m.buffers.map((b: Uint8Array) => b.map((x) => x * 2))));",
      "});",
    ].join("\n"),
  );
  assert.equal(content(setup.reply).status, "ok", JSON.stringify(content(setup.reply)));
  const seen: JupyterMessage[] = [];
  const off = client.onIopub((m) => m.header.msg_type.startsWith("comm_") && seen.push(m));
  const waitFor = async (pred: (m: JupyterMessage) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const hit = seen.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("comm message did not arrive");
  };
  try {
    await client.send("shell", "comm_open", { comm_id: "c1", target_name: "echo", data: { x: 1 } }, [new Uint8Array([1, 2, 3])]);
    const opened = await waitFor((m) => m.header.msg_type === "comm_msg" && content(m).comm_id === "c1" && content(m).data.opened);
    assert.deepEqual(content(opened).data.opened, { x: 1 });
    assert.deepEqual([...opened.buffers[0]!], [1, 2, 3]);
    await client.send("shell", "comm_msg", { comm_id: "c1", data: { y: 2 } }, [new Uint8Array([5, 6]), new Uint8Array(1000).fill(7)]);
    const echoed = await waitFor((m) => m.header.msg_type === "comm_msg" && content(m).data.echo);
    assert.deepEqual(content(echoed).data, { echo: { y: 2 }, sizes: [2, 1000] });
    assert.deepEqual([...echoed.buffers[0]!], [10, 12]);
    assert.equal(echoed.buffers[1]!.length, 1000);
    assert.equal(echoed.buffers[1]![999], 14);

    const info = await client.request("shell", "comm_info_request", { target_name: "echo" });
    assert.deepEqual(content(info).comms, { c1: { target_name: "echo" } });

    const k = await client.execute("const kc = reg.open('from.kernel', { hello: 'browser' }, [new Uint8Array([9, 8, 7])]); kc.commId");
    const kOpen = ofType(k.outputs, "comm_open")[0]!;
    assert.equal(content(kOpen).target_name, "from.kernel");
    assert.deepEqual(content(kOpen).data, { hello: "browser" });
    assert.deepEqual([...kOpen.buffers[0]!], [9, 8, 7]);
    assert.equal(kOpen.parent_header.msg_id !== undefined, true);

    await client.send("shell", "comm_open", { comm_id: "c2", target_name: "no.such.target", data: {} });
    const closed = await waitFor((m) => m.header.msg_type === "comm_close" && content(m).comm_id === "c2");
    assert.ok(closed);
    await client.send("shell", "comm_close", { comm_id: "c1", data: {} });
    const after = await client.request("shell", "comm_info_request", {});
    assert.equal(content(after).comms.c1, undefined);
  } finally {
    off();
  }
});

test("stdin: input() and password() ask the front end; without allow_stdin they fail clearly", async () => {
  const prompts: [string, boolean][] = [];
  const r = await client.execute("const who = await input('Name? ');\nconst pw = await password('Key: ');\n`${who}:${pw.length}`", {
    onInput: (prompt, password) => {
      prompts.push([prompt, password]);
      return password ? "secret" : "Ada";
    },
  });
  assert.deepEqual(prompts, [["Name? ", false], ["Key: ", true]]);
  assert.equal(plain(r.outputs), "'Ada:6'");
  const no = await client.execute("await input('x')", { allowStdin: false });
  assert.equal(content(no.reply).status, "error");
  assert.equal(content(no.reply).ename, "StdinNotAllowedError");
  assert.match(content(no.reply).evalue, /allow_stdin=false/);
});

test("stop_on_error: requests queued behind a failing cell are answered aborted", async () => {
  const first = client.execute("const t0 = Date.now(); while (Date.now() - t0 < 300) {}\nthrow new Error('first fails');");
  const second = client.execute("'second'");
  const third = client.execute("'third'");
  const [a, b, c] = await Promise.all([first, second, third]);
  assert.equal(content(a.reply).status, "error");
  assert.equal(content(b.reply).status, "aborted");
  assert.equal(content(c.reply).status, "aborted");
  const next = await client.execute("'runs again'");
  assert.equal(plain(next.outputs), "'runs again'");
});

test("late output from timers and promises goes to the cell that scheduled it", async () => {
  const late: JupyterMessage[] = [];
  const off = client.onIopub((m) => m.header.msg_type === "stream" && late.push(m));
  try {
    const first = await client.execute("setTimeout(() => console.log('late from first'), 150);\nPromise.resolve().then(() => new Promise((r) => setTimeout(r, 100))).then(() => console.log('promise from first'));\n'scheduled'");
    const second = await client.execute("console.log('second runs'); await new Promise((r) => setTimeout(r, 400));");
    assert.equal(content(second.reply).status, "ok");
    const byText = (t: string) => late.find((m) => content(m).text.includes(t));
    assert.equal(byText("late from first")?.parent_header.msg_id, first.reply.parent_header.msg_id);
    assert.equal(byText("promise from first")?.parent_header.msg_id, first.reply.parent_header.msg_id);
    assert.equal(byText("second runs")?.parent_header.msg_id, second.reply.parent_header.msg_id);
  } finally {
    off();
  }
});

test("an uncaught exception or unhandled rejection is reported and does not kill the kernel", async () => {
  const errors: JupyterMessage[] = [];
  const off = client.onIopub((m) => m.header.msg_type === "error" && errors.push(m));
  try {
    const r = await client.execute("setTimeout(() => { throw new Error('thrown later'); }, 20);\nPromise.reject(new Error('rejected later'));\n1");
    await client.execute("await new Promise((r) => setTimeout(r, 200));");
    const texts = errors.map((e) => content(e).evalue);
    assert.ok(texts.includes("thrown later"), JSON.stringify(texts));
    assert.ok(texts.includes("rejected later"), JSON.stringify(texts));
    assert.equal(errors.find((e) => content(e).evalue === "thrown later")!.parent_header.msg_id, r.reply.parent_header.msg_id);
    const alive = await client.execute("40 + 2");
    assert.equal(plain(alive.outputs), "42");
  } finally {
    off();
  }
});

/**
 * Sends SIGINT a moment after the cell's output arrived, as a person would. A SIGINT that lands in
 * the microseconds while Node's vm ends a breakOnSigint call (after its last check, before its
 * handler is removed) is swallowed: a limit of Node's vm. Output now leaves the kernel from inside
 * that call, so an instant reaction could hit the window; if the cell has not ended 5 s later, the
 * interrupt is sent once more (a cell that ignores interrupts still fails the test).
 */
async function interruptUntilDone<T>(cell: Promise<T>): Promise<T> {
  await new Promise((r) => setTimeout(r, 100));
  client.interrupt();
  const ended = await Promise.race([cell, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
  if (ended !== undefined) return ended;
  // the rare swallowed SIGINT: press interrupt again, as a person would
  client.interrupt();
  return cell;
}

/**
 * Starts a cell and resolves once it has sent an output of type `kind`, with `{ done }`: the
 * promise of its reply (wrapped, so it is not awaited here); fails if the cell ended before that
 * output (it was meant to be interrupted).
 */
async function startUntilOutput(code: string, kind: string, what: string): Promise<{ done: ReturnType<KernelClient["execute"]> }> {
  let seen!: () => void;
  const output = new Promise<void>((r) => (seen = r));
  const cell = client.execute(code, { onOutput: (m) => m.header.msg_type === kind && seen() });
  const early = await Promise.race([output.then(() => undefined), cell]);
  assert.equal(early, undefined, `the ${what} ended before it was interrupted: ${JSON.stringify(early?.reply.content)}`);
  return { done: cell };
}

test("SIGINT stops a synchronous while(true) and a pending await; interrupt_request too; the kernel lives on", async () => {
  // interrupt once the loop runs: its first print comes out while the loop keeps the thread busy
  const { done: loop } = await startUntilOutput("const g = globalThis as any;\ng.spins = 0;\nconsole.log('spinning');\nwhile (true) { g.spins++; }", "stream", "loop cell");
  // the heartbeat keeps answering while the main thread is stuck in the loop
  const hb = new zmq.Request({ linger: 0, receiveTimeout: 3000 });
  hb.connect(`tcp://127.0.0.1:${client.connection.hb_port}`);
  await hb.send("ping");
  const [pong] = await hb.receive();
  hb.close();
  assert.equal(pong!.toString(), "ping");
  const l = await interruptUntilDone(loop);
  assert.equal(content(l.reply).status, "error");
  assert.equal(content(l.reply).ename, "Interrupted");

  // an await that is pending
  const { done: pending } = await startUntilOutput("await new Promise((r) => setTimeout(r, 10));\nconsole.log('waiting');\nawait new Promise(() => {});", "stream", "awaiting cell");
  const p = await interruptUntilDone(pending);
  assert.equal(content(p.reply).ename, "Interrupted");

  // a synchronous loop after an await (the cell's code after the await resumes outside the first
  // vm call: it runs as generator steps inside breakOnSigint)
  const { done: afterAwait } = await startUntilOutput("const loaded = await new Promise<number>((r) => setTimeout(() => r(7), 10));\nconsole.log('resumed', loaded);\nwhile (true) { (globalThis as any).spins2 = ((globalThis as any).spins2 ?? 0) + 1; }", "stream", "cell");
  const aa = await interruptUntilDone(afterAwait);
  assert.equal(content(aa.reply).ename, "Interrupted", JSON.stringify(aa.reply.content));
  assert.equal(content(ofType(aa.outputs, "stream")[0]!).text, "resumed 7\n");
  // and its runtime errors still point at the cell's lines
  const lateCode = "await null;\nconst missing: any = undefined;\nmissing.field;\nconst v: any = await null; v.field;";
  const lateError = await client.execute(lateCode);
  assert.equal(content(lateError.reply).ename, "TypeError");
  assert.match((content(lateError.reply).traceback as string[]).join("\n"), /at \(cell-\d+ line 3:9\)/);
  const lateError2 = await client.execute("const v: any = await null; v.field;");
  assert.match((content(lateError2.reply).traceback as string[]).join("\n"), new RegExp(`at \\(cell-\\d+ line 1:${"const v: any = await null; v.field;".indexOf("field") + 1}\\)`));

  const viaControl = client.execute("await new Promise(() => {});");
  await new Promise((r) => setTimeout(r, 300));
  const ir = await client.request("control", "interrupt_request", {});
  assert.equal(content(ir).status, "ok");
  assert.equal(content((await viaControl).reply).ename, "Interrupted");

  // progress() hands library code the kernel's interrupt as an AbortSignal
  const { done: withProgress } = await startUntilOutput("import { progress } from 'ai4eo';\nawait new Promise((r) => setTimeout(r, 10));\nconst p = progress({ total: 10, label: 'tiles' });\n(globalThis as any).sig = p.signal;\np.tick(3);\nawait new Promise(() => {});", "display_data", "progress cell");
  const wp = await interruptUntilDone(withProgress);
  assert.equal(content(wp.reply).ename, "Interrupted");
  const shown = ofType(wp.outputs, "display_data")[0]!;
  assert.match(content(shown).data["text/plain"], /^tiles {4}0% 0\/10 it/);
  assert.match(content(shown).data["text/html"], /<progress value="0" max="10"/);
  const aborted = await client.execute("(globalThis as any).sig.aborted");
  assert.equal(plain(aborted.outputs), "true", JSON.stringify(aborted.reply.content));

  const alive = await client.execute("(globalThis as any).spins > 0");
  assert.equal(plain(alive.outputs), "true", JSON.stringify(alive.reply.content));
});

test("a cell's own SIGINT listener hears Jupyter's interrupt; SIGINT still stops loops while it exists and after it is removed", async () => {
  // (the kernel holds Node's SIGINT watchdog while no listener of the user's exists: sigint-watch.ts)
  const add = await client.execute("const gl = globalThis as any;\ngl.heard = 0;\ngl.onInt = () => { gl.heard++; };\nprocess.on('SIGINT', gl.onInt);");
  assert.equal(content(add.reply).status, "ok");
  client.interrupt();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(plain((await client.execute("(globalThis as any).heard")).outputs), "1");
  const { done: loop } = await startUntilOutput("console.log('spinning');\nwhile (true) {}", "stream", "loop cell");
  assert.equal(content((await interruptUntilDone(loop)).reply).ename, "Interrupted");
  await client.execute("process.off('SIGINT', (globalThis as any).onInt);");
  const { done: loop2 } = await startUntilOutput("console.log('spinning');\nwhile (true) {}", "stream", "loop cell");
  assert.equal(content((await interruptUntilDone(loop2)).reply).ename, "Interrupted");
  // a listener added and removed within one cell, then a loop in the next
  await client.execute("const flick = () => undefined;\nprocess.on('SIGINT', flick);\nprocess.off('SIGINT', flick);");
  const { done: loop3 } = await startUntilOutput("console.log('spinning');\nwhile (true) {}", "stream", "loop cell");
  assert.equal(content((await interruptUntilDone(loop3)).reply).ename, "Interrupted");
  assert.equal(plain((await client.execute("40 + 2")).outputs), "42");
});

test("messages with a bad signature or malformed frames are dropped; the kernel still answers", async () => {
  const msg = client.message("execute_request", { code: "globalThis.hacked = true", silent: false, store_history: false, user_expressions: {}, allow_stdin: false });
  const frames = client.codec.encode(msg);
  const at = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
  frames[at + 1] = Buffer.from("0".repeat(64));
  await client.sendRaw("shell", frames);
  await client.sendRaw("shell", [Buffer.from("garbage"), Buffer.from("{not json")]);
  const forged = client.codec.encode(client.message("kernel_info_request", {}));
  forged[forged.length - 1] = Buffer.from("{broken");
  await client.sendRaw("shell", forged);
  const info = await client.request("shell", "kernel_info_request", {}, { timeoutMs: 5000 });
  assert.equal(content(info).status, "ok");
  const r = await client.execute("(globalThis as any).hacked === true");
  assert.equal(plain(r.outputs), "false");
});

test("complete, inspect and is_complete", async () => {
  const code = "Math.PI.toFi";
  const c = await client.request("shell", "complete_request", { code, cursor_pos: code.length });
  assert.equal(content(c).status, "ok");
  assert.ok(content(c).matches.includes("toFixed"), JSON.stringify(content(c).matches));
  assert.equal(content(c).cursor_start, code.length - 4);
  assert.equal(content(c).cursor_end, code.length);
  const g = await client.request("shell", "complete_request", { code: "gree", cursor_pos: 4 });
  assert.ok(content(g).matches.includes("greeting"));

  const i0 = await client.request("shell", "inspect_request", { code: "Math.max", cursor_pos: 6, detail_level: 0 });
  assert.equal(content(i0).found, true);
  assert.match(content(i0).data["text/plain"], /max\(\.\.\.values: number\[\]\): number/);
  assert.match(content(i0).data["text/plain"], /Returns the larger of a set of supplied numeric expressions/);
  const i1 = await client.request("shell", "inspect_request", { code: "Math.max", cursor_pos: 6, detail_level: 1 });
  assert.match(content(i1).data["text/plain"], /@param values/);
  const none = await client.request("shell", "inspect_request", { code: "   ", cursor_pos: 1, detail_level: 0 });
  assert.equal(content(none).found, false);

  const check = async (code: string) => content(await client.request("shell", "is_complete_request", { code }));
  assert.deepEqual(await check("const x = 1;"), { status: "complete" });
  assert.deepEqual(await check("function f() {"), { status: "incomplete", indent: "  " });
  assert.deepEqual(await check("const s = `multi"), { status: "incomplete", indent: "" });
  assert.deepEqual(await check("1 +* 2"), { status: "invalid" });
  assert.deepEqual(await check("let = ;"), { status: "invalid" });
});

test("history persists across kernel restarts (tail, range, search with glob and unique)", async () => {
  await client.execute("const marker = 'hist-1';");
  await client.execute("marker + '-again'");
  const tail = await client.request("shell", "history_request", { hist_access_type: "tail", n: 2, output: true, raw: true });
  const rows = content(tail).history as [number, number, [string, string | null]][];
  assert.equal(rows.length, 2);
  assert.equal(rows[1]![2][0], "marker + '-again'");
  assert.equal(rows[1]![2][1], "'hist-1-again'");
  const session = rows[0]![0];

  const second = await KernelClient.start({ cwd: dir, env: env(), stderr: "pipe" });
  try {
    const t2 = await second.request("shell", "history_request", { hist_access_type: "tail", n: 2, output: false, raw: true });
    assert.deepEqual((content(t2).history as unknown[][]).map((r) => r[2]), ["const marker = 'hist-1';", "marker + '-again'"]);
    const range = await second.request("shell", "history_request", { hist_access_type: "range", session, start: rows[1]![1], stop: rows[1]![1] + 1, output: false, raw: true });
    assert.deepEqual(content(range).history, [[session, rows[1]![1], "marker + '-again'"]]);
    await second.execute("const marker = 'hist-1';");
    const all = await second.request("shell", "history_request", { hist_access_type: "search", pattern: "const marker*", unique: false, n: 0, output: false, raw: true });
    assert.equal((content(all).history as unknown[]).length, 2);
    const unique = await second.request("shell", "history_request", { hist_access_type: "search", pattern: "const marker*", unique: true, n: 0, output: false, raw: true });
    assert.equal((content(unique).history as unknown[]).length, 1);
    assert.ok(((content(unique).history as number[][])[0]![0]!) > session);
  } finally {
    await second.shutdown();
  }
});

test("shutdown with restart answers on control and the process exits", async () => {
  const k = await KernelClient.start({ cwd: dir, env: env(), stderr: "pipe" });
  const seen: string[] = [];
  k.onIopub((m) => seen.push(m.header.msg_type));
  const r = await k.request("control", "shutdown_request", { restart: true });
  assert.deepEqual(content(r), { status: "ok", restart: true });
  assert.equal(await k.exited(), 0);
  k.close();
});
