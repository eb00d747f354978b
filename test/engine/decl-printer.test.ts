// The declarations printer gives exactly printer.printFile's text and prints a statement carried
// from one file to the next only once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createDeclsPrinter, type DeclsFileLike, type DeclsPrinterTs, type PrinterLike } from "../../kernel/src/engine/decl-printer.js";

const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
type Ts = DeclsPrinterTs & {
  createSourceFile(name: string, text: string, target: number, setParents?: boolean): DeclsFileLike;
  createPrinter(o: { newLine: number }): PrinterLike;
  NewLineKind: { LineFeed: number };
  ScriptTarget: { ES2022: number };
};
const ts = tslabRequire("@tslab/typescript-for-tslab") as Ts;
const parse = (text: string): DeclsFileLike => ts.createSourceFile("decls.d.ts", text, ts.ScriptTarget.ES2022, true);

/** A printer that counts the statements it prints one by one. */
function countingPrinter(): PrinterLike & { nodes: number; files: number } {
  const p = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const counting = {
    nodes: 0,
    files: 0,
    printFile(file: never) {
      counting.files++;
      return p.printFile(file);
    },
    printNode(hint: number, node: never, file: never) {
      counting.nodes++;
      return p.printNode(hint, node, file);
    },
  };
  return counting;
}

const texts = [
  "declare const x: number;\n",
  "// header\n\ndeclare const x: number;\n",
  "/* a */ /* b */\n\n/** doc */\ndeclare const x: number; // t\n// lone\n\ndeclare let y: string;\n",
  "/*! keep */\n\n\ninterface A {\n    a: number;\n}\ntype B = A[]; /* block */ // and line\n",
  "declare const x: number;\n// a comment after the last statement\n",
  "#!/usr/bin/env node\ndeclare const x: number;\n",
  '/// <reference types="node" />\ndeclare const b: Buffer;\n',
  'declare const a = 1;\n/// <reference types="node" />\ndeclare const b: Buffer;\n',
  "// only a comment\n",
  "",
  'import { a, b as c } from "m";\nimport * as ns from "n";\ndeclare function f(x: number): number;\ndeclare function f(x: string): string;\ndeclare class K<T> {\n    t: T;\n}\n',
];

test("the same text as printer.printFile, for files of every shape", () => {
  const print = createDeclsPrinter(ts);
  for (const text of texts) {
    const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
    // twice: the second time from memory
    assert.equal(print(printer, parse(text)), printer.printFile(parse(text) as never), JSON.stringify(text));
    assert.equal(print(printer, parse(text)), printer.printFile(parse(text) as never), JSON.stringify(text));
  }
});

test("statements carried to the next file are printed once; files it cannot print exactly go to printFile", () => {
  const print = createDeclsPrinter(ts);
  const p = countingPrinter();
  const older = "/** doc */\ndeclare function f(x: number): number; // note\ninterface P {\n    a: number;\n}\n";
  print(p, parse(older));
  assert.deepEqual([p.nodes, p.files], [2, 0]);
  const newer = "declare const added: string;\n" + older;
  assert.equal(print(p, parse(newer)), ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(parse(newer) as never));
  // the new statement, and f, which no longer starts the file (a file's first comments are read differently)
  assert.deepEqual([p.nodes, p.files], [4, 0]);
  const newest = "declare let more: number[];\n" + newer;
  print(p, parse(newest));
  assert.deepEqual([p.nodes, p.files], [6, 0], "only the new statement and the one it displaced from the start were printed");
  print(p, parse('/// <reference types="node" />\n' + newest));
  assert.deepEqual([p.nodes, p.files], [6, 1]);
});

test("a statement the converter trimmed is printed as trimmed, not from the memory of its whole form", () => {
  const print = createDeclsPrinter(ts);
  const p = countingPrinter();
  const text = 'declare const a = 1, b = 2;\nimport { x, y } from "m";\n';
  print(p, parse(text));
  const file = parse(text) as DeclsFileLike & { statements: { declarationList?: { declarations: unknown[] }; importClause?: { namedBindings: { elements: unknown[] } } }[] };
  // what tslab's remainingDecls does when a later cell redeclares b and y
  const [vars, imp] = file.statements;
  (vars!.declarationList as { declarations: unknown[] }).declarations = vars!.declarationList!.declarations.slice(0, 1);
  (imp!.importClause!.namedBindings as { elements: unknown[] }).elements = imp!.importClause!.namedBindings.elements.slice(0, 1);
  assert.equal(print(p, file), 'declare const a = 1;\nimport { x } from "m";\n');
});
