/**
 * Node's `process.binding(name)`, where it is there and silent.
 *
 * `process.binding` is deprecated in documentation only (DEP0111): it warns only under
 * `--pending-deprecation`. Callers use it for a few internals Node has no public API for, and
 * fall back to a public route when this returns undefined.
 * @module
 */

/** Whether Node warns on deprecated APIs that are otherwise silent (DEP0111 among them). */
function pendingDeprecation(): boolean {
  return process.execArgv.includes("--pending-deprecation") || /--pending-deprecation/.test(process.env.NODE_OPTIONS ?? "") || process.env.NODE_PENDING_DEPRECATION === "1";
}

/**
 * `process.binding(name)`, or undefined when this Node has no such binding or using it would
 * print a deprecation warning.
 * @example
 * ```ts
 * const zlib = legacyBinding("zlib") as { Zlib?: unknown } | undefined;
 * ```
 */
export function legacyBinding(name: string): unknown {
  if (pendingDeprecation()) return undefined;
  try {
    return (process as unknown as { binding(name: string): unknown }).binding(name);
  } catch {
    return undefined; // no process.binding, or not this binding
  }
}
