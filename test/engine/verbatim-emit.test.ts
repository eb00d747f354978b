// Cells in plain JavaScript that declare nothing get their own text as JavaScript (verbatim-emit.ts):
// the same program as TypeScript's emitter makes of them (compared printed without comments or
// spacing), the same values when run, the same last-expression variable and declarations; every
// cell with TypeScript syntax or what the module transform rewrites goes through the emitter.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inspect } from "node:util";
import { loadConverter } from "../../kernel/src/engine/converter-loader.js";
import { LAST_EXPRESSION_VAR } from "../../kernel/src/engine/verbatim-emit.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
type Result = { output?: string; declOutput?: string; diagnostics: unknown[]; lastExpressionVar?: string; hasToplevelAwait?: boolean };
type Conv = { convert(prev: string, src: string): Result; close(): void };
interface PrinterTs {
  createPrinter(o: { removeComments: boolean }): { printFile(f: unknown): string };
  createSourceFile(name: string, text: string, target: number): unknown;
}
const ts = tslabRequire("@tslab/typescript-for-tslab") as PrinterTs;
const printer = ts.createPrinter({ removeComments: true });
/** The program a JavaScript text is, printed alike whatever its spacing, line breaks and comments. */
const normalized = (js: string) =>
  printer
    .printFile(ts.createSourceFile("cell.js", js, 99))
    // (the printer keeps a line break it finds inside an expression, e.g. before a comment the emitter moved)
    .replace(/\s+/g, " ")
    .replace(/ ?([.;,()[\]{}]) ?/g, "$1");

const fast = loadConverter(tslabRequire);
const emitterOnly = loadConverter(tslabRequire, { verbatimEmit: false });
const light = fast.createConverter({ isJS: false, isBrowser: false }) as unknown as Conv;
const reference = emitterOnly.createConverter({ isJS: false, isBrowser: false }) as unknown as Conv;
after(() => {
  light.close();
  reference.close();
});

const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
const requireHere = createRequire(import.meta.url);

/** Both converters over the same cells, each with its own exports; checks every cell against the other. */
function pair() {
  const state = { prevFast: "", prevRef: "", fastExports: {} as Record<string, unknown>, refExports: {} as Record<string, unknown> };
  return {
    state,
    /** Converts and runs `cell` on both sides; returns whether the verbatim path made its JavaScript. */
    async cell(cell: string): Promise<{ verbatim: boolean; value: unknown; output: string }> {
      const before = fast.stats.verbatimCells;
      const f = light.convert(state.prevFast, cell);
      const verbatim = fast.stats.verbatimCells > before;
      const r = reference.convert(state.prevRef, cell);
      assert.equal(emitterOnly.stats.verbatimCells, 0, "the emitter-only converter never takes the verbatim path");
      assert.deepEqual(f.diagnostics, r.diagnostics, `diagnostics of:\n${cell}`);
      assert.deepEqual(f.diagnostics, [], `refused:\n${cell}`);
      assert.equal(normalized(f.output!), normalized(r.output!), `the program of:\n${cell}\nverbatim:\n${f.output}\nemitter:\n${r.output}`);
      assert.equal(f.lastExpressionVar, r.lastExpressionVar, cell);
      assert.equal(f.hasToplevelAwait, r.hasToplevelAwait, cell);
      assert.equal(f.declOutput, r.declOutput, cell);
      state.prevFast = f.declOutput ?? "";
      state.prevRef = r.declOutput ?? "";
      const outcome: unknown[] = [];
      for (const [res, exports] of [[f, state.fastExports], [r, state.refExports]] as const) {
        try {
          await new AsyncFunction("exports", "require", res.output!)(exports, requireHere);
          outcome.push(inspect(exports, { depth: 4 }));
        } catch (e) {
          outcome.push(`threw ${String(e)}`);
        }
      }
      assert.equal(outcome[0], outcome[1], `what running left, for:\n${cell}`);
      const value = f.lastExpressionVar ? state.fastExports[f.lastExpressionVar] : undefined;
      return { verbatim, value, output: f.output! };
    },
  };
}

test("the verbatim path applies to the installed tslab and is off when asked", () => {
  assert.equal(fast.verbatimPatched, true, "tslab's convert() changed: update EMIT_STEP in converter-loader.ts");
  assert.equal(emitterOnly.verbatimPatched, false);
});

test("plain JavaScript cells: their own text, the emitter's program, the same values", async () => {
  const p = pair();
  // declarations of earlier cells (through the emitter: they declare)
  for (const cell of [
    "const x = 2;\nlet counter = 0;\nconst obj = { a: 1, b: [2, 3], c: { d: 4 } };\nfunction twice(n: number): number { return 2 * n; }\nconst items = [3, 1, 2];",
    "const label = 'ndvi';\nconst big = 10n;",
    "declare global { var ai4eoTestGlobal: number }\n(globalThis as { ai4eoTestGlobal?: number }).ai4eoTestGlobal = 40;",
  ]) {
    assert.equal((await p.cell(cell)).verbatim, false, cell);
  }
  const cells: [string, unknown][] = [
    ["1+1", 2],
    ["x+1", 3],
    ["x", 2],
    ["ai4eoTestGlobal + x", 42], // a global declared in `declare global`: not exports.ai4eoTestGlobal
    ["  x * 2  ;;", undefined], // the last statement is the empty one: no value, as tslab does it
    ["console.log; x * 3;", 6],
    ["twice(x) + obj.a + obj.b[1] + obj['c'].d", 4 + 1 + 3 + 4],
    ["counter++;\ncounter += 5;\ncounter", 6],
    ["counter--, x", 2], // a comma expression: the whole of it is the value
    ["/* leading */ x // trailing\n", 2],
    ["x // a line comment last, no newline", 2],
    ["`${label}: ${x}`", "ndvi: 2"],
    ["String.raw`a${x}b`", "a2b"],
    ["big * 2n", 20n],
    ["/d+v/.test(label) ? 'yes' : 'no'", "yes"],
    ["items.map((v) => v * x).filter(function (v) { return v > 2; })", [6, 4]],
    ["[...items].sort((a, b) => a - b)", [1, 2, 3]],
    ["({ ...obj, e: [x, , 5], [label]: 1 })", { a: 1, b: [2, 3], c: { d: 4 }, e: [2, , 5], ndvi: 1 }],
    ["obj?.c?.d ?? 0", 4],
    ["typeof x === 'number' && !(x in {}) && x ** 2", 4],
    ["void 0", undefined],
    ["obj instanceof Object && 'a' in obj", true],
    ["await Promise.resolve(x)", 2],
    ["for await (const v of [Promise.resolve(1)]) counter += v;\ncounter", 6],
    ["{ const { a: y, c: { d: w } } = obj; let [first, ...rest] = items; counter = y + w + first + rest.length; }\ncounter", 1 + 4 + 3 + 2],
    ["{ const x = 'inner'; x; } x", 2], // an inner x is the cell's own, the later one the earlier cell's
    ["for (let i = 0; i < 3; i++) { if (i === 1) continue; counter += i; }\ncounter", 10 + 2],
    ["for (const k in obj) counter++;\nfor (const v of items) counter -= v;\ncounter", 12 + 3 - 6],
    ["outer: while (true) { do { break outer; } while (false); }\n'out'", "out"],
    ["switch (counter) { case 1: 'one'; break; case 9: counter = 90; break; default: counter = -1; }\ncounter", 90],
    ["switch (x as number) { case 1: 'one'; break; case 2: counter = 100; break; default: counter = -1; }\ncounter", 100],
    ["try { throw new Error('boom'); } catch (e) { counter = (e as unknown as Error).message.length; } finally { counter++; }", undefined],
    ["try { throw new RangeError('boom'); } catch { counter = 4; } finally { counter++; }\ncounter", 5],
    ["void (async () => { await null; return x; })()", undefined],
    ["function* gen() { yield x; yield* [3]; }\n[...gen()]", undefined], // declares gen: not verbatim
    ["{ function* gen() { yield x; yield* [3]; } counter = [...gen()].length; }\ncounter", 2],
    ["{ async function f(n = x, { a } = obj) { return n + a; } f().then((v) => (counter = v)); }", undefined],
    ["new Map([[label, x]]).get(label)", 2],
    ["delete (obj as Record<string, unknown>).zz", true], // an assertion: through the emitter
    ["counter = x = 2", undefined], // assigning a const: refused by the type checker (checked below)
  ];
  const verbatimNot = new Set([
    "try { throw new Error('boom'); } catch (e) { counter = (e as unknown as Error).message.length; } finally { counter++; }",
    "switch (x as number) { case 1: 'one'; break; case 2: counter = 100; break; default: counter = -1; }\ncounter",
    "function* gen() { yield x; yield* [3]; }\n[...gen()]",
    "delete (obj as Record<string, unknown>).zz",
  ]);
  for (const [cell, expected] of cells) {
    if (cell === "counter = x = 2") {
      // both refuse it alike
      const f = light.convert(p.state.prevFast, cell);
      const r = reference.convert(p.state.prevRef, cell);
      assert.ok(f.diagnostics.length > 0);
      assert.deepEqual(f.diagnostics, r.diagnostics);
      continue;
    }
    const got = await p.cell(cell);
    assert.equal(got.verbatim, !verbatimNot.has(cell), `verbatim path for:\n${cell}\n${got.output}`);
    if (expected !== undefined) assert.deepEqual(got.value, expected, cell);
    if (got.verbatim) {
      // the cell's own text, as written, but for the rewritten identifiers and the stored last expression
      const body = got.output.replace(/^Object\.defineProperty.*\n(exports\.tsLastExpr = void 0;\n)?/, "").replace(/exports\.tsLastExpr = /, "").replaceAll("exports.", "");
      if (!cell.includes("counter--, x")) assert.equal(body, `\n${cell}`, got.output);
    }
  }
  assert.ok(fast.stats.verbatimCells >= cells.length - verbatimNot.size - 1);
});

test("TypeScript syntax and what the module transform rewrites go through the emitter", async () => {
  const p = pair();
  await p.cell("const v = 1;\nconst o = { f() { return 1; } };\nfunction f(a: number) { return a; }");
  const cells = [
    "v as number",
    "<number>v",
    "v!",
    "v satisfies number",
    "f<number>",
    "((a: number) => a)(v)",
    "((a?) => a)()",
    "[1].map((a): number => a)",
    "{ let w!: number; w = 2; }",
    "{ function g(n: string): string; function g(n: any) { return n; } g('a'); }",
    "(function (this: unknown) { return 1; })()",
    "{ class K { a = v; } new K().a; }",
    "(class { b = 1 })",
    "{ enum E { A } E.A; }",
    "{ type T = number; const t: T = 1; }",
    "{ interface I { a: number } }",
    "({ m() { return v; } }).m()",
    "({ get g() { return v; } }).g",
    "void import('node:path').then((m) => m.sep)",
    "typeof import.meta",
    "(function () { return typeof this; })()",
    "this",
  ];
  for (const cell of cells) {
    const f = light.convert(p.state.prevFast, cell);
    if (f.diagnostics.length > 0) continue; // refused by the checker (e.g. import.meta in CommonJS): nothing to emit
    const before = fast.stats.verbatimCells;
    const got = await p.cell(cell);
    assert.equal(got.verbatim, false, `not verbatim:\n${cell}\n${got.output}`);
    assert.equal(fast.stats.verbatimCells, before);
  }
});

test("an `export {}` anywhere in the cell is dropped, the value stored after it is the last statement's", async () => {
  const p = pair();
  const got = await p.cell("export {};\n1 + 1;\nexport {}\n");
  assert.equal(got.verbatim, true, got.output);
  assert.equal(got.value, 2);
  assert.doesNotMatch(got.output, /export \{/);
  assert.match(got.output, new RegExp(`exports\\.${LAST_EXPRESSION_VAR} = 1 \\+ 1`));
});
