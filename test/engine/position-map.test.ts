import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createPositionMapper, type ScannerTs } from "../../kernel/src/engine/position-map.js";

const ts = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"))("@tslab/typescript-for-tslab") as ScannerTs;

test("maps executed JavaScript positions back to TypeScript cell lines, across template literals", () => {
  const tsSrc = "interface Scene { id: string }\ntype Id = string;\n\nfunction load(s: Scene): never {\n  throw new RangeError(`no ${s.id} here ${`nested ${1}`}`);\n}\nload({ id: 'S2A' });";
  const js = "Object.defineProperty(exports, \"__esModule\", { value: true });\nexports.load = exports.tsLastExpr = void 0;\nfunction load(s) {\n    throw new RangeError(`no ${s.id} here ${`nested ${1}`}`);\n}\nexports.load = load;\nexports.tsLastExpr = load({ id: 'S2A' });\n";
  const map = createPositionMapper(ts, tsSrc, js);
  assert.deepEqual(map(4, 11), { line: 5, column: 9 }); // `new RangeError`
  assert.deepEqual(map(7, 22), { line: 7, column: 1 }); // the call `load(...)`
  assert.deepEqual(map(3, 10), { line: 4, column: 10 }); // `load` in the declaration
});
