import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { checkComplete, type CompletenessTs } from "../../kernel/src/engine/is-complete.js";

const ts = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"))("@tslab/typescript-for-tslab") as CompletenessTs;

test("is_complete: complete, incomplete with indent, invalid", () => {
  assert.deepEqual(checkComplete(ts, "const x: number = 1;"), { status: "complete" });
  assert.deepEqual(checkComplete(ts, "if (x) {\n  f(x);"), { status: "incomplete", indent: "  " });
  assert.deepEqual(checkComplete(ts, "function f() {"), { status: "incomplete", indent: "  " });
  assert.deepEqual(checkComplete(ts, "const xs = ["), { status: "incomplete", indent: "  " });
  assert.deepEqual(checkComplete(ts, "/* a comment"), { status: "incomplete", indent: "" });
  assert.deepEqual(checkComplete(ts, "const t = `x ${"), { status: "incomplete", indent: "  " });
  assert.deepEqual(checkComplete(ts, "1 +* 2"), { status: "invalid" });
  assert.deepEqual(checkComplete(ts, "const x = );"), { status: "invalid" });
  assert.deepEqual(checkComplete(ts, "function f() {\n\n\n"), { status: "complete" }); // blank lines force a run
});
