/**
 * Young-generation garbage collection while the kernel is idle. A typed cell allocates ~8–10 MB
 * (TypeScript's program, checker and emit) that is garbage once the cell ends, but V8 collects it
 * only when the young generation is full: in the middle of a later cell, which then waits for the
 * scavenge and for the copying of everything that cell holds alive at that moment. Scavenging
 * shortly after a cell ends, when nothing else runs, costs ~1.5 ms of otherwise idle time and
 * starts the next cell with an empty young generation (a 50-line typed cell: ~25 → ~23 ms).
 *
 * Other idle work can go just before the scavenge (`work`): the engine gives TypeScript's program
 * the declarations file the next cell starts from, so that cell does not parse and bind it.
 *
 * Cells never see V8's `gc` function: it is taken from a context of its own, and the flag that
 * exposes it is turned off again at once.
 *
 * @example
 * ```ts
 * const scavenger = new IdleScavenger();
 * scavenger.cancel();   // a cell starts
 * // … the cell runs …
 * scavenger.schedule(); // the cell ended: scavenge in 20 ms unless another cell starts first
 * ```
 * @module
 */
import v8 from "node:v8";
import vm from "node:vm";

/** V8's `gc()` (as `--expose-gc` gives it). */
type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async" }) => void;

let gcFunction: GcFunction | null | undefined;

/** V8's `gc()` for this process, or null where it cannot be had; cells' contexts do not get it. */
export function v8Gc(): GcFunction | null {
  if (gcFunction !== undefined) return gcFunction;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return (gcFunction = exposed as GcFunction);
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn: unknown = vm.runInNewContext("gc");
    gcFunction = typeof fn === "function" ? (fn as GcFunction) : null;
  } catch {
    gcFunction = null;
  } finally {
    // (contexts made from now on, e.g. by a cell's vm.createContext, get no `gc` global)
    v8.setFlagsFromString("--no-expose-gc");
  }
  return gcFunction;
}

/** Bytes in use in V8's young generation ("new_space"). */
export function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_used_size ?? 0;
}

/** Options of {@link IdleScavenger}. */
export interface IdleScavengerOptions {
  /** How long the kernel must stay idle after a cell before the scavenge (ms). Default 20. */
  delayMs?: number;
  /** Scavenge only when the young generation holds at least this many bytes. Default 1 MiB. */
  minBytes?: number;
  /** Other idle work, run just before (its garbage is collected with the cell's). Errors are ignored. */
  work?: () => void;
}

/**
 * Runs one young-generation collection (a scavenge) when the kernel has been idle for a moment
 * after a cell and the cell left enough in the young generation to be worth it.
 */
export class IdleScavenger {
  readonly #delayMs: number;
  readonly #minBytes: number;
  readonly #work: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Scavenges run so far. */
  scavenges = 0;

  constructor(options: IdleScavengerOptions = {}) {
    this.#delayMs = options.delayMs ?? 20;
    this.#minBytes = options.minBytes ?? 2 ** 20;
    this.#work = options.work;
  }

  /** Plans a scavenge `delayMs` from now (replacing one already planned); it never keeps the process alive. */
  schedule(): void {
    this.cancel();
    this.#timer = setTimeout(() => this.#run(), this.#delayMs);
    this.#timer.unref();
  }

  /** Drops the planned scavenge (a cell is starting). */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #run(): void {
    this.#timer = undefined;
    try {
      this.#work?.();
    } catch {
      // (idle work is an optimisation: the next cell does it again and reports what fails)
    }
    if (youngGenerationBytes() < this.#minBytes) return;
    const gc = v8Gc();
    if (!gc) return;
    gc({ type: "minor" });
    this.scavenges++;
  }
}
