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
/**
 * The program a JavaScript text is, printed alike whatever its spacing, line breaks, comments and
 * parentheses around a name or a chain of property names (`(e as Error).message` leaves `(e).message`
 * in the cell's own text, and the emitter drops those parentheses).
 */
const normalized = (js: string) => {
  let out = printer
    .printFile(ts.createSourceFile("cell.js", js, 99))
    // (the printer keeps a line break it finds inside an expression, e.g. before a comment the emitter moved)
    .replace(/\s+/g, " ");
  // (not after a name or a closing bracket: a call's parentheses)
  for (let before = ""; before !== out; ) {
    before = out;
    out = out.replace(/([^\w$)\]])\(([\w$.]+)\)/g, "$1$2");
  }
  return out.replace(/ ?([.;,()[\]{}]) ?/g, "$1");
};

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
  // declarations of earlier cells (`declare global` through the emitter)
  for (const [cell, verbatim] of [
    ["const x = 2;\nlet counter = 0;\nconst obj = { a: 1, b: [2, 3], c: { d: 4 } };\nfunction twice(n: number): number { return 2 * n; }\nconst items = [3, 1, 2];", true],
    ["const label = 'ndvi';\nconst big = 10n;", true],
    ["declare global { var ai4eoTestGlobal: number }\n(globalThis as { ai4eoTestGlobal?: number }).ai4eoTestGlobal = 40;", false],
  ] as const) {
    assert.equal((await p.cell(cell)).verbatim, verbatim, cell);
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
  // (every one now: types are erased, and a cell that declares gets its export lines)
  const verbatimNot = new Set<string>();
  // not its own text: types erased, or export lines added
  const edited = new Set([
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
    if (got.verbatim && !edited.has(cell)) {
      // the cell's own text, as written, but for the rewritten identifiers and the stored last expression
      const body = got.output.replace(/^Object\.defineProperty.*\n(exports\.tsLastExpr = void 0;\n)?/, "").replace(/exports\.tsLastExpr = /, "").replaceAll("exports.", "");
      if (!cell.includes("counter--, x")) assert.equal(body, `\n${cell}`, got.output);
    }
  }
  assert.ok(fast.stats.verbatimCells >= cells.length - verbatimNot.size - 1);
});

test("types are erased: annotations, assertions, `!`, generic parameters and arguments, type declarations", async () => {
  const p = pair();
  await p.cell("const v = 1;\nfunction f(a: number) { return a; }");
  for (const cell of [
    "v as number",
    "v!",
    "v satisfies number",
    "((a: number) => a)(v)",
    "((a?) => a)()",
    "((a?: number, b: number = 2): number => (a ?? 0) + b)(v)",
    "[1].map((a): number => a)",
    "[1].map(function (a: number): string { return String(a); })",
    "{ let w!: number; w = 2; }",
    "{ type T = number; const t: T = 1; }",
    "{ interface I { a: number } }",
    "new Map<string, number>([['a', v]]).get('a')",
    "[3, 1].map<number>((a) => a * 2)",
    "((<T,>(t: T): T => t))(v)",
    "await (async function <T>(t: T): Promise<T> { return t; })(v)",
    "{ const o = { a: 1 } satisfies Record<string, number>; o.a; }",
    "[1, 2].find((n) => n > 1)! + v",
    "v as unknown as string as unknown as number",
    "((v as number)!)",
  ]) {
    const got = await p.cell(cell);
    assert.equal(got.verbatim, true, `verbatim:\n${cell}\n${got.output}`);
  }
});

test("TypeScript syntax without an erasure, and what the module transform rewrites, go through the emitter", async () => {
  const p = pair();
  await p.cell("const v = 1;\nconst o = { f() { return 1; } };\nfunction f(a: number) { return a; }");
  const cells = [
    "<number>v",
    "f<number>",
    "[1].map((a):\n  number => a)", // a return type over lines: the arrow would not parse without it
    "{ function g(n: string): string; function g(n: any) { return n; } g('a'); }",
    "(function (this: unknown) { return 1; })()",
    "{ class K { a = v; } new K().a; }",
    "(class { b = 1 })",
    "{ enum E { A } E.A; }",
    "{ declare const d: number; }",
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

/** The 50-line typed cell of bench/kernel.mjs. */
function typedCell(i: number): string {
  const lines = [`interface Pixel${i} { red: number; nir: number; swir: number; valid: boolean }`, `function stats${i}(pixels: Pixel${i}[]): { ndvi: number; ndmi: number; count: number } {`];
  for (let k = 0; k < 46; k++) lines.push(`  const v${k}: number = pixels.length > ${k} ? pixels[${k}].nir - pixels[${k}].red : ${k};`);
  lines.push(`  return { ndvi: v0 / (v1 + 1), ndmi: v2 / (v3 + 1), count: pixels.filter((p) => p.valid).length };`, "}");
  return lines.join("\n");
}

test("cells that declare: their text with types erased and the module transform's export lines, the same program and declarations", async () => {
  const p = pair();
  const cells: [string, unknown, boolean][] = [
    // [cell, its value, whether the verbatim path makes it]
    ["let old = 1; const obj = { a: 1, b: [2, 3] };", undefined, true],
    [typedCell(0), undefined, true],
    [`${typedCell(1)}\nstats1([{ red: 1, nir: 3, swir: 0, valid: true }]).count`, 1, true],
    ["function f(x: number): number { return x + old; }\ninterface P { a: number }\nconst g = (p: P) => p.a * 2;\nlet counter = 0;\nvar w = 3, z: string = 'q';\nconst { a, b: [b0, ...bs] } = obj;\nconst [m, , ...rest] = [1, 2, 3, 4];\ncounter + f(2) + g({ a }) + b0 + bs.length + m + rest.length", 0 + 3 + 2 + 2 + 1 + 1 + 2, true],
    ["const x1 = 2;\nx1 * 3", 6, true],
    ["const o2 = { x1, w };\no2.x1 + o2.w", 5, true],
    ["const x1 = 5, x2 = x1 + old;\n[x1].pop(), x2", 6, true], // redeclared; a comma expression is the value
    ["function first<T>(xs: T[]): T | undefined { return xs[0]; }\nfirst<number>([4, 5])", 4, true],
    ["const idf = <T,>(v: T): T => v;\nidf(7)", 7, true],
    ["function opt(a: number, b?: number, c: number = 2) { return a + (b ?? 0) + c; }\nopt(1)", 3, true],
    ["const mp = new Map<string, number>([['a', old]]);\nmp.get('a')", 1, true],
    ["const sat = { a: 1 } satisfies Record<string, number>;\nsat.a", 1, true],
    ["const nn = [1, 2].find((v) => v > 1)!;\nnn", 2, true],
    ["async function af(n: number): Promise<number> { return n * 2; }\nconst av: number = await af(21);\nav", 42, true],
    ["function isNum(v: unknown): v is number { return typeof v === 'number'; }\nisNum(3)", true, true],
    ["const cf = (() => { try { throw new Error('x'); } catch (e: unknown) { return String(e); } })();\ncf", "Error: x", true],
    ["function* gen2(): Generator<number> { yield old; }\nconst gl = [...gen2()].length", undefined, true],
    // automatic semicolon insertion saw the erased tokens: a `;` keeps the statements apart
    ["const h1 = [1] as number[]\n[0].toString()", "0", true],
    ["const h2 = 5\ninterface H2 { a: number }\n(function () { return 1; })()", 1, true],
    ["const h3 = obj.b[0]!\n;(h3 + 1)", 3, true],
    ["type Alias = number\nconst h4: Alias = 4\nh4 + 1", 5, true],
    ["const q9 = 3;\nq9 * 2\ninterface Q9 { a: number }\ntype Q10 = Q9", undefined, true], // an erased statement last: no value, as tslab does it
    ["let h5 = 1 as number\ntype H5 = string\n;[h5].length", 1, true],
    ["const h6 = [2];\nh6[0] as number\n[5].forEach(() => undefined)\nh6.length", 1, true],
    ["const h7 = [3];\nh7.length\ninterface H7 { a: number }\n(function () { return 7; })()\nh7[0]", 3, true],
    // through the emitter: the cell writes a name it declares, declares in a block, or what verbatim-emit.ts does not make
    ["let total = 0;\nfor (const v of [1, 2]) total += v;\ntotal", 3, false],
    ["let k = 1; k++;", 1, false],
    ["let dw!: number;\ndw = 3", 3, false],
    ["{ var vb = 1; }\nconst vc = vb;", undefined, false],
    ["const tsLastExpr = 1;\ntsLastExpr + 1", 2, false],
    ["class Kc { n = old; }\nnew Kc().n", 1, false],
    ["enum Color { Red }\nColor.Red", 0, false],
    ["const sh = { old, obj };\nsh.old", 1, true], // shorthands naming earlier cells' names are written out before conversion
    ["const al = (a: number):\n  number => a;\nal(1)", 1, false],
  ];
  for (const [cell, value, verbatim] of cells) {
    const got = await p.cell(cell);
    assert.equal(got.verbatim, verbatim, `verbatim path for:\n${cell}\n${got.output}`);
    assert.deepEqual(got.value, value, cell);
  }
});
