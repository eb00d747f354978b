/**
 * Persistent input history (history_request: tail, range, search), one JSON line per cell in a
 * per-user file, so it survives kernel restarts.
 *
 * @example
 * ```ts
 * const h = HistoryStore.open(); // ~/.local/share/ai4eo/history.jsonl, or $AI4EO_HISTORY_FILE
 * h.append(1, "1 + 1", "2"); // in memory now, in the file after this turn of the event loop
 * h.tail(10, false); // [[session, 1, "1 + 1"]]
 * h.flush(); // or write it now
 * ```
 * @module
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** One stored cell. */
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output?: string;
}

/** One history_reply row: `[session, line, input]` or `[session, line, [input, output]]`. */
export type HistoryRow = [number, number, string | [string, string | null]];

/** The default history file: `$AI4EO_HISTORY_FILE`, else `$XDG_DATA_HOME/ai4eo/history.jsonl`, else `~/.local/share/ai4eo/history.jsonl`. */
export function defaultHistoryFile(): string {
  if (process.env.AI4EO_HISTORY_FILE) return process.env.AI4EO_HISTORY_FILE;
  const base = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "ai4eo", "history.jsonl");
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (const ch of glob) {
    if (ch === "*") re += "[\\s\\S]*";
    else if (ch === "?") re += "[\\s\\S]";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Stores with lines not yet written; written when the process exits. */
const unflushed = new Set<HistoryStore>();
let exitHookInstalled = false;

/** The history of this user: earlier sessions read from disk plus the current one. */
export class HistoryStore {
  readonly entries: HistoryEntry[];
  /** The number of the current session (one more than the highest stored). */
  readonly session: number;

  private constructor(
    readonly file: string | undefined,
    entries: HistoryEntry[],
  ) {
    this.entries = entries;
    this.session = entries.reduce((m, e) => Math.max(m, e.session), 0) + 1;
  }

  /**
   * Opens (or starts) the history file. Unreadable lines are skipped.
   * @param file the file; default {@link defaultHistoryFile}; `null` keeps history in memory only
   */
  static open(file: string | null = defaultHistoryFile()): HistoryStore {
    const entries: HistoryEntry[] = [];
    if (file) {
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        // no history yet
      }
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as HistoryEntry;
          if (typeof e.session === "number" && typeof e.line === "number" && typeof e.input === "string") entries.push(e);
        } catch {
          // a torn line from a crash: skip it
        }
      }
    }
    return new HistoryStore(file ?? undefined, entries);
  }

  #dirMade = false;
  /** Lines appended but not yet written to the file. */
  #unwritten: string[] = [];

  /**
   * Records a cell of the current session. It is in {@link tail}/{@link range}/{@link search} at
   * once; the file gets it after the current turn of the event loop (so the write is not between a
   * cell's reply and its idle status), at {@link flush}, or when the process exits.
   */
  append(line: number, input: string, output?: string): void {
    const e: HistoryEntry = { session: this.session, line, input, ...(output !== undefined ? { output } : {}) };
    this.entries.push(e);
    if (!this.file) return;
    this.#unwritten.push(`${JSON.stringify(e)}\n`);
    if (this.#unwritten.length > 1) return;
    unflushed.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => {
        for (const store of unflushed) store.flush();
      });
    }
    setImmediate(() => this.flush());
  }

  /** Writes the lines appended so far to the file (a write failure is reported on stderr; the lines stay in memory). */
  flush(): void {
    unflushed.delete(this);
    if (!this.file || this.#unwritten.length === 0) return;
    const text = this.#unwritten.join("");
    this.#unwritten = [];
    try {
      // the directory is made once per store (a mkdir per write is a syscall more on every cell),
      // and again if it has gone since
      if (!this.#dirMade) mkdirSync(dirname(this.file), { recursive: true });
      this.#dirMade = true;
      try {
        appendFileSync(this.file, text);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        mkdirSync(dirname(this.file), { recursive: true });
        appendFileSync(this.file, text);
      }
    } catch (err) {
      process.stderr.write(`ai4eo: cannot write history file ${this.file}: ${(err as Error).message}\n`);
    }
  }

  #row(e: HistoryEntry, output: boolean): HistoryRow {
    return output ? [e.session, e.line, [e.input, e.output ?? null]] : [e.session, e.line, e.input];
  }

  /** The last `n` cells. */
  tail(n: number, output: boolean): HistoryRow[] {
    return this.entries.slice(Math.max(0, this.entries.length - n)).map((e) => this.#row(e, output));
  }

  /**
   * Cells `start <= line < stop` of a session (0 = the current one, negative = counted back from it;
   * `stop` 0 or missing = to the end).
   */
  range(session: number, start: number, stop: number | undefined, output: boolean): HistoryRow[] {
    const s = session <= 0 ? this.session + session : session;
    return this.entries
      .filter((e) => e.session === s && e.line >= start && (!stop || e.line < stop))
      .map((e) => this.#row(e, output));
  }

  /** Cells whose input matches a glob pattern (`*`, `?`); `unique` drops repeated inputs; the last `n` (0 = all). */
  search(pattern: string, n: number, unique: boolean, output: boolean): HistoryRow[] {
    const re = globToRegExp(pattern || "*");
    let hits = this.entries.filter((e) => re.test(e.input));
    if (unique) {
      const seen = new Set<string>();
      const kept: HistoryEntry[] = [];
      for (let i = hits.length - 1; i >= 0; i--) {
        const e = hits[i]!;
        if (seen.has(e.input)) continue;
        seen.add(e.input);
        kept.unshift(e);
      }
      hits = kept;
    }
    if (n > 0) hits = hits.slice(Math.max(0, hits.length - n));
    return hits.map((e) => this.#row(e, output));
  }
}
