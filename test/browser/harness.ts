// The real-browser harness of the widget tests (and the map's): Debian's chromium via
// playwright-core with the flags of architecture.md and a fresh profile, every request recorded,
// and screenshot comparison against stored references within a stated tolerance.
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decode } from "fast-png";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Build dist/widgets when it is missing or older than a source under widgets/. */
export function ensureWidgetBundles(): void {
  const out = join(ROOT, "dist", "widgets", "embed.js");
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
    .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(ROOT, "widgets"))) return;
  const r = spawnSync(process.execPath, [join(ROOT, "widgets", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`widgets build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** console errors and page errors. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Start chromium with a fresh profile. Requests to anything but the allowed URL prefixes are
 * recorded and aborted (default allowed: file: and data:).
 */
export async function openBrowser(options: { allow?: string[]; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), "ai4eo-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1100, height: 900 }, deviceScaleFactor: 1,
  });
  const allow = options.allow ?? ["file:", "data:"];
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    if (allow.some((p) => url.startsWith(p))) return route.continue();
    return route.abort("blockedbyclient");
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  return {
    context, page, requests, errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Result of a screenshot comparison. */
export interface Comparison {
  /** Fraction of pixels whose largest channel difference exceeds `threshold`. */
  differing: number;
  ok: boolean;
  message: string;
}

/**
 * Compare a PNG screenshot with the stored reference `test/browser/references/<name>.png`. Pixels
 * count as different when a channel differs by more than `threshold` (default 40 of 255); the
 * comparison passes when at most `tolerance` of them do (default 1%) and sizes match. On mismatch the
 * new image is written next to the reference as `<name>.actual.png`. With AI4EO_UPDATE_SCREENSHOTS=1
 * the reference is (re)written instead. A missing reference fails.
 */
export function compareScreenshot(name: string, png: Buffer, options: { threshold?: number; tolerance?: number } = {}): Comparison {
  const ref = join(ROOT, "test", "browser", "references", `${name}.png`);
  const actualPath = ref.replace(/\.png$/, ".actual.png");
  if (process.env["AI4EO_UPDATE_SCREENSHOTS"] === "1") {
    writeFileSync(ref, png);
    return { differing: 0, ok: true, message: `wrote reference ${ref}` };
  }
  if (!existsSync(ref)) {
    writeFileSync(actualPath, png);
    return { differing: 1, ok: false, message: `no reference ${ref}; wrote ${actualPath} (look at it, then rename it or run with AI4EO_UPDATE_SCREENSHOTS=1)` };
  }
  const a = decode(png), b = decode(readFileSync(ref));
  if (a.width !== b.width || a.height !== b.height) {
    writeFileSync(actualPath, png);
    return { differing: 1, ok: false, message: `size ${a.width}×${a.height} differs from reference ${b.width}×${b.height}; wrote ${actualPath}` };
  }
  const threshold = options.threshold ?? 40, tolerance = options.tolerance ?? 0.01;
  const ca = a.channels, cb = b.channels;
  let diff = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    let m = 0;
    for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(Number(a.data[p * ca + c]) - Number(b.data[p * cb + c])));
    if (m > threshold) diff++;
  }
  const differing = diff / (a.width * a.height);
  const ok = differing <= tolerance;
  if (!ok) writeFileSync(actualPath, png);
  else if (existsSync(actualPath)) rmSync(actualPath);
  return { differing, ok, message: `${(differing * 100).toFixed(3)}% of pixels differ (tolerance ${(tolerance * 100).toFixed(1)}%)${ok ? "" : `; wrote ${actualPath}`}` };
}


