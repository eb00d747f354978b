// Test helper: runs reference.py (scikit-learn / NumPy) on JSON input.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function reference(job: Record<string, unknown>): Record<string, any> {
  const script = fileURLToPath(new URL("./reference.py", import.meta.url));
  const out = execFileSync("/usr/bin/python3", [script], { input: JSON.stringify(job), maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}
