// Cells see the global declarations of @types/node only: other @types packages in node_modules
// (ai4eo's own dependencies bring jquery, lodash, react…) no longer slow the first cell down or
// declare globals that do not exist at run time; imports still bring a package's types and globals.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GLOBAL_TYPES, loadConverter } from "../../kernel/src/engine/converter-loader.js";

type Conv = { convert(prev: string, src: string): { diagnostics: { messageText?: unknown }[] }; close(): void };
const tslabRequire = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const dir = mkdtempSync(join(tmpdir(), "ai4eo-global-types-"));
const types = join(dir, "node_modules", "@types");
// a package that declares globals, as @types/jquery declares $ (a module whose index references a
// file of globals), and a module package with its types
mkdirSync(join(types, "fakeglobal"), { recursive: true });
writeFileSync(join(types, "fakeglobal", "package.json"), JSON.stringify({ name: "@types/fakeglobal", version: "1.0.0", types: "index.d.ts" }));
writeFileSync(join(types, "fakeglobal", "index.d.ts"), '/// <reference path="globals.d.ts" />\nexport declare const version: string;\n');
writeFileSync(join(types, "fakeglobal", "globals.d.ts"), "declare const fakeGlobal: number;\n");
mkdirSync(join(dir, "node_modules", "fakemod"), { recursive: true });
writeFileSync(join(dir, "node_modules", "fakemod", "package.json"), JSON.stringify({ name: "fakemod", version: "1.0.0", main: "index.js", types: "index.d.ts" }));
writeFileSync(join(dir, "node_modules", "fakemod", "index.d.ts"), "export declare function twice(x: number): number;\n");
writeFileSync(join(dir, "node_modules", "fakemod", "index.js"), "exports.twice = (x) => 2 * x;\n");

const here = process.cwd();
process.chdir(dir); // tslab's converter takes its type roots from the working folder
let light: Conv;
let original: Conv;
try {
  light = loadConverter(tslabRequire).createConverter({ isJS: false, isBrowser: false }) as unknown as Conv;
  original = (tslabRequire("./dist/converter.js") as { createConverter(o: object): Conv }).createConverter({ isJS: false, isBrowser: false });
} finally {
  process.chdir(here);
}
after(() => {
  light.close();
  original.close();
  rmSync(dir, { recursive: true, force: true });
});
const messages = (r: ReturnType<Conv["convert"]>): string => r.diagnostics.map((d) => String(d.messageText)).join("\n");

test("only @types/node is global", () => {
  assert.deepEqual(GLOBAL_TYPES, ["node"]);
  assert.equal(messages(original.convert("", "fakeGlobal + 1")), "", "tslab's own converter takes in every @types package");
  assert.match(messages(light.convert("", "fakeGlobal + 1")), /Cannot find name 'fakeGlobal'/);
  assert.equal(messages(light.convert("", "process.version.length + Buffer.byteLength('x')")), "");
});

test("a package's types still come with its import, and a type-only import takes in another package's globals", () => {
  assert.equal(messages(light.convert("", 'import { twice } from "fakemod";\ntwice(2)')), "");
  assert.match(messages(light.convert("", 'import { twice } from "fakemod";\ntwice("2")')), /not assignable to parameter of type 'number'/);
  assert.equal(messages(light.convert("", 'import type * as fake from "fakeglobal";\nfakeGlobal + 1')), "");
});
