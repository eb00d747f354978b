// `export` on a cell's top-level declarations means what the declaration without it means (every
// top-level declaration is shared with later cells): tslab's converter failed such cells with errors
// about a line the cell does not have. Columns stay where they were.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { CellExportError, withoutExports, type CellExportsTs } from "../../kernel/src/engine/cell-exports.js";
import { loadConverter } from "../../kernel/src/engine/converter-loader.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = tslabRequire("@tslab/typescript-for-tslab") as CellExportsTs & {
  createSourceFile(name: string, text: string, target: number): { statements: readonly unknown[] };
};
const blank = (src: string, prefix = "") => withoutExports(ts, ts.createSourceFile("cell.ts", prefix + src, 99), src, prefix.length);

test("the export keyword of each kind of top-level declaration is blanked, columns kept", () => {
  const cases: [string, string][] = [
    ["export const x = 1;", "       const x = 1;"],
    ["export let a = 1, b = 2;", "       let a = 1, b = 2;"],
    ["export function f() {}", "       function f() {}"],
    ["export async function g() {}", "       async function g() {}"],
    ["export class C {}", "       class C {}"],
    ["export abstract class D {}", "       abstract class D {}"],
    ["export interface I { a: number }", "       interface I { a: number }"],
    ["export type T = number;", "       type T = number;"],
    ["export enum E { A }", "       enum E { A }"],
    ["export namespace N { export const z = 1; }", "       namespace N { export const z = 1; }"],
    ["export declare const d: number;", "       declare const d: number;"],
    ["/** doc */\nexport const y = 2;", "/** doc */\n       const y = 2;"],
    ["const p = 1, q = 2;\nexport { p, q };", "const p = 1, q = 2;\n                "],
    ["const m = 1;\nexport {\n  m,\n};", "const m = 1;\n        \n    \n  "],
  ];
  for (const [src, want] of cases) {
    const got = blank(src);
    assert.equal(got, want, src);
    assert.equal(got.length, src.length, src);
  }
});

test("a named default function or class is shared under its name; re-exports that name what they take become imports", () => {
  const cases: [string, string][] = [
    ["export default function f() {}", "               function f() {}"],
    ["export default class K { v = 4 }", "               class K { v = 4 }"],
    ["export default abstract class A {}", "               abstract class A {}"],
    ['export { join } from "node:path";', 'import { join } from "node:path";'],
    ['export { join as j, sep } from "node:path";', 'import { join as j, sep } from "node:path";'],
    ['export * as path from "node:path";', 'import * as path from "node:path";'],
    ['export type { ParsedPath } from "node:path";', 'import type { ParsedPath } from "node:path";'],
    ['export { default as p } from "node:path";', 'import { default as p } from "node:path";'],
    ['const x = 1;\nexport { sep } from "node:path";', 'const x = 1;\nimport { sep } from "node:path";'],
    ["const a = 1;\nexport { a as a };", "const a = 1;\n                  "],
  ];
  for (const [src, want] of cases) assert.equal(blank(src), want, src);
});

test("other exports are left as written", () => {
  for (const src of [
    "const x = 1;",
    "export {};",
    "export { notDeclaredHere };",
    "export type { T2 };",
    "if (true) { const export_ = 1; }",
  ]) {
    assert.equal(blank(src), src, src);
  }
});

test("exports no later cell could name are a CellExportError at the statement, saying what to write", () => {
  const cases: [string, [number, number], RegExp][] = [
    ["export default 5;", [0, 0], /no default export.*`const value = …;`/],
    ["const n = 1;\n  export default function () {}", [1, 2], /no default export/],
    ["export default class { }", [0, 0], /no default export/],
    ["export = 3;", [0, 0], /`export =`.*Declare a name instead/],
    ['export * from "node:path";', [0, 0], /`export \* from "node:path"` shares no names.*`import \{ a, b \} from "node:path";`/],
    ["const a = 1;\nexport { a as b };", [1, 0], /`export \{ a as b \}`.*see `a` already.*`const b = a;`.*`type b = a;`/],
    ["type T = number;\nexport type { T as U };", [1, 0], /`type U = T;`/],
    ["function f() {}\nexport { f as default };", [1, 0], /`export \{ f as default \}`.*see `f` already/],
    ['export { default } from "node:path";', [0, 0], /`import \{ default as value \} from "node:path";`/],
    ['export { sep as default } from "node:path";', [0, 0], /`import \{ sep as value \} from "node:path";`/],
  ];
  for (const [src, [line, column], message] of cases) {
    assert.throws(() => blank(src), (e: unknown) => {
      assert.ok(e instanceof CellExportError, src);
      assert.deepEqual([e.line, e.column], [line, column], src);
      assert.match(e.message, message, src);
      return true;
    }, src);
  }
  // positions are the cell's, not those of the converter's prefix
  assert.throws(() => blank("export default 5;", "export {};\n"), (e: unknown) => e instanceof CellExportError && e.line === 0 && e.column === 0);
});

test("tslab's own `export {};` prefix is not touched; positions are the cell's", () => {
  const prefix = "export {};\n";
  assert.equal(blank("export const x = 1;", prefix), "       const x = 1;");
  assert.equal(blank("1 + 1", prefix), "1 + 1");
});

test("cells with exports convert, run, and share their declarations like cells without", async () => {
  const { createConverter } = loadConverter(tslabRequire);
  const conv = createConverter({ isJS: false, isBrowser: false }) as unknown as {
    convert(prev: string, src: string): { output?: string; declOutput?: string; diagnostics: { messageText: string; start: { line: number; character: number } }[]; lastExpressionVar?: string };
    close(): void;
  };
  after(() => conv.close());
  const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
  const exports: Record<string, unknown> = {};
  let prev = "";
  const run = async (cell: string): Promise<unknown> => {
    const r = conv.convert(prev, cell);
    assert.deepEqual(r.diagnostics, [], cell);
    await new AsyncFunction("exports", "require", r.output!)(exports, createRequire(import.meta.url));
    prev = r.declOutput ?? "";
    return r.lastExpressionVar ? exports[r.lastExpressionVar] : undefined;
  };
  assert.equal(await run("export interface Pixel { red: number; nir: number }\nexport type Index = number;\nexport function ndvi(p: Pixel): Index { return (p.nir - p.red) / (p.nir + p.red); }\nndvi({ red: 1, nir: 3 })"), 0.5);
  assert.equal(await run("export let count = 1;\nexport class Grid { size = 4 }\nexport enum Band { Red = 3 }\nconst w = 2, h = 3;\nexport { w, h };\ncount"), 1);
  assert.equal(await run("count = 5;\nconst p: Pixel = { red: 0, nir: 1 };\nndvi(p) + count + new Grid().size + Band.Red + w * h"), 1 + 5 + 4 + 3 + 6);
  // re-exports share what they name, as imports do; a named default class is shared under its name
  assert.equal(await run('export { join } from "node:path";\nexport * as path from "node:path";\nexport default class Tile { size = 256 }'), undefined);
  assert.equal(await run('join("a", "b") + path.sep + new Tile().size'), "a/b/256");
  // an export no later cell could name is refused before anything runs
  assert.throws(() => conv.convert(prev, "const a = 1;\nexport { a as b };"), CellExportError);
  // a type error in an exported declaration points at the cell's own line and column
  const bad = conv.convert(prev, "const ok = 1;\nexport const wrong: number = 'text';");
  assert.equal(bad.diagnostics.length, 1);
  assert.match(bad.diagnostics[0]!.messageText, /not assignable to type 'number'/);
  assert.deepEqual([bad.diagnostics[0]!.start.line, bad.diagnostics[0]!.start.character], [1, 13]);
});
