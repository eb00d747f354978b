// Top-level awaits rewritten to yields keep the cell's meaning (precedence, nesting, positions),
// and the generator driver awaits, throws rejections in, and stops for good on abort.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { awaitsToYields, runInterruptible, type YieldTs } from "../../kernel/src/engine/interruptible-await.js";

const req = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = req("@tslab/typescript-for-tslab") as YieldTs;

/** Runs rewritten code as the engine does: a generator driven by runInterruptible. */
async function run(js: string, signal?: AbortSignal): Promise<unknown> {
  const g = awaitsToYields(ts, js);
  assert.ok(g, `no top-level await found in ${js}`);
  const make = new Function("exports", `return (function*(exports) {\n${g.code}\n})(exports);`) as (e: object) => Generator<unknown, unknown, unknown>;
  const exports: Record<string, unknown> = {};
  await runInterruptible(make(exports), signal);
  return exports["out"];
}

test("top-level awaits become parenthesised yields; awaits inside functions and for-await cells are left alone", () => {
  assert.equal(awaitsToYields(ts, "const a = await f() + 1;")?.code, "const a = (yield f()) + 1;");
  assert.equal(awaitsToYields(ts, "x = await (await open(p)).read();")?.code, "x = (yield ((yield open(p))).read());");
  assert.equal(awaitsToYields(ts, "const f = async () => await g();\nconst h = async function () { await g(); };"), undefined);
  assert.equal(awaitsToYields(ts, "class K { async m() { await 1; } }\nconst v = await 2;")?.code, "class K { async m() { await 1; } }\nconst v = (yield 2);");
  assert.equal(awaitsToYields(ts, "for await (const x of it) {}\nawait y;"), undefined);
  assert.equal(awaitsToYields(ts, "const s = 'await';"), undefined);
});

test("positions in the rewritten code map back to the converted JavaScript", () => {
  const js = "const a = await f(1);\nconst b = a + await g(2); boom();";
  const g = awaitsToYields(ts, js)!;
  const line2 = g.code.split("\n")[1]!;
  const col = line2.indexOf("boom") + 1;
  assert.deepEqual(g.toOriginal(2, col), { line: 2, column: js.split("\n")[1]!.indexOf("boom") + 1 });
  assert.deepEqual(g.toOriginal(1, 1), { line: 1, column: 1 });
  const fCol = g.code.split("\n")[0]!.indexOf("f(1)") + 1;
  assert.deepEqual(g.toOriginal(1, fCol), { line: 1, column: js.indexOf("f(1)") + 1 });
});

test("the generator cell gets awaited values and rejections as an async cell would", async () => {
  assert.equal(await run("const a = await Promise.resolve(2);\nexports.out = a * await 3 + (await { then: (r) => r(4) });"), 10);
  assert.equal(await run("let r;\ntry { await Promise.reject(new Error('no')); } catch (e) { r = e.message; }\nexports.out = r;"), "no");
  await assert.rejects(run("await null;\nthrow new TypeError('late');"), /late/);
});

test("an aborted signal stops the cell at its next await, and the rest never runs", async () => {
  const controller = new AbortController();
  const g = globalThis as Record<string, unknown>;
  g.__ranAfter = false;
  const cell = run("await new Promise((r) => setTimeout(r, 50));\nglobalThis.__ranAfter = true;", controller.signal);
  controller.abort(new Error("interrupted"));
  await assert.rejects(cell, /interrupted/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(g.__ranAfter, false);
});
