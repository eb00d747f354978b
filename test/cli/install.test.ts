import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, root } from "./ensure-dist.js";
import { jupyterUserDataDir, kernelsDir, parseInstallArgs } from "../../kernel/src/cli/install.js";

test("install --user writes kernel.json and logos where `jupyter kernelspec list` finds them", () => {
  ensureDist();
  const data = mkdtempSync(join(tmpdir(), "ai4eo-install-"));
  try {
    const env = { ...process.env, JUPYTER_DATA_DIR: data };
    const r = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "install", "--user"], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stderr);
    const dir = join(data, "kernels", "ai4eo");
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
    assert.deepEqual(spec.argv.slice(1), ["--max-semi-space-size=16", join(root, "bin", "ai4eo.js"), "kernel", "{connection_file}"]);
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.display_name, "AI4EO (TypeScript)");
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "signal");
    for (const logo of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) assert.ok(existsSync(join(dir, logo)), logo);
    const png = readFileSync(join(dir, "logo-64x64.png"));
    assert.equal(png.readUInt32BE(16), 64); // IHDR width
    assert.equal(png.readUInt32BE(20), 64); // IHDR height
    const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8", env });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).kernelspecs.ai4eo.resource_dir, dir);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test("install scopes: --prefix, --sys-prefix (asks python3), --user follows jupyter_core's rules", () => {
  assert.equal(kernelsDir({ kind: "prefix", dir: "/opt/env" }), "/opt/env/share/jupyter/kernels");
  // --sys-prefix asks the python3 on PATH, as `jupyter` run from that environment would look there
  const sysPrefix = spawnSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).stdout.trim();
  assert.ok(sysPrefix.length > 0);
  assert.equal(kernelsDir({ kind: "sys-prefix" }), join(sysPrefix, "share", "jupyter", "kernels"));
  assert.equal(jupyterUserDataDir({ XDG_DATA_HOME: "/x" }, "linux"), "/x/jupyter");
  assert.equal(jupyterUserDataDir({ JUPYTER_DATA_DIR: "/j" }, "linux"), "/j");
  assert.deepEqual(parseInstallArgs(["--prefix", "/p", "--name", "eo2"]), { scope: { kind: "prefix", dir: "/p" }, name: "eo2" });
  assert.throws(() => parseInstallArgs(["--user", "--sys-prefix"]), /choose one of/);
  assert.throws(() => parseInstallArgs(["--frobnicate"]), /unknown option --frobnicate/);
});

test("the ai4eo command: --version from package.json, unknown commands exit 2", () => {
  ensureDist();
  const pj = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const v = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "--version"], { encoding: "utf8" });
  assert.equal(v.stdout, `ai4eo ${pj.version}\n`);
  const u = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "nope"], { encoding: "utf8" });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command "nope"/);
  assert.match(u.stderr, /install .*\n.*kernel .*\n.*run /);
  const k = spawnSync(process.execPath, [join(root, "bin", "ai4eo.js"), "kernel", "/nonexistent.json"], { encoding: "utf8" });
  assert.equal(k.status, 2);
  assert.match(k.stderr, /Cannot use the Jupyter connection file \/nonexistent\.json/);
});
