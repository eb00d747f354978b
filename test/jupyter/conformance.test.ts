// Runs the official jupyter_kernel_test suite (Debian's python3-jupyter-kernel-test) against the
// kernel installed into a temporary Jupyter path, and requires every test to pass (none skipped).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "../cli/ensure-dist.js";

test("jupyter_kernel_test: all 12 conformance tests pass", () => {
  ensureDist();
  const prefix = mkdtempSync(join(tmpdir(), "ai4eo-conformance-"));
  try {
    const install = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const r = spawnSync("/usr/bin/python3", [join(root, "test", "jupyter", "conformance.py")], {
      encoding: "utf8",
      cwd: prefix,
      env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), AI4EO_HISTORY_FILE: join(prefix, "history.jsonl") },
      timeout: 300_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.match(out, /Ran 12 tests/, out);
    assert.doesNotMatch(out, /skipped|FAIL|ERROR/, out);
    assert.equal((out.match(/ \.\.\. ok$/gm) ?? []).length, 12, out);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
