// declaresNothingTest says "nothing" only for cells after which tslab's own converter carries the
// earlier declarations on exactly as after a bare expression, and says it for the usual
// declaration-less cells (expressions, loops, blocks, try, await); cells with names, imports,
// exports, or ambient modules are never "nothing".
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { declaresNothingTest, type BoundFileLike, type DeclaresNothingTs } from "../../kernel/src/engine/declares-nothing.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = tslabRequire("@tslab/typescript-for-tslab") as DeclaresNothingTs & {
  createSourceFile(name: string, text: string, target: number): BoundFileLike;
  bindSourceFile(file: unknown, options: object): void;
  ScriptTarget: { ES2022: number };
};
type Conv = { convert(prev: string, src: string): { declOutput?: string; diagnostics: unknown[] }; close(): void };
const original = (tslabRequire("./dist/converter.js") as { createConverter(o: object): Conv }).createConverter({ isJS: false, isBrowser: false });
after(() => original.close());

const declaresNothing = declaresNothingTest(ts);
const PREFIX = "export {};\n"; // tslab's converter puts it before every cell

function bound(cell: string): BoundFileLike {
  const file = ts.createSourceFile("/cell.ts", PREFIX + cell, ts.ScriptTarget.ES2022);
  ts.bindSourceFile(file, { target: ts.ScriptTarget.ES2022 });
  return file;
}

const nothing = [
  "1 + 1",
  "",
  "// a comment only",
  "a + b.length",
  "console.log(a); a * 2;",
  "for (let i = 0; i < 3; i++) { const sq = i * i; console.log(sq); }",
  "for (const k of [1, 2]) console.log(k);\nfor (const k in { x: 1 }) k;",
  "if (a > 0) { let inner = a; inner; } else { a; }",
  "while (a < 0) { break; }\ndo { a; } while (false);",
  "try { JSON.parse('{') } catch (e) { e } finally { a }",
  "switch (a) { case 1: { const c = 2; c; break; } default: a; }",
  "outer: for (;;) { break outer; }",
  "{ let scoped = 1; function local() { return scoped; } local(); }",
  "await Promise.resolve(a)",
  "(() => { var insideArrow = 1; return insideArrow; })()",
  ";",
  // after tslab's `export {};` a triple-slash line is a comment, not a directive
  '/// <reference lib="dom" />\n1',
];
const something = [
  "const x = 1",
  "let y;\ny = 2",
  "{ var hoisted = 1; }",
  "for (var i = 0; i < 2; i++) {}",
  "function f() {}",
  "class C {}",
  "interface I { a: number }",
  "type T = string;",
  "enum E { A }",
  "namespace N { export const v = 1; }",
  'import { join } from "node:path";',
  'import "node:path";',
  "export const e = 1;",
  "export { a as b };",
  'export * from "node:path";',
  'declare module "some-module" { const v: number; }',
  "declare global { var g: number }",
  "label: function g() {}",
];

test("expressions, loops, blocks, try and await declare nothing", () => {
  for (const cell of nothing) assert.equal(declaresNothing(bound(cell)), true, cell);
});

test("names, imports, exports and ambient modules are something", () => {
  for (const cell of something) assert.equal(declaresNothing(bound(cell)), false, cell);
});

test("an unbound file is never said to declare nothing", () => {
  assert.equal(declaresNothing(ts.createSourceFile("/cell.ts", `${PREFIX}1 + 1`, ts.ScriptTarget.ES2022)), false);
});

test("after a cell that declares nothing, tslab carries the earlier declarations on as after a bare expression", () => {
  const prev = original.convert("", "/** doc */\ninterface P { a: number }\nconst a: number = 1;\nconst b = [1];\nfunction f(x: P): number { return x.a; }");
  assert.deepEqual(prev.diagnostics, []);
  const decls = prev.declOutput ?? "";
  const carried = original.convert(decls, "0").declOutput;
  for (const cell of nothing) {
    const r = original.convert(decls, cell);
    assert.deepEqual(r.diagnostics, [], cell);
    assert.equal(r.declOutput, carried, cell);
  }
});
