/**
 * A progress indicator for long EO work (tiling, inference, downloads) that needs no kernel.
 *
 * In a kernel it is one updating display output (text/plain and text/html: a bar, percent,
 * count, rate and ETA), updated at most every `intervalMs`. In plain Node it writes a line to
 * stderr (rewritten in place on a terminal).
 *
 * @example
 * ```ts
 * import { progress } from "ai4eo";
 * const p = progress({ total: tiles.length, label: "inference", unit: "tiles" });
 * for (const t of tiles) { await run(t); p.tick(); }
 * p.done();
 * ```
 * @module
 */
import { currentDisplayHost, type MimeBundle } from "./display.js";
import { randomUUID } from "node:crypto";

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Number of steps when known; without it only count and rate are shown. Default: unknown. */
  total?: number;
  /** What is being done, e.g. "inference". Default "". */
  label?: string;
  /** Unit of a step, e.g. "tiles". Default "it". */
  unit?: string;
  /** Minimum milliseconds between two updates (the first and the final one always show). Default 250. */
  intervalMs?: number;
  /** Clock in milliseconds (tests pass their own). Default `performance.now`. */
  clock?: () => number;
  /** Where plain-Node text goes. Default `process.stderr`. */
  stream?: { write(s: string): unknown; isTTY?: boolean };
  /** A caller's signal to combine with the kernel's interrupt (see {@link Progress.signal}). Default none. */
  signal?: AbortSignal;
}

/** A running progress indicator. */
export interface Progress {
  /** Adds `n` (default 1) completed steps. */
  tick(n?: number): void;
  /** Sets the number of completed steps. */
  set(value: number): void;
  /** Marks the work finished (shows the final state once; later calls do nothing). */
  done(): void;
  /** Steps completed so far. */
  readonly value: number;
  /** The total, if known. */
  readonly total: number | undefined;
  /**
   * Aborted when the kernel interrupts the cell (or `options.signal` aborts): pass it to I/O and
   * check it in loops, e.g. `p.signal.throwIfAborted()`. Never aborted in plain Node without a signal.
   */
  readonly signal: AbortSignal;
}

/** Where the kernel publishes the current cell's interrupt signal (a function returning it). */
export const INTERRUPT_SIGNAL_KEY: unique symbol = Symbol.for("ai4eo.interruptSignal") as never;

/**
 * The AbortSignal that the kernel aborts when the running cell is interrupted, or `undefined` in
 * plain Node. Long EO functions default their `signal` option to it.
 * @example
 * ```ts
 * async function tiles(options: { signal?: AbortSignal } = {}) {
 *   const signal = options.signal ?? interruptSignal();
 *   signal?.throwIfAborted();
 * }
 * ```
 */
export function interruptSignal(): AbortSignal | undefined {
  const get = (globalThis as Record<symbol, unknown>)[INTERRUPT_SIGNAL_KEY];
  return typeof get === "function" ? (get as () => AbortSignal | undefined)() : undefined;
}

/** A snapshot of progress, as rendered. */
export interface ProgressState {
  value: number;
  total?: number;
  label: string;
  unit: string;
  elapsedMs: number;
  finished: boolean;
}

/** Seconds as "1h02m", "3m05s" or "12s". */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return "?";
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

/**
 * One line of text for a progress state, e.g. `"inference  45% 45/100 tiles  9.00 tiles/s  ETA 6s"`.
 * @example
 * ```ts
 * formatProgress({ value: 1, total: 4, label: "x", unit: "it", elapsedMs: 1000, finished: false });
 * // "x  25% 1/4 it  1.00 it/s  ETA 3s"
 * ```
 */
export function formatProgress(state: ProgressState): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.value / seconds : NaN;
  const parts: string[] = [];
  if (state.label) parts.push(state.label);
  if (state.total !== undefined && state.total > 0) {
    const pct = Math.min(100, Math.floor((100 * state.value) / state.total));
    parts.push(`${String(pct).padStart(3)}% ${state.value}/${state.total} ${state.unit}`);
  } else {
    parts.push(`${state.value} ${state.unit}`);
  }
  parts.push(`${formatRate(rate)} ${state.unit}/s`);
  if (state.finished) parts.push(`done in ${formatDuration(seconds)}`);
  else if (state.total !== undefined && state.total > 0 && rate > 0) {
    parts.push(`ETA ${formatDuration((state.total - state.value) / rate)}`);
  }
  return parts.join("  ");
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The mime bundle (text/plain and text/html) of a progress state.
 * @example
 * ```ts
 * progressBundle({ value: 5, total: 10, label: "", unit: "it", elapsedMs: 500, finished: false })["text/html"];
 * ```
 */
export function progressBundle(state: ProgressState): MimeBundle {
  const text = formatProgress(state);
  const bar =
    state.total !== undefined && state.total > 0
      ? `<progress value="${Math.min(state.value, state.total)}" max="${state.total}" style="width:16em;vertical-align:middle"></progress> `
      : "";
  return {
    "text/plain": text,
    "text/html": `<div class="ai4eo-progress">${bar}<span style="font-family:monospace">${escapeHtml(text)}</span></div>`,
  };
}

/**
 * Starts a progress indicator. Cheap to call often: `tick` only renders when `intervalMs` has passed.
 *
 * @param options {@link ProgressOptions}
 * @example
 * ```ts
 * const p = progress({ total: 100, label: "tiles" });
 * for (let i = 0; i < 100; i++) p.tick();
 * p.done();
 * ```
 */
export function progress(options: ProgressOptions = {}): Progress {
  const clock = options.clock ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const label = options.label ?? "";
  const unit = options.unit ?? "it";
  const total = options.total;
  const start = clock();
  const displayId = randomUUID();
  const signals = [options.signal, interruptSignal()].filter((x): x is AbortSignal => x !== undefined);
  const signal = signals.length === 1 ? signals[0]! : signals.length > 1 ? AbortSignal.any(signals) : new AbortController().signal;
  let value = 0;
  let lastRender = -Infinity;
  let shown = false;
  let finished = false;

  function state(): ProgressState {
    return { value, total, label, unit, elapsedMs: clock() - start, finished };
  }

  function render(force: boolean): void {
    const now = clock();
    if (!force && now - lastRender < interval) return;
    lastRender = now;
    const host = currentDisplayHost();
    const s = state();
    if (host) {
      host.display(progressBundle(s), {}, displayId, shown);
    } else {
      const stream = options.stream ?? process.stderr;
      const line = formatProgress(s);
      if (stream.isTTY) stream.write(`\r\x1b[K${line}${finished ? "\n" : ""}`);
      else stream.write(`${line}\n`);
    }
    shown = true;
  }

  render(true);
  return {
    tick(n = 1) {
      if (finished) return;
      value += n;
      render(false);
    },
    set(v: number) {
      if (finished) return;
      value = v;
      render(false);
    },
    done() {
      if (finished) return;
      finished = true;
      render(true);
    },
    get value() {
      return value;
    },
    get total() {
      return total;
    },
    signal,
  };
}
