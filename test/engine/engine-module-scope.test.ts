// A cell sees what Node's module wrapper gives a CommonJS file: exports, require, __filename and
// __dirname (@types/node types the last two as globals: a cell using them type-checked, then failed
// at run time with a ReferenceError).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Engine } from "../../kernel/src/engine/engine.js";

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "ai4eo-scope-")));
const cwd = process.cwd();
const engine = await Engine.create<object>({
  hooks: { stream: () => undefined, uncaught: () => undefined, input: async () => "" },
  captureOutput: false,
  rootDir: dir,
});
after(() => {
  engine.close();
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

test("__dirname is the folder cells run in, __filename a name in it, also in async and declaring cells", async () => {
  writeFileSync(path.join(dir, "data.txt"), "42");
  for (const [cell, expected] of [
    ["__dirname", dir],
    ["path.dirname(__filename)", dir],
    ["const here: string = __dirname;\nhere", dir],
    ["await Promise.resolve(__dirname)", dir],
    ["(await import('node:fs')).readFileSync(path.join(__dirname, 'data.txt'), 'utf8')", "42"],
  ] as const) {
    const r = await engine.execute(cell.startsWith("path.") || cell.includes("path.join") ? `import path from "node:path";\n${cell}` : cell, {});
    assert.deepEqual(r, { status: "ok", hasValue: true, value: expected }, cell);
  }
});
