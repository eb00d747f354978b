/**
 * Gives the kernel's helper threads a lower CPU priority than the thread that runs cells.
 *
 * Node starts four V8 platform threads (background compilation and garbage collection) and libuv's
 * thread pool whatever the machine. While a kernel's first cells run, V8 compiles TypeScript's
 * compiler on those threads; on a machine with two cores they kept the cell's thread waiting for
 * a core about a third of the time (27 ms of an 85 ms typed cell, measured with the main thread's
 * run-queue time in /proc). With the helpers at a higher nice value the cell's thread runs whenever
 * it can, and the helpers still use every core the cell leaves idle. ZeroMQ's I/O thread keeps its
 * priority (it carries the kernel's messages), and threads started later (ai4eo's model and
 * raster workers, a cell's own worker threads) inherit the normal priority of the thread that
 * starts them.
 *
 * Linux only (per-thread nice values through /proc/self/task); elsewhere, or inside a worker
 * thread, it does nothing. `AI4EO_HELPER_NICE` sets the nice value (0 turns this off).
 *
 * @example
 * ```ts
 * const lowered = deprioritizeHelperThreads(); // e.g. 9 threads at nice 19
 * ```
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { isMainThread } from "node:worker_threads";

/** The nice value helper threads get by default (the lowest priority; they still run on idle cores). */
export const HELPER_NICE = 19;

/**
 * Raises the nice value of every thread of this process except the main thread and ZeroMQ's,
 * to `nice` (default: `AI4EO_HELPER_NICE`, else {@link HELPER_NICE}). Call it from the main thread
 * once the threads exist (after the engine has loaded). Never throws.
 * @returns how many threads were changed (0 when not on Linux, off, or called from a worker)
 */
export function deprioritizeHelperThreads(nice = Number(process.env.AI4EO_HELPER_NICE ?? HELPER_NICE)): number {
  if (!Number.isInteger(nice)) {
    process.stderr.write(`ai4eo: AI4EO_HELPER_NICE=${JSON.stringify(process.env.AI4EO_HELPER_NICE)} is not a whole number; helper threads keep their priority (set 1–19, or 0 to turn this off)\n`);
    return 0;
  }
  if (process.platform !== "linux" || !isMainThread || nice <= 0) return 0;
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return 0;
  }
  let changed = 0;
  for (const t of tids) {
    const tid = Number(t);
    if (tid === process.pid) continue; // the main thread: it runs the cells
    try {
      if (readFileSync(`/proc/self/task/${t}/comm`, "utf8").startsWith("ZMQ")) continue;
      setPriority(tid, Math.min(19, nice)); // on Linux a thread id sets that thread alone
      changed++;
    } catch {
      // the thread ended meanwhile, or the system refused: leave it as it is
    }
  }
  return changed;
}
