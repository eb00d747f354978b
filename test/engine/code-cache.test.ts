// The V8 code cache of big CommonJS modules between kernel starts: miss → save → hit in a new
// process, stale or corrupt data rejected (the module still loads), old caches and abandoned
// temporary files removed, env rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { codeCacheDir } from "../../kernel/src/engine/code-cache.js";

const codeCacheTs = new URL("../../kernel/src/engine/code-cache.ts", import.meta.url).pathname;

/** Loads `file` with the cache in `dir` in a fresh process (as a new kernel would), calls it, saves. */
function loadInFreshProcess(file: string, dir: string, flags: string[] = []): { status: string; value: unknown; saved: boolean } {
  const script = `
import { requireWithCodeCache } from ${JSON.stringify(codeCacheTs)};
const m = requireWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(dir)});
const value = m.exports.fib(20) + m.exports.label;
const saved = await m.save();
console.log(JSON.stringify({ status: m.status, value, saved }));
`;
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("a module compiles from the cache an earlier process wrote; stale and corrupt caches are rejected and replaced", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-code-cache-"));
  try {
    const mod = join(dir, "big-module.js");
    const source = (label: string) =>
      `"use strict";\nfunction fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n` +
      Array.from({ length: 300 }, (_, i) => `function helper${i}(x) { return x * ${i} + ${i}; }`).join("\n") +
      `\nexports.fib = fib;\nexports.label = ${JSON.stringify(label)};\n`;
    writeFileSync(mod, source(" one"));
    const cacheDir = join(dir, "cache");
    const first = loadInFreshProcess(mod, cacheDir);
    assert.deepEqual(first, { status: "miss", value: "6765 one", saved: true });
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^big-module-[0-9a-f]{16}-[0-9a-f]{8}\.v8cache$/);
    assert.deepEqual(loadInFreshProcess(mod, cacheDir), { status: "hit", value: "6765 one", saved: false }, "a hit is not written again");

    // corrupt data under the same key: V8 rejects it, the module loads from source, the save replaces it
    writeFileSync(join(cacheDir, files[0]!), Buffer.alloc(4096, 7));
    assert.deepEqual(loadInFreshProcess(mod, cacheDir), { status: "rejected", value: "6765 one", saved: true });
    assert.equal(loadInFreshProcess(mod, cacheDir).status, "hit");

    // a changed module (size and mtime in the key) misses; its save removes the old version's cache
    // and the temporary files of saves that will not finish (their process gone, or an hour old);
    // a running process's temporary file and other files stay
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const deadTmp = join(cacheDir, `${files[0]}.${gone}.tmp`);
    const liveTmp = join(cacheDir, `${files[0]}.${process.pid}.tmp`);
    const oldTmp = join(cacheDir, `big-module-0000000000000000.v8cache.${process.pid}.tmp`);
    const other = join(cacheDir, "other-module-0000000000000000.v8cache.1.tmp");
    for (const f of [deadTmp, liveTmp, oldTmp, other]) writeFileSync(f, Buffer.alloc(512 * 1024));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(oldTmp, twoHoursAgo, twoHoursAgo);
    writeFileSync(mod, source(" two, longer"));
    assert.deepEqual(loadInFreshProcess(mod, cacheDir), { status: "miss", value: "6765 two, longer", saved: true });
    const after = readdirSync(cacheDir).sort();
    assert.equal(after.length, 3, after.join(", "));
    assert.ok(after.includes(`${files[0]}.${process.pid}.tmp`) && after.includes("other-module-0000000000000000.v8cache.1.tmp"), after.join(", "));
    const cache = after.find((f) => f.endsWith(".v8cache"))!;
    assert.match(cache, /^big-module-[0-9a-f]{16}-[0-9a-f]{8}\.v8cache$/);
    assert.notEqual(cache, files[0]);
    // a hit writes nothing but sweeps too (else left-overs would stay as long as the cache hits)
    writeFileSync(deadTmp, Buffer.alloc(1024));
    writeFileSync(join(cacheDir, "big-module-1111111111111111.v8cache"), Buffer.alloc(1024));
    assert.deepEqual(loadInFreshProcess(mod, cacheDir), { status: "hit", value: "6765 two, longer", saved: false });
    assert.deepEqual(readdirSync(cacheDir).sort(), after);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("processes started with other Node flags keep a cache each (V8 refuses another flag set's data), at most four per module version", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-code-cache-"));
  try {
    const mod = join(dir, "flagged-module.js");
    writeFileSync(mod, `"use strict";\nfunction fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nexports.fib = fib;\nexports.label = "";\n`);
    const cacheDir = join(dir, "cache");
    const small = ["--max-semi-space-size=8"];
    const large = ["--max-semi-space-size=16"];
    // before: the second flag set found the first's data rejected and replaced it, and so on each start
    assert.equal(loadInFreshProcess(mod, cacheDir, small).status, "miss");
    assert.equal(loadInFreshProcess(mod, cacheDir, large).status, "miss");
    assert.equal(loadInFreshProcess(mod, cacheDir, small).status, "hit");
    assert.equal(loadInFreshProcess(mod, cacheDir, large).status, "hit");
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 2, files.join(", "));
    const [, key] = /^flagged-module-([0-9a-f]{16})-[0-9a-f]{8}\.v8cache$/.exec(files[0]!)!;
    assert.ok(files.every((f) => f.startsWith(`flagged-module-${key}-`)), "one module version, two flag sets");
    // more flag sets: the least recently written beyond four go
    for (const [i, f] of ["aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"].entries()) {
      const at = join(cacheDir, `flagged-module-${key}-${f}.v8cache`);
      writeFileSync(at, Buffer.alloc(64));
      const t = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(at, t, t);
    }
    assert.equal(loadInFreshProcess(mod, cacheDir, ["--max-semi-space-size=4"]).status, "miss");
    const kept = readdirSync(cacheDir).sort();
    assert.equal(kept.length, 4, kept.join(", "));
    for (const gone of ["aaaaaaaa", "bbbbbbbb", "cccccccc"]) assert.ok(!kept.includes(`flagged-module-${key}-${gone}.v8cache`), kept.join(", "));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("codeCacheDir: AI4EO_CODE_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache; off disables", () => {
  assert.equal(codeCacheDir({ AI4EO_CODE_CACHE_DIR: "/x/y" }), "/x/y");
  assert.equal(codeCacheDir({ AI4EO_CODE_CACHE_DIR: "off" }), undefined);
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: "/c" }), "/c/ai4eo/v8");
  assert.equal(codeCacheDir({}), join(homedir(), ".cache", "ai4eo", "v8"));
});

test("an unwritable cache folder means no cache, not an error", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-code-cache-"));
  try {
    const mod = join(dir, "m.js");
    writeFileSync(mod, `exports.fib = (n) => n; exports.label = "";\n`);
    const blocker = join(dir, "file-not-folder");
    writeFileSync(blocker, "");
    const r = loadInFreshProcess(mod, join(blocker, "cache"));
    assert.deepEqual(r, { status: "miss", value: "20", saved: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a kernel's engine writes TypeScript's code cache once warm, and the next engine loads from it", () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-code-cache-"));
  const engineTs = new URL("../../kernel/src/engine/engine.ts", import.meta.url).pathname;
  const script = `
import { existsSync, readdirSync } from "node:fs";
import { Engine } from ${JSON.stringify(engineTs)};
const engine = await Engine.create({ hooks: { stream() {}, uncaught() {}, input: async () => "" }, captureOutput: false });
const status = engine.codeCacheStatus;
await engine.warmUp();
const r = await engine.execute("const n: number = 40; n + 2", {});
const t = Date.now();
while (status !== "hit" && !(existsSync(process.env.AI4EO_CODE_CACHE_DIR) && readdirSync(process.env.AI4EO_CODE_CACHE_DIR).some((f) => f.endsWith(".v8cache"))) && Date.now() - t < 20000) await new Promise((r) => setTimeout(r, 100));
console.log(JSON.stringify({ status, value: r.value, files: existsSync(process.env.AI4EO_CODE_CACHE_DIR) ? readdirSync(process.env.AI4EO_CODE_CACHE_DIR) : [] }));
engine.close();
process.exit(0);
`;
  try {
    const run = () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        encoding: "utf8", env: { ...process.env, AI4EO_CODE_CACHE_DIR: join(dir, "v8") },
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split("\n").pop()!) as { status: string; value: number; files: string[] };
    };
    const first = run();
    assert.equal(first.status, "miss");
    assert.equal(first.value, 42);
    assert.equal(first.files.length, 1);
    assert.match(first.files[0]!, /^typescript-[0-9a-f]{16}-[0-9a-f]{8}\.v8cache$/);
    const second = run();
    assert.equal(second.status, "hit");
    assert.equal(second.value, 42);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
