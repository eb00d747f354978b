// The converter's known internal failures, and exports a cell cannot share, become errors that say how to rewrite the cell;
// checked on the real converter with a declaration whose type lives in a module the cell does not import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { explainConverterFailure } from "../../kernel/src/engine/converter-errors.js";
import { CellExportError } from "../../kernel/src/engine/cell-exports.js";

const req = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));

test("nested awaits whose type comes from an unimported module: the converter's assertion is explained", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-conv-"));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    writeFileSync(join(dir, "inner.ts"), "export class Inner { width = 3; }\n");
    writeFileSync(join(dir, "lib.ts"), "import { Inner } from './inner';\nexport async function open(p: string) { return { async read() { return new Inner(); } }; }\n");
    const { createConverter } = req("./dist/converter.js") as {
      createConverter(o: { isJS: boolean; isBrowser: boolean }): { convert(prev: string, src: string): unknown; close(): void };
    };
    const conv = createConverter({ isJS: false, isBrowser: false });
    let thrown: unknown;
    try {
      conv.convert("", `import { open } from '${join(dir, "lib")}';\nconst r = await (await open('x')).read();`);
    } catch (e) {
      thrown = e;
    } finally {
      conv.close();
    }
    assert.ok(thrown instanceof Error, "the converter asserts on this cell");
    const fields = explainConverterFailure(thrown);
    assert.equal(fields?.ename, "TypeScriptLimitation");
    assert.match(fields!.evalue, /Split the nested awaits into statements/);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(explainConverterFailure(new Error("something else")), undefined);
});

test("a CellExportError becomes an error at the cell's line and column, with the line and a caret under it", () => {
  const code = "const a = 1;\n  export { a as b };";
  const fields = explainConverterFailure(new CellExportError("`export { a as b }` in a cell: …", 1, 2), code);
  assert.equal(fields?.ename, "CellExportError");
  assert.equal(fields!.evalue, "2:3 `export { a as b }` in a cell: …");
  assert.deepEqual(fields!.traceback.slice(1), ["  export { a as b };", "  ^"]);
  assert.match(fields!.traceback[0]!, /2:3 - CellExportError:/);
});
