// Shorthand properties naming an earlier cell's variable are written out in full, so tslab's
// converter rewrites them to exports.name; checked by running the converted code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { expandShorthand, expandShorthandIn, declaredNames, type ShorthandTs } from "../../kernel/src/engine/expand-shorthand.js";
import { loadConverter } from "../../kernel/src/engine/converter-loader.js";

const req = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = req("@tslab/typescript-for-tslab") as ShorthandTs;
const { createConverter } = req("./dist/converter.js") as {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): {
    convert(prev: string, src: string): { output?: string; declOutput?: string; diagnostics: unknown[] };
    close(): void;
  };
};

test("declaredNames lists variables, destructured names, functions, classes and imports of earlier cells", () => {
  const decl = "import { join, sep as s } from 'node:path';\nimport * as fs from 'node:fs';\ndeclare const a = 3;\ndeclare let std: number;\n" +
    "declare function f(): number;\ndeclare class K {\n}\ndeclare const q: number, rr: number;\n";
  assert.deepEqual([...declaredNames(ts, decl)].sort(), ["K", "a", "f", "fs", "join", "q", "rr", "s", "std"]);
});

test("only shorthands of earlier cells' names are expanded; other code keeps its columns", () => {
  const decl = "declare const std: number;\ndeclare const a = 3;\n";
  assert.equal(expandShorthand(ts, "({ std, a, local })", decl), "({ std: std, a: a, local })");
  assert.equal(expandShorthand(ts, "const o = { x: 1 }; o", decl), "const o = { x: 1 }; o");
  assert.equal(expandShorthand(ts, "({ std = 2 } = {})", decl), "({ std: std = 2 } = {})");
  assert.equal(expandShorthand(ts, "({ std })", ""), "({ std })");
});

test("converted cells with shorthands of earlier variables run and see the values", () => {
  const conv = createConverter({ isJS: false, isBrowser: false });
  try {
    const exports: Record<string, unknown> = {};
    const run = (prev: string, src: string) => {
      const r = conv.convert(prev, expandShorthand(ts, src, prev));
      assert.deepEqual(r.diagnostics, []);
      new Function("exports", "require", r.output!)(exports, () => undefined);
      return r.declOutput ?? "";
    };
    const d1 = run("", "const std = 5;\nconst name = 'ndvi';");
    run(d1, "const o = { std, name, extra: 1 };\nconst { a = std } = {} as { a?: number };");
    assert.deepEqual(exports["o"], { std: 5, name: "ndvi", extra: 1 });
    assert.equal(exports["a"], 5);
  } finally {
    conv.close();
  }
});

test("expandShorthandIn works on a parse of the cell behind a prefix (the converter's own parse)", () => {
  const decl = "declare const std: number;\n";
  const prefix = "export {};\n";
  const code = "const o = { std, k: 1 };";
  const file = ts.createSourceFile("c.ts", prefix + code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  assert.equal(expandShorthandIn(ts, file, code, prefix.length, decl), "const o = { std: std, k: 1 };");
  assert.equal(expandShorthandIn(ts, file, code, prefix.length, ""), code);
});

test("the patched converter (loadConverter) writes the shorthands out itself: raw cells run and see the values", () => {
  const { createConverter: create, cellNamesPatched } = loadConverter(req);
  assert.equal(cellNamesPatched, true, "tslab 1.0.22's convert was patched");
  const conv = create({ isJS: false, isBrowser: false });
  try {
    const exports: Record<string, unknown> = {};
    const run = (prev: string, src: string) => {
      const r = conv.convert(prev, src);
      assert.deepEqual(r.diagnostics, []);
      new Function("exports", "require", r.output!)(exports, () => undefined);
      return r.declOutput ?? "";
    };
    const d1 = run("", "const std = 5;\nconst name = 'ndvi';");
    const d2 = run(d1, "const o = { std, name, extra: 1 };\nconst { a = std } = {} as { a?: number };");
    assert.deepEqual(exports["o"], { std: 5, name: "ndvi", extra: 1 });
    assert.equal(exports["a"], 5);
    assert.match(d2, /declare const o: \{/);
  } finally {
    conv.close();
  }
});
