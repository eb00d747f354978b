// Debian's `jupyter console` (a real front end) answers a cell with this kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "../cli/ensure-dist.js";

test("jupyter console runs TypeScript cells with the installed kernelspec", () => {
  ensureDist();
  const prefix = mkdtempSync(join(tmpdir(), "ai4eo-console-"));
  try {
    const install = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const r = spawnSync("jupyter", ["console", "--kernel", "ai4eo", "--simple-prompt"], {
      input: "const bands: number = 6 * 7;\nbands\nconsole.log(`${bands} bands`)\n",
      encoding: "utf8",
      cwd: prefix,
      env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), AI4EO_HISTORY_FILE: join(prefix, "history.jsonl") },
      timeout: 180_000,
    });
    assert.match(r.stdout, /ai4eo \d+\.\d+\.\d+: TypeScript/);
    assert.match(r.stdout, /Out\[2\]: 42/);
    assert.match(r.stdout, /42 bands/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
