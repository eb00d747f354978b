/**
 * Jupyter's interrupt signal (SIGINT) for the kernel process, with Node's SIGINT watchdog held for
 * the kernel's life.
 *
 * Cells run in `vm` with `breakOnSigint`, so SIGINT stops a synchronous loop. Each such call starts
 * Node's SIGINT watchdog helper (a thread, and its own SIGINT handler) and stops it afterwards,
 * joining the thread, unless the helper is already running. On the 2-core VM ai4eo is developed on
 * that start and join was 0.4–0.5 ms of a 2 ms `1+1` cell (the helper thread's wake-up on the other
 * core). The helper can also be started directly, through the contextify binding Node's REPL uses
 * (`startSigintWatchdog` / `stopSigintWatchdog` / `watchdogHasPendingSigint`): held once, every
 * breakOnSigint call only counts it up and down.
 *
 * While the helper is held, a SIGINT outside a breakOnSigint call reaches no JavaScript listener:
 * the helper records it. The watch collects it when the engine asks ({@link flushSigint}, after a
 * cell's type check) and every 50 ms while a cell is in progress ({@link SigintWatch.busy}), and
 * calls `onInterrupt`; one recorded while no cell was in progress is dropped when the next starts
 * (an interrupt of an idle kernel does nothing).
 *
 * A SIGINT listener added by a cell (`process.on("SIGINT", …)`) brings libuv's signal handler, which
 * replaces the helper's; and vm removes and re-adds all SIGINT listeners around each breakOnSigint
 * call, which would leave SIGINT at its default (exit) while the helper is held. So before each
 * breakOnSigint call ({@link prepareBreakOnSigint}) the watch checks: while such listeners exist it
 * lets the helper go and listens for SIGINT like any listener (as the kernel always did before), and
 * it takes the helper back once they are gone. A listener added and removed while held leaves
 * SIGINT at its default: the helper's handler is put back at the next turn of the event loop.
 * Where the binding is missing or would warn (`--pending-deprecation`), it only listens.
 * @module
 */
import { legacyBinding } from "../util/legacy-binding.js";

/** The contextify binding's watchdog functions (Node ≥ 6). */
interface WatchdogBinding {
  startSigintWatchdog(): boolean;
  /** Returns whether a SIGINT came while no breakOnSigint call was running (and forgets it). */
  stopSigintWatchdog(): boolean;
  watchdogHasPendingSigint(): boolean;
}

function watchdogBinding(): WatchdogBinding | undefined {
  const b = legacyBinding("contextify") as Partial<WatchdogBinding> | undefined;
  return typeof b?.startSigintWatchdog === "function" && typeof b.stopSigintWatchdog === "function" && typeof b.watchdogHasPendingSigint === "function"
    ? (b as WatchdogBinding)
    : undefined;
}

/** How the watch receives SIGINT now. */
export type SigintMode = "held" | "listening" | "stopped";

/** Options of {@link SigintWatch}. */
export interface SigintWatchOptions {
  /** Never hold the watchdog: listen for SIGINT as a plain listener. Default false. */
  listenOnly?: boolean;
  /** How often a held watchdog is asked for a SIGINT while a cell is in progress, in ms. Default 50. */
  pollMs?: number;
}

let active: SigintWatch | undefined;

/**
 * Receives the kernel process's SIGINT and calls `onInterrupt` for it. One per process.
 * @example
 * ```ts
 * const watch = new SigintWatch(() => server.interrupt());
 * watch.start();
 * watch.busy(); // a cell starts
 * // …
 * watch.idle(); // it ended
 * ```
 */
export class SigintWatch {
  readonly #binding: WatchdogBinding | undefined;
  readonly #pollMs: number;
  #mode: SigintMode = "stopped";
  #poll: NodeJS.Timeout | undefined;
  #resyncScheduled = false;
  #switching = false;
  readonly #listener = (): void => this.onInterrupt();
  /**
   * Held, the last SIGINT listener going (one a cell added and removed) leaves SIGINT at Node's
   * default (exit): libuv resets the handler when its last signal handle closes. The watchdog's
   * handler is put back as soon as the event loop turns (inside a breakOnSigint call it cannot be).
   */
  readonly #onListenerRemoved = (event: string | symbol): void => {
    if (event !== "SIGINT" || this.#switching || this.#mode !== "held" || this.#resyncScheduled || process.listenerCount("SIGINT") > 0) return;
    this.#resyncScheduled = true;
    setImmediate(() => {
      this.#resyncScheduled = false;
      if (this.#mode === "held") this.#resync();
    });
  };

  constructor(readonly onInterrupt: () => void, options: SigintWatchOptions = {}) {
    this.#binding = options.listenOnly ? undefined : watchdogBinding();
    this.#pollMs = options.pollMs ?? 50;
  }

  /** "held" (the watchdog is held), "listening" (a SIGINT listener), or "stopped". */
  get mode(): SigintMode {
    return this.#mode;
  }

  /** Starts receiving SIGINT (holding the watchdog where possible). */
  start(): void {
    if (active && active !== this) throw new Error("SigintWatch: another watch already receives this process's SIGINT; stop it first");
    if (this.#mode !== "stopped") return;
    active = this;
    this.#mode = "listening"; // (until #resync decides)
    process.on("removeListener", this.#onListenerRemoved);
    this.#resync();
  }

  /** Stops receiving SIGINT: lets the watchdog go and removes the listener. */
  stop(): void {
    if (this.#mode === "stopped") return;
    this.idle();
    process.off("removeListener", this.#onListenerRemoved);
    if (this.#mode === "held") this.#release();
    process.off("SIGINT", this.#listener);
    this.#mode = "stopped";
    if (active === this) active = undefined;
  }

  /** A cell is in progress: a SIGINT recorded while the kernel was idle is dropped, and new ones are collected. */
  busy(): void {
    if (this.#mode === "held") this.#take();
    this.#poll ??= setInterval(() => this.#collect(), this.#pollMs).unref();
  }

  /** No cell is in progress. */
  idle(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
  }

  /**
   * Delivers what came while this thread was busy: lets the event loop take in requests (an
   * interrupt_request on the control channel) and libuv's signal pipe (two turns: this may run in
   * a poll phase, where one setImmediate comes round before the next poll; a second cannot), then,
   * held, asks the watchdog for a SIGINT and calls `onInterrupt` for it.
   */
  async flush(): Promise<void> {
    await loopTurns();
    this.#collect();
  }

  /**
   * Makes the mode fit the SIGINT listeners there are now; call right before a breakOnSigint vm
   * call. Held with a listener added since (libuv's handler serves it, but vm's removal of
   * listeners around the call would leave SIGINT at the default): lets the watchdog go and listens.
   * Listening with only its own listener left: holds the watchdog again.
   */
  prepare(): void {
    const n = process.listenerCount("SIGINT");
    if (this.#mode === "held" ? n > 0 : this.#mode === "listening" && this.#binding !== undefined && n === 1 && process.rawListeners("SIGINT")[0] === this.#listener) {
      this.#resync();
    }
  }

  /** A recorded SIGINT, forgotten (only while held). */
  #take(): boolean {
    const b = this.#binding!;
    if (!b.watchdogHasPendingSigint()) return false;
    // a nested start/stop returns the pending flag and clears it (the helper keeps running)
    b.startSigintWatchdog();
    return b.stopSigintWatchdog();
  }

  #collect(): void {
    if (this.#mode === "held" && this.#take()) this.onInterrupt();
  }

  /** Lets the watchdog go (its thread is joined; SIGINT's handler becomes Node's default). A SIGINT it recorded is delivered. */
  #release(): void {
    const pending = this.#binding!.stopSigintWatchdog();
    this.#mode = "listening";
    if (pending) queueMicrotask(() => this.onInterrupt());
  }

  /** Holds the watchdog when no other SIGINT listener exists, else listens; run outside breakOnSigint calls. */
  #resync(): void {
    if (this.#mode === "stopped") return;
    this.#switching = true;
    try {
      if (this.#mode === "held") this.#release();
      process.off("SIGINT", this.#listener);
      const others = process.rawListeners("SIGINT") as ((...args: unknown[]) => void)[];
      if (this.#binding && others.length === 0 && this.#binding.startSigintWatchdog()) {
        this.#mode = "held";
        return;
      }
      // libuv's handler back for the listeners there are (the watchdog's stop replaced it): as vm does, remove and re-add them
      process.removeAllListeners("SIGINT");
      for (const l of others) process.on("SIGINT", l);
      process.on("SIGINT", this.#listener);
      this.#mode = "listening";
    } finally {
      this.#switching = false;
    }
  }
}

/**
 * Before a `vm` call with `breakOnSigint`: lets the process's {@link SigintWatch} (if one was
 * started) fit its mode to the SIGINT listeners there are. A no-op without a watch.
 * @example
 * ```ts
 * prepareBreakOnSigint();
 * script.runInThisContext({ breakOnSigint: true });
 * ```
 */
export function prepareBreakOnSigint(): void {
  active?.prepare();
}

/**
 * Delivers an interrupt that came while this thread was busy (e.g. type-checking a cell): lets the
 * event loop take in requests and libuv's signal pipe (two setImmediate turns), so an
 * interrupt_request or a plain `process.on("SIGINT")` listener has been handled when it resolves,
 * then asks the process's {@link SigintWatch} (if one was started) for a SIGINT it holds.
 * @example
 * ```ts
 * await flushSigint(); // an interrupt that came meanwhile has been handled now
 * ```
 */
export async function flushSigint(): Promise<void> {
  if (active) return active.flush();
  await loopTurns();
}

/** Two turns of the event loop: at least one poll phase (requests, libuv's signal pipe) has run after. */
async function loopTurns(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  await new Promise<void>((r) => setImmediate(r));
}
