// cellNames gives exactly the names (and order) TypeScript's binder puts in a cell's locals, for
// every cell it answers; the cells it leaves to the binder are the ones it cannot model. Cells come
// from hand-written edge cases, the warm-up samples and every code cell of the shipped notebooks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cellNames, type CellNamesTs } from "../../kernel/src/engine/cell-names.js";
import { warmUpCells } from "../../kernel/src/engine/warm-up.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = tslabRequire("@tslab/typescript-for-tslab") as CellNamesTs & {
  createSourceFile(name: string, text: string, target: number): { statements: readonly unknown[]; text: string; locals?: Map<string, unknown> };
  bindSourceFile(file: unknown, options: object): void;
  ScriptTarget: { ES2020: number };
};
const PREFIX = "export {};\n"; // tslab's converter parses every cell behind it

function parse(cell: string) {
  return ts.createSourceFile("/cell.ts", PREFIX + cell, ts.ScriptTarget.ES2020);
}
function binderNames(cell: string): string[] {
  const file = parse(cell);
  ts.bindSourceFile(file, { target: ts.ScriptTarget.ES2020 });
  return [...(file.locals?.keys() ?? [])];
}
function walkedNames(cell: string): string[] | undefined {
  const names = cellNames(ts, parse(cell));
  return names && [...names.keys()];
}

const answered = [
  "1 + 1",
  "",
  "// only a comment",
  "const a = 1, b: string = 'x';\nlet c;\nvar d = 2;",
  "const { x, y: [first, , third], ...rest } = { x: 1, y: [2, 3, 4], z: 5 };\nconst [p = 1, { q }] = [0, { q: 1 }] as const;",
  "a + b;\nfunction f(x: number): number { var inner = x; return inner; }\nconst g = () => { var alsoInner = 1; return alsoInner; };",
  "interface P { red: number }\ntype Q = P & { nir: number };\nenum Band { Red = 3 }\nconst enum E { A }\nclass Grid<T> { cells: T[] = []; }\nabstract class Base {}",
  "function over(x: number): number;\nfunction over(x: string): string;\nfunction over(x: unknown) { return x; }\nconst later = over(1);",
  "interface Merged { a: number }\ninterface Merged { b: number }\nconst Merged = 1;\nfunction h() {}\nnamespace h { export const k = 1; }",
  'import * as path from "node:path";\nimport { join, resolve as res } from "node:path";\nimport fs, { readFileSync } from "node:fs";\nimport type { Stats } from "node:fs";\nimport "node:os";',
  'import os = require("node:os");\nnamespace Outer.Inner { export const z = 1; }\ndeclare const ambient: number;\ndeclare function af(): void;\ndeclare namespace DN { const w: number; }',
  "const __private = 1;\nfunction __helper() {}\nconst ___three = 3;",
  "for (let i = 0; i < 3; i++) { const inside = i; }\nif (true) { let scoped = 1; class Local {} }\ntry { const t = 1; } catch (e) { const u = e; }",
  "label: for (const k of [1]) { break label; }\nswitch (1) { case 1: { const s = 1; } }\n{ const blockOnly = 1; }",
  "export { };\nconst after = 1;",
  "await Promise.resolve(1);\nconst awaited = await Promise.resolve(2);\nfor await (const chunk of (async function* () { yield 1; })()) {}",
  "@((c: unknown) => c) class Decorated {}\nconst obj = { method() { var notHoisted = 1; return notHoisted; } };",
];
const leftToBinder = [
  "export const exported = 1;",
  "export default function () {}",
  "export default 42;",
  "export = {};",
  'declare module "some-module" { const x: number; }',
  "{ var hoisted = 5; }",
  "for (var i = 0; i < 2; i++) {}",
  "if (true) { var fromIf = 1; }",
  "try { var t = 1; } finally {}",
];

test("cellNames gives the binder's names in the binder's order", () => {
  for (const cell of answered) {
    const walked = walkedNames(cell);
    assert.ok(walked, `cellNames left this cell to the binder:\n${cell}`);
    assert.deepEqual(walked, binderNames(cell), cell);
  }
});

test("`declare global {}` names nothing of the cell's: the binder's names but its `__global`", () => {
  for (const cell of ["declare global { interface Window { k: number } }", "declare global { var g: number }\nconst after = 1;\nfunction f() {}"]) {
    const walked = walkedNames(cell);
    assert.ok(walked, cell);
    assert.deepEqual(walked, binderNames(cell).filter((n) => n !== "__global"), cell);
    assert.ok(binderNames(cell).includes("__global"), "the binder's local for a global augmentation");
  }
});

test("cellNames leaves cells it does not model to the binder", () => {
  for (const cell of leftToBinder) assert.equal(walkedNames(cell), undefined, cell);
});

test("cellNames agrees with the binder on the warm-up samples and every shipped notebook cell", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const cells = [...warmUpCells("0")];
  const dir = join(root, "notebooks");
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(join(dir, name), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
    for (const c of nb.cells) if (c.cell_type === "code") cells.push(Array.isArray(c.source) ? c.source.join("") : c.source);
  }
  assert.ok(cells.length > 20, `only ${cells.length} cells found`);
  let walked = 0;
  for (const cell of cells) {
    const names = walkedNames(cell);
    if (!names) continue;
    walked++;
    assert.deepEqual(names, binderNames(cell), cell);
  }
  // (nearly) every real cell takes the syntax-tree path
  assert.ok(walked >= cells.length - 2, `${cells.length - walked} of ${cells.length} cells went to the binder`);
});
