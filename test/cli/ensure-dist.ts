// Kernel tests start `bin/ai4eo.js`, which runs the compiled dist/. `npm test` builds first; when
// the tests run alone (node scripts/run-tests.mjs test/cli), rebuild if any kernel source is newer.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Makes sure dist/ is at least as new as kernel/src (runs tsc when not). */
export function ensureDist(): void {
  const main = join(root, "dist", "kernel", "src", "cli", "main.js");
  const src = newest(join(root, "kernel", "src"));
  if (existsSync(main) && newest(join(root, "dist", "kernel", "src")) >= src) return;
  // Others' work in progress may have type errors; tsc still emits, which is all the tests need.
  spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", root], { stdio: "ignore" });
  if (!existsSync(main)) throw new Error("dist/ is missing and `tsc -p .` did not produce it; run npm run build");
}
