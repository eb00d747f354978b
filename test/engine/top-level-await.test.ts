// Top-level await detection that tslab's converter misses: awaits nested in expressions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { hasTopLevelAwait, type AwaitTs } from "../../kernel/src/engine/top-level-await.js";

const req = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
const ts = req("@tslab/typescript-for-tslab") as AwaitTs;

test("awaits at the top level, however deeply nested in expressions, are found", () => {
  for (const code of [
    "const s = await open('a');",
    "const w = (await (await open('a')).read()).width;",
    "const x: Uint8Array = (await (await open('a')).read()).band(1);\nx.length",
    "console.log([await a, 1]);",
    "for await (const t of tiles()) {}",
    "if (ok) { const r = { v: await g() }; }",
  ]) assert.equal(hasTopLevelAwait(ts, code), true, code);
});

test("awaits inside functions, and the word in strings or names, are not top-level", () => {
  for (const code of [
    "const f = async () => await g();",
    "async function h() { for await (const t of x) {} return await y; }",
    "class K { async m() { await z; } }",
    "const o = { async m() { await z; } };",
    "const s = 'await me'; const awaited = 1;",
    "1 + 1",
  ]) assert.equal(hasTopLevelAwait(ts, code), false, code);
});
