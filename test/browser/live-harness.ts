// Live harness: Debian's jupyter_server with this kernel installed in a temporary prefix, a small
// local page server for dist/widgets/live.js, and helpers to drive `window.ai4eoLive` in chromium.
// Used by test/browser/live.test.ts (and reusable by the map's live tests).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createServer as netServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import assert from "node:assert/strict";
import { ROOT, type BrowserSession } from "./harness.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>ai4eo live</title>
<link rel="stylesheet" href="/live.css"></head><body><div id="outputs"></div><script src="/live.js"></script></body></html>`;

/** Serve the live page and its bundle from dist/widgets on 127.0.0.1. */
export async function startPageServer(): Promise<{ url: string; origin: string; server: Server }> {
  const port = await freePort();
  const dist = join(ROOT, "dist", "widgets");
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/" || path === "/index.html") return void res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    if (path === "/live.js" || path === "/live.css") {
      const type = path.endsWith(".js") ? "text/javascript" : "text/css";
      return void res.writeHead(200, { "content-type": type }).end(readFileSync(join(dist, path.slice(1))));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/`, origin, server };
}

export interface JupyterServer {
  baseUrl: string;
  token: string;
  proc: ChildProcess;
  prefix: string;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Install the ai4eo kernelspec into a temporary prefix and start Debian's jupyter_server
 * (`/usr/bin/python3 -m jupyter_server --allow-root`) on 127.0.0.1, allowing `origin`.
 * The kernel runs in the temporary prefix (outside the repository), as a user's notebook folder would.
 */
export async function startJupyterServer(origin: string): Promise<JupyterServer> {
  const prefix = mkdtempSync(join(tmpdir(), "ai4eo-live-"));
  const inst = spawnSync(process.execPath, [join(ROOT, "bin", "ai4eo.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  if (inst.status !== 0) throw new Error(`ai4eo install failed: ${inst.stderr}`);
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  let out = "";
  const proc = spawn("/usr/bin/python3", [
    "-m", "jupyter_server", "--allow-root", "--no-browser", `--ServerApp.port=${port}`, "--ServerApp.ip=127.0.0.1",
    `--ServerApp.token=${token}`, `--ServerApp.allow_origin=${origin}`, `--ServerApp.root_dir=${prefix}`,
    "--ServerApp.port_retries=0",
  ], {
    env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), JUPYTER_RUNTIME_DIR: join(prefix, "runtime"), JUPYTER_CONFIG_DIR: join(prefix, "config"), AI4EO_HISTORY_FILE: join(prefix, "history.jsonl") },
    stdio: ["ignore", "pipe", "pipe"], detached: true, cwd: prefix,
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const baseUrl = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter_server exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${baseUrl}api/status?token=${token}`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`jupyter_server did not start in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl, token, proc, prefix, log: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once("exit", r));
        process.kill(-proc.pid!, "SIGTERM");
        const t = setTimeout(() => { if (proc.exitCode === null) process.kill(-proc.pid!, "SIGKILL"); }, 5000);
        await done;
        clearTimeout(t);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** What the live page's `ai4eoLive.execute` answers for a cell. */
export type Exec = { status: string; text: string[]; widgets: string[]; error?: string };

/** Runs a cell through the live page's kernel connection; fails the test unless it ends "ok". */
export async function runCell(session: BrowserSession, code: string): Promise<Exec> {
  const r = await session.page.evaluate((c) => (window as unknown as { ai4eoLive: { execute(c: string): Promise<Exec> } }).ai4eoLive.execute(c), code);
  assert.equal(r.status, "ok", `cell failed: ${r.error}\n${code}`);
  return r;
}
