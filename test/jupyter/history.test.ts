import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, appendFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore } from "../../kernel/src/jupyter/history.js";

test("history survives reopening, numbers sessions, and answers tail/range/search", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-history-"));
  const file = join(dir, "h.jsonl");
  try {
    const a = HistoryStore.open(file);
    assert.equal(a.session, 1);
    a.append(1, "const ndvi = 0.5;");
    a.append(2, "ndvi * 2", "1");
    a.flush();
    appendFileSync(file, "{torn line\n");
    const b = HistoryStore.open(file);
    assert.equal(b.session, 2);
    b.append(1, "ndvi * 2", "1");
    b.append(2, "const evi = 2.5;");
    assert.deepEqual(b.tail(2, false), [[2, 1, "ndvi * 2"], [2, 2, "const evi = 2.5;"]]);
    assert.deepEqual(b.tail(1, true), [[2, 2, ["const evi = 2.5;", null]]]);
    assert.deepEqual(b.range(1, 2, 3, true), [[1, 2, ["ndvi * 2", "1"]]]);
    assert.deepEqual(b.range(0, 1, undefined, false), [[2, 1, "ndvi * 2"], [2, 2, "const evi = 2.5;"]]);
    assert.deepEqual(b.range(-1, 1, 2, false), [[1, 1, "const ndvi = 0.5;"]]);
    assert.deepEqual(b.search("ndvi*", 0, false, false).length, 2);
    assert.deepEqual(b.search("ndvi*", 0, true, false), [[2, 1, "ndvi * 2"]]);
    assert.deepEqual(b.search("const ?vi*", 0, false, false), [[2, 2, "const evi = 2.5;"]]);
    assert.deepEqual(b.search("*", 1, false, false), [[2, 2, "const evi = 2.5;"]]);
    assert.deepEqual(b.search("n.vi*", 0, false, false), []); // "." is literal, not a regex
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the history file's directory is made on the first append, and again if it goes away", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-history-"));
  const file = join(dir, "deep", "er", "h.jsonl");
  try {
    const h = HistoryStore.open(file);
    h.append(1, "1 + 1", "2");
    h.flush();
    rmSync(join(dir, "deep"), { recursive: true });
    h.append(2, "2 + 2", "4");
    h.flush();
    assert.deepEqual(HistoryStore.open(file).tail(5, true), [[h.session, 2, ["2 + 2", "4"]]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("appends reach the file after the current turn, at flush(), or when the process exits; queries see them at once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-history-"));
  const file = join(dir, "h.jsonl");
  try {
    const h = HistoryStore.open(file);
    h.append(1, "1 + 1", "2");
    assert.deepEqual(h.tail(1, false), [[h.session, 1, "1 + 1"]]);
    assert.equal(existsSync(file), false, "not written within the turn of the append");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(HistoryStore.open(file).tail(5, false), [[h.session, 1, "1 + 1"]]);
    // a process that exits right after appending (as a kernel does on shutdown) still writes its lines
    const script = `const { HistoryStore } = await import(${JSON.stringify(new URL("../../kernel/src/jupyter/history.ts", import.meta.url).href)});
      const h = HistoryStore.open(${JSON.stringify(file)}); h.append(1, "a"); h.append(2, "b"); process.exit(0);`;
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    assert.deepEqual(HistoryStore.open(file).tail(2, false), [[2, 1, "a"], [2, 2, "b"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
