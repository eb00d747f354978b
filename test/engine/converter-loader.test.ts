// The converter loaded with the lighter program host gives exactly what tslab's own converter gives
// (JavaScript, declarations carried to the next cell, diagnostics, last-expression variable) over a
// notebook's worth of cells, and the one-program-per-cell patch applies to the pinned tslab.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { allDependencies, loadConverter } from "../../kernel/src/engine/converter-loader.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
type Conv = {
  convert(prev: string, src: string): { output?: string; declOutput?: string; diagnostics: unknown[]; lastExpressionVar?: string; hasToplevelAwait?: boolean; sideOutputs?: { path: string; data: string }[] };
  close(): void;
};
const original = (tslabRequire("./dist/converter.js") as { createConverter(o: object): Conv }).createConverter({ isJS: false, isBrowser: false });
const loaded = loadConverter(tslabRequire);
const light = loaded.createConverter({ isJS: false, isBrowser: false }) as unknown as Conv;
const dir = mkdtempSync(join(tmpdir(), "ai4eo-converter-"));
after(() => {
  original.close();
  light.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the one-program-per-cell patch applies to the installed tslab", () => {
  assert.equal(loaded.cellNamesPatched, true, "tslab's convert() changed: update CELL_NAMES_STEP in converter-loader.ts");
});

test("the declarations-printing patch applies to the installed tslab", () => {
  assert.equal(loaded.declsPrintPatched, true, "tslab's remainingDecls changed: update DECLS_PRINT_STEP in converter-loader.ts");
});

test("the carry patch applies: a cell that declares nothing passes the declarations on as given", () => {
  assert.equal(loaded.carryPatched, true, "tslab's convert() or updateContent() changed: update CARRY_STEP / UPDATE_STEP in converter-loader.ts");
  // text tslab would re-print (spacing, blank lines): carried on verbatim, not re-printed
  const prev = "declare const a:    number;\n\n\ninterface P { a: number }\n";
  for (const cell of ["1 + 1", "for (let i = 0; i < 2; i++) { a + i; }", "if (a) { const t: P = { a }; t; }"]) {
    const r = light.convert(prev, cell);
    assert.deepEqual(r.diagnostics, [], cell);
    assert.equal(r.declOutput, prev, cell);
  }
  // a cell that declares something: the declarations are printed anew, with its own
  const r = light.convert(prev, "const b = a;");
  assert.equal(r.declOutput, "declare const b: number;\ndeclare const a: number;\ninterface P {\n    a: number;\n}\n");
});

test("declarations carried from cell to cell are exactly tslab's, with comments, overloads, trimmed statements and imports", () => {
  // cells that declare with comments of every kind, replace part of a multi-name statement or import,
  // and need @types/node (the declarations then start with a triple-slash directive)
  const cells = [
    "/** A pixel. */\ninterface P { red: number; nir: number } // same-line comment\n// a lone comment\n\ntype Q = P & { swir: number };",
    "/**\n * NDVI of a pixel.\n * @param p the pixel\n */\nfunction ndvi(p: P): number { return (p.nir - p.red) / (p.nir + p.red); }",
    "function over(x: number): number;\nfunction over(x: string): string;\nfunction over(x: any) { return x; }",
    "const q1 = 1, q2 = 'two', q3 = [3]; /* trailing block */\nlet u: string | undefined;",
    'import { join, basename as base, dirname } from "node:path";\nimport * as os from "node:os";',
    "const q2 = 2; // replaces one name of three",
    "const dirname = 'shadows one imported name';\nconst os = 1;",
    "class Grid<T> { cells: T[] = []; add(x: T): this { this.cells.push(x); return this; } }\nenum Band { Red = 3, Nir = 4 }",
    "const buf = Buffer.from('x'); // a Node type\nconst o = { a: 1, 'b-c': [1, 2], f(x: number) { return x } };",
    "interface P { red: number; nir: number; blue: number } // merges into the earlier P",
    "function ndvi(p: { red: number }): string { return String(p.red); } // replaces the documented one",
    "1 + 1",
    "const q1 = 'last', q3 = 'also';",
  ];
  let prevOriginal = "";
  let prevLight = "";
  for (const cell of cells) {
    const o = original.convert(prevOriginal, cell);
    const l = light.convert(prevLight, cell);
    assert.deepEqual(o.diagnostics, [], `tslab's converter refused:\n${cell}`);
    assert.deepEqual(l.diagnostics, [], cell);
    assert.equal(l.declOutput, o.declOutput, `declarations after:\n${cell}`);
    prevOriginal = o.declOutput ?? "";
    prevLight = l.declOutput ?? "";
  }
  // what the sequence left (so the cells above did declare, replace and trim what they say)
  assert.doesNotMatch(prevLight, /NDVI of a pixel/, "the documented ndvi was replaced");
  assert.match(prevLight, /declare function ndvi\(p: \{/);
  assert.match(prevLight, /declare const q2 = 2;/);
  assert.match(prevLight, /import \{ join, basename as base \} from "node:path";/);
  assert.match(prevLight, /declare function over\(x: string\): string;/);
});

const printerTs = tslabRequire("@tslab/typescript-for-tslab") as {
  createPrinter(o: { removeComments: boolean }): { printFile(f: unknown): string };
  createSourceFile(name: string, text: string, target: number): unknown;
};
/** A JavaScript text's program, printed alike whatever its spacing and comments. */
const normalized = (js: string) =>
  printerTs
    .createPrinter({ removeComments: true })
    .printFile(printerTs.createSourceFile("cell.js", js, 99))
    .replace(/\s+/g, " ")
    .replace(/ ?([.;,()[\]{}]) ?/g, "$1");

const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
const requireHere = createRequire(import.meta.url);

/** Runs converted cells as the engine does, on one exports object per converter (local modules from side outputs). */
function runner() {
  const exports: Record<string, unknown> = {};
  const side = new Map<string, Record<string, unknown>>();
  const require = (id: string): unknown => side.get(id.replace(/\.js$/, "")) ?? requireHere(id);
  return {
    exports,
    async run(r: ReturnType<Conv["convert"]>): Promise<void> {
      for (const s of r.sideOutputs ?? []) {
        const mod = { exports: {} as Record<string, unknown> };
        new Function("exports", "require", "module", s.data)(mod.exports, require, mod);
        side.set(s.path.replace(/\.js$/, ""), mod.exports);
      }
      await new AsyncFunction("exports", "require", r.output!)(exports, require);
    },
  };
}

test("same output, declarations, diagnostics and last-expression variable as tslab's converter, cell after cell", async () => {
  writeFileSync(join(dir, "helper.ts"), "export const k: number = 3;\nexport function twice(x: number): number { return 2 * x * k; }\n");
  const cells = [
    "1 + 1",
    'import * as path from "node:path";\nimport { join } from "node:path";\nconst a: number = 1;\nlet b = join("x", "y");\na + b.length',
    "interface P { red: number; nir: number }\ntype Q = P & { swir: number };\nfunction ndvi(p: P): number { return (p.nir - p.red) / (p.nir + p.red); }\nndvi({ red: 1, nir: 3 })",
    "class Grid<T> { cells: T[] = []; add(x: T): this { this.cells.push(x); return this; } }\nenum Band { Red = 3, Nir = 4 }\nnew Grid<number>().add(Band.Nir).cells",
    "const { x, y: [first] } = { x: 1, y: [2, 3] };\n{ var hoisted = 5; }\nfor (var i = 0; i < 2; i++) {}\nx + first + hoisted + i",
    "const a = 'redeclared'; // replaces the number\na.toUpperCase()",
    "const m = await Promise.resolve(path.sep);\nm",
    "const bad: number = 'text';",
    `import { twice } from ${JSON.stringify(join(dir, "helper"))};\ntwice(a.length)`,
    "ndvi({ red: 'x', nir: 2 })",
    "let z;\nz = 4;\nz * 2",
  ];
  let prevOriginal = "";
  let prevLight = "";
  const runOriginal = runner();
  const runLight = runner();
  for (const cell of cells) {
    const o = original.convert(prevOriginal, cell);
    const verbatimBefore = loaded.stats.verbatimCells;
    const l = light.convert(prevLight, cell);
    // The same JavaScript, except that an exported enum (or namespace) is assigned to `exports`
    // after its initialiser instead of before and inside it: the CommonJS transform runs in the
    // same emit as the TypeScript transform rather than over its printed output. Same values:
    // checked by running every cell below.
    // A cell in plain JavaScript that declares nothing is its own text (verbatim-emit.ts): the same
    // program, printed alike, but spaced as written.
    const verbatim = loaded.stats.verbatimCells > verbatimBefore;
    if (verbatim) assert.equal(normalized(l.output!), normalized(o.output!), `program of:\n${cell}`);
    else if (!/\benum\b|\bnamespace\b/.test(cell)) assert.equal(l.output, o.output, `output of:\n${cell}`);
    assert.equal(l.declOutput, o.declOutput, `declarations after:\n${cell}`);
    assert.deepEqual(l.diagnostics, o.diagnostics, `diagnostics of:\n${cell}`);
    assert.equal(l.lastExpressionVar, o.lastExpressionVar, cell);
    assert.equal(l.hasToplevelAwait, o.hasToplevelAwait, cell);
    assert.deepEqual(l.sideOutputs, o.sideOutputs, cell);
    if (o.diagnostics.length === 0) {
      prevOriginal = o.declOutput ?? "";
      prevLight = l.declOutput ?? "";
      await runOriginal.run(o);
      await runLight.run(l);
      assert.equal(inspect(runLight.exports, { depth: 4 }), inspect(runOriginal.exports, { depth: 4 }), `values after:\n${cell}`);
    }
  }
  assert.equal(runLight.exports["tsLastExpr"], 4 * 2);
  assert.ok(loaded.stats.verbatimCells >= 2, "`1 + 1` and `ndvi({ red: 'x', nir: 2 })` were made verbatim");
  assert.equal(runLight.exports["i"], 2);
});

test("a program given the next cell's declarations while idle (ai4eoPrepare) converts the next cells as one that was not", () => {
  assert.equal(loaded.preparePatched, true, "tslab's close() or its returned object changed: update PREPARE_STEP / RETURN_STEP in converter-loader.ts");
  const prepared = loaded.createConverter({ isJS: false, isBrowser: false }) as unknown as Conv & { ai4eoPrepare(prev: string): boolean };
  const plain = loaded.createConverter({ isJS: false, isBrowser: false }) as unknown as Conv;
  try {
    const cells = [
      "interface P { red: number; nir: number }\nfunction ndvi(p: P): number { return (p.nir - p.red) / (p.nir + p.red); }",
      "const bad: P = { red: 1 };",
      "const scale: number = 2;\nndvi({ red: 1, nir: 3 }) * scale",
      "const scale = 'replaced';\ntype Q = P & { swir: number };\nscale.length",
      "1 + 1",
      "const q: Q = { red: 1, nir: 2, swir: 3 };\nndvi(q) + scale.length",
    ];
    let prev = "";
    let prepares = 0;
    for (const cell of cells) {
      const a = prepared.convert(prev, cell);
      const b = plain.convert(prev, cell);
      assert.equal(a.output, b.output, cell);
      assert.equal(a.declOutput, b.declOutput, cell);
      assert.deepEqual(a.diagnostics, b.diagnostics, cell);
      assert.equal(a.lastExpressionVar, b.lastExpressionVar, cell);
      if (a.diagnostics.length > 0) continue;
      const next = a.declOutput ?? "";
      const changed = next !== prev;
      // (the program has the declarations the cell was converted with: only new ones are taken in)
      assert.equal(prepared.ai4eoPrepare(next), changed, cell);
      assert.equal(prepared.ai4eoPrepare(next), false, "a second call has nothing to do");
      if (changed) prepares++;
      prev = next;
    }
    assert.ok(prepares >= 3, `declarations changed after ${prepares} cells`);
  } finally {
    prepared.close();
    plain.close();
  }
});

test("allDependencies follows resolved imports transitively, once each", () => {
  type F = { fileName: string; resolvedModules?: Map<string, unknown> };
  const files: Record<string, F> = {
    "/a.ts": { fileName: "/a.ts", resolvedModules: new Map<string, unknown>([["./b", { resolvedFileName: "/b.ts" }], ["x", undefined], ["./c", { resolvedModule: { resolvedFileName: "/c.js" } }]]) },
    "/b.ts": { fileName: "/b.ts", resolvedModules: new Map([["./a", { resolvedFileName: "/a.ts" }], ["./d", { resolvedFileName: "/d.d.ts" }]]) },
    "/c.js": { fileName: "/c.js" },
    "/d.d.ts": { fileName: "/d.d.ts" },
  };
  const program = { getSourceFile: (n: string) => files[n], getCompilerOptions: () => ({}) };
  assert.deepEqual(allDependencies(program, files["/a.ts"]!).sort(), ["/a.ts", "/b.ts", "/c.js", "/d.d.ts"]);
  assert.deepEqual(allDependencies(program, files["/c.js"]!), ["/c.js"]);
});

test("a destructuring pattern naming a property of an earlier cell's object keeps the property name (tslab wrote `exports.a`, a SyntaxError)", async () => {
  assert.equal(loaded.propertyNamesPatched, true, "tslab's wrapPrevIdentifier changed: update PROPERTY_NAME_STEP in converter-loader.ts");
  const run = runner();
  let prev = "";
  const cells = [
    "const obj = { a: 1, b: 2, c: { d: 3 } };\nconst a = 10;",
    "const { a: y, c: { d: w } } = obj;\ny + w",
    "{ const { b: z } = obj; z * a }",
    "const f = (o: typeof obj) => { const { b: z, ...rest } = o; return z + rest.a; };\nf(obj)",
    "let m = 0;\n({ a: m } = obj);\nm + a",
  ];
  const values: unknown[] = [];
  for (const cell of cells) {
    const r = light.convert(prev, cell);
    assert.deepEqual(r.diagnostics, [], cell);
    assert.doesNotMatch(r.output ?? "", /exports\.[abcd]\s*:/, `a property name became exports.<name> in:\n${r.output}`);
    await run.run(r);
    prev = r.declOutput ?? "";
    values.push(r.lastExpressionVar ? run.exports[r.lastExpressionVar] : undefined);
  }
  assert.deepEqual(values, [undefined, 1 + 3, undefined, 2 + 1, 1 + 10]);
});

test("namespaces, declare global and declare module stay declared after later cells that declare something (tslab dropped them)", async () => {
  assert.equal(loaded.namespacesPatched, true, "tslab's remainingDecls changed: update KEEP_KINDS_STEP in converter-loader.ts");
  assert.equal(loaded.ambientGlobalsPatched, true, "tslab's wrapPrevIdentifier changed: update EARLIER_STEP in converter-loader.ts");
  const run = runner();
  let prev = "";
  const convert = async (cell: string) => {
    const r = light.convert(prev, cell);
    assert.deepEqual(r.diagnostics, [], cell);
    await run.run(r);
    prev = r.declOutput ?? "";
    return r.lastExpressionVar ? run.exports[r.lastExpressionVar] : undefined;
  };
  await convert("namespace Bands { export const red = 3; export function nir() { return 4; } }");
  await convert('declare global { interface Scene { id: string } var sceneCount: number }\ndeclare module "node:path" { interface ParsedPath { ai4eoBand?: number } }\n(globalThis as { sceneCount?: number }).sceneCount = 2;');
  await convert("const other = 1;\ninterface Local { a: number }");
  await convert("function later(): number { return 0; }");
  assert.equal(await convert("const s: Scene = { id: 'x' };\nBands.red + Bands.nir() + sceneCount + s.id.length + other"), 3 + 4 + 2 + 1 + 1);
  assert.match(prev, /declare namespace Bands/);
  assert.match(prev, /declare global/);
  assert.match(prev, /declare module "node:path"/);
  // a cell that declares the same name replaces the namespace, as for any declaration
  await convert("const Bands = 'replaced';");
  assert.doesNotMatch(prev, /namespace Bands/);
  assert.equal(await convert("Bands.length"), "replaced".length);
});

test("a cell with `declare global` only, or with other declarations, converts (tslab exported the binder's `__global`)", async () => {
  for (const cell of [
    "declare global { interface Tile { z: number } }\nconst t: Tile = { z: 1 };\nt.z",
    // with `var` in a block the cell goes to the binder, whose names include `__global` and the module's quoted name
    'declare global { interface Tile { z: number } }\ndeclare module "node:os" { interface CpuInfo { ai4eo?: number } }\n{ var hoisted: Tile = { z: 2 }; }\nhoisted.z',
  ]) {
    const r = light.convert("", cell);
    assert.deepEqual(r.diagnostics, [], cell);
    assert.match(r.declOutput ?? "", /declare global/);
  }
});
