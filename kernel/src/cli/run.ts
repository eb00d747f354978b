/**
 * `ai4eo run NOTEBOOK.ipynb [-o OUT.ipynb] [--timeout SECONDS] [--allow-errors]`: executes a
 * notebook headless with this kernel and writes outputs, execution counts and (when widgets were
 * shown) the widget state into the notebook.
 *
 * Exit codes: 0 all cells ran; 1 a cell failed (unless --allow-errors) or timed out; 2 usage
 * error or a file that is not a valid nbformat 4 notebook.
 *
 * @example
 * ```sh
 * ai4eo run notebooks/ndvi.ipynb -o /tmp/ndvi.out.ipynb --timeout 120
 * ```
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { KernelClient, KernelTimeoutError } from "./kernel-client.js";
import { WidgetStateCollector } from "./widget-state.js";
import { kernelProvenance } from "./provenance-metadata.js";
import type { JupyterMessage } from "../jupyter/wire.js";

/** An nbformat 4 output. */
export type NotebookOutput = Record<string, unknown> & { output_type: string };

/** An nbformat 4 cell (only the fields this runner touches are typed). */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
  [k: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** The file is not a notebook this runner can execute. */
export class InvalidNotebookError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file} is not a valid Jupyter notebook (nbformat 4): ${detail}. Open and re-save it in Jupyter, or check that it is an .ipynb file.`);
    this.name = "InvalidNotebookError";
  }
}

/** Options of {@link runNotebook}. */
export interface RunOptions {
  /** Seconds a cell may run before it is interrupted. Default 600. */
  timeoutSeconds?: number;
  /** Keep going after a failing cell. Default false. */
  allowErrors?: boolean;
  /** The kernel's working folder. Default: the notebook's folder. */
  cwd?: string;
  /** One line per cell. Default: writes to stderr. */
  log?: (line: string) => void;
  /** Kernel stderr handling. Default "inherit". */
  kernelStderr?: "inherit" | "pipe" | "ignore";
}

/** What a run produced. */
export interface RunResult {
  notebook: Notebook;
  /** Index (in `cells`) of the first failing cell, if any. */
  failedCell?: number;
  timedOut: boolean;
}

/** Parses and checks a notebook's JSON. */
export function parseNotebook(text: string, file: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new InvalidNotebookError(file, `not JSON (${(e as Error).message})`);
  }
  const n = nb as Partial<Notebook>;
  if (!n || typeof n !== "object" || Array.isArray(n)) throw new InvalidNotebookError(file, "the top level is not an object");
  if (n.nbformat !== 4) throw new InvalidNotebookError(file, `nbformat is ${JSON.stringify(n.nbformat)}, expected 4`);
  if (!Array.isArray(n.cells)) throw new InvalidNotebookError(file, `"cells" is missing or not a list`);
  n.cells.forEach((c, i) => {
    if (!c || typeof c !== "object" || typeof c.cell_type !== "string") throw new InvalidNotebookError(file, `cell ${i} has no cell_type`);
    if (typeof c.source !== "string" && !Array.isArray(c.source)) throw new InvalidNotebookError(file, `cell ${i} has no source`);
  });
  return { nbformat: 4, nbformat_minor: n.nbformat_minor ?? 5, metadata: n.metadata ?? {}, cells: n.cells };
}

function sourceOf(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Keeps a cell's outputs as nbformat outputs, applying stream merging, clear_output and display updates. */
class OutputSink {
  outputs: NotebookOutput[] = [];
  #clearPending = false;

  constructor(private readonly displays: Map<string, NotebookOutput[]>) {}

  add(msg: JupyterMessage): void {
    const c = msg.content as Record<string, unknown>;
    const type = msg.header.msg_type;
    if (type === "clear_output") {
      if (c.wait === true) this.#clearPending = true;
      else this.outputs = [];
      return;
    }
    if (type === "update_display_data") {
      const id = (c.transient as { display_id?: string } | undefined)?.display_id;
      for (const out of (id && this.displays.get(id)) || []) {
        out.data = c.data;
        out.metadata = c.metadata ?? {};
      }
      return;
    }
    let out: NotebookOutput | undefined;
    switch (type) {
      case "stream": {
        if (this.#clearPending) this.#clear();
        const last = this.outputs[this.outputs.length - 1];
        if (last && last.output_type === "stream" && last.name === c.name) {
          last.text = String(last.text) + String(c.text);
          return;
        }
        out = { output_type: "stream", name: c.name, text: String(c.text ?? "") };
        break;
      }
      case "display_data":
        out = { output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {} };
        break;
      case "execute_result":
        out = { output_type: "execute_result", data: c.data ?? {}, metadata: c.metadata ?? {}, execution_count: c.execution_count ?? null };
        break;
      case "error":
        out = { output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] };
        break;
      default:
        return;
    }
    if (this.#clearPending) this.#clear();
    this.outputs.push(out);
    const id = (c.transient as { display_id?: string } | undefined)?.display_id;
    if (id && type === "display_data") {
      const list = this.displays.get(id) ?? [];
      list.push(out);
      this.displays.set(id, list);
    }
  }

  #clear(): void {
    this.#clearPending = false;
    this.outputs = [];
  }
}

/**
 * Runs every code cell of a notebook with a fresh ai4eo kernel.
 * @example
 * ```ts
 * const { notebook, failedCell } = await runNotebook(parseNotebook(text, file), { cwd: dirname(file) });
 * ```
 */
export async function runNotebook(input: Notebook, options: RunOptions = {}): Promise<RunResult> {
  const nb: Notebook = structuredClone(input);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  const client = await KernelClient.start({ cwd: options.cwd ?? process.cwd(), stderr: options.kernelStderr ?? "inherit" });
  const widgets = new WidgetStateCollector();
  const displays = new Map<string, NotebookOutput[]>();
  const sinks = new Map<string, { sink: OutputSink; cell: NotebookCell }>();
  const offWidgets = client.onIopub((m) => widgets.observe(m));
  // Output that arrives after its cell finished (timers, promises) still goes to that cell.
  const offLate = client.onIopub((m) => {
    const s = sinks.get(m.parent_header.msg_id ?? "");
    if (s && m.header.msg_type !== "status") {
      s.sink.add(m);
      s.cell.outputs = s.sink.outputs;
    }
  });
  const info = await client.request("shell", "kernel_info_request", {});
  const li = (info.content as { language_info?: Record<string, unknown> }).language_info ?? {};
  nb.metadata.kernelspec = { name: "ai4eo", display_name: "AI4EO (TypeScript)", language: "typescript" };
  nb.metadata.language_info = li;

  let failedCell: number | undefined;
  let timedOut = false;
  const codeCells = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === "code");
  try {
    for (const [k, [cell, index]] of codeCells.entries()) {
      const code = sourceOf(cell);
      const started = performance.now();
      const sink = new OutputSink(displays);
      cell.outputs = [];
      cell.execution_count = null;
      const msg = client.message("execute_request", {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: !options.allowErrors,
      });
      sinks.set(msg.header.msg_id, { sink, cell });
      let status = "ok";
      try {
        const reply = await replyAndIdle(client, msg, timeoutMs, `cell ${k + 1}`);
        const rc = reply.content as { status?: string; execution_count?: number };
        status = rc.status ?? "error";
        cell.execution_count = typeof rc.execution_count === "number" ? rc.execution_count : null;
      } catch (e) {
        if (!(e instanceof KernelTimeoutError)) throw e;
        timedOut = true;
        status = "timeout";
        client.interrupt();
      }
      cell.outputs = sink.outputs;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      log(`[${k + 1}/${codeCells.length}] cell ${index + 1}: ${status} (${seconds} s)`);
      if (status !== "ok" && failedCell === undefined) failedCell = index;
      if ((status !== "ok" && !options.allowErrors) || timedOut) break;
    }
    if (!timedOut) nb.metadata.ai4eo = { ...(nb.metadata.ai4eo as object | undefined), provenance: await kernelProvenance(client) };
  } finally {
    offWidgets();
    offLate();
    await client.shutdown();
  }
  const w = widgets.notebookMetadata();
  if (w) nb.metadata.widgets = w;
  return { notebook: nb, failedCell, timedOut };
}

/** Sends an execute_request and waits for its reply and its idle status, or rejects after `timeoutMs`. */
function replyAndIdle(client: KernelClient, msg: JupyterMessage<Record<string, unknown>>, timeoutMs: number, what: string): Promise<JupyterMessage> {
  return new Promise<JupyterMessage>((resolveReply, reject) => {
    let idle = false;
    let reply: JupyterMessage | undefined;
    const finish = () => {
      if (!idle || !reply) return;
      clearTimeout(timer);
      off();
      resolveReply(reply);
    };
    const off = client.onIopub((m) => {
      if (m.parent_header.msg_id === msg.header.msg_id && m.header.msg_type === "status" && (m.content as { execution_state?: string }).execution_state === "idle") {
        idle = true;
        finish();
      }
    });
    const timer = setTimeout(() => {
      off();
      reject(new KernelTimeoutError(what, timeoutMs));
    }, timeoutMs);
    client.request("shell", "execute_request", {}, { message: msg }).then((r) => {
      reply = r;
      finish();
    }, (e: Error) => {
      clearTimeout(timer);
      off();
      reject(e);
    });
  });
}

function splitLines(text: unknown): unknown {
  if (typeof text !== "string") return text;
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 ? lines : lines.filter((l) => l !== "");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * Notebook JSON as nbformat writes it (sorted keys, one-space indent, multi-line strings as lists
 * of lines for sources, stream text and text mime data), so diffs against Jupyter's files stay small.
 */
export function serializeNotebook(nb: Notebook): string {
  const copy = structuredClone(nb);
  for (const cell of copy.cells) {
    cell.source = splitLines(cell.source) as string[];
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "stream") out.text = splitLines(out.text);
      const data = out.data as Record<string, unknown> | undefined;
      if (data) {
        for (const [mime, v] of Object.entries(data)) {
          if (mime !== "application/json" && !mime.endsWith("+json")) data[mime] = splitLines(v);
        }
      }
    }
  }
  return `${JSON.stringify(sortKeys(copy), null, 1)}\n`;
}

function parseArgs(args: string[]): { input: string; output?: string; timeout?: number; allowErrors: boolean } {
  let input: string | undefined;
  let output: string | undefined;
  let timeout: number | undefined;
  let allowErrors = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-o" || a === "--output") output = args[++i];
    else if (a.startsWith("--output=")) output = a.slice(9);
    else if (a === "--timeout" || a.startsWith("--timeout=")) {
      const v = a.includes("=") ? a.slice(10) : args[++i];
      timeout = Number(v);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout needs a positive number of seconds, got ${JSON.stringify(v)}`);
    } else if (a === "--allow-errors") allowErrors = true;
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else if (!input) input = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!input) throw new UsageError("missing NOTEBOOK.ipynb");
  if (args.includes("-o") && !output) throw new UsageError("-o needs a file name");
  return { input, output, timeout, allowErrors };
}

class UsageError extends Error {}

/** `ai4eo run` */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`ai4eo run: ${e.message}\nusage: ai4eo run NOTEBOOK.ipynb [-o OUT.ipynb] [--timeout SECONDS] [--allow-errors]\n`);
    return 2;
  }
  const file = resolve(parsed.input);
  let nb: Notebook;
  try {
    nb = parseNotebook(readFileSync(file, "utf8"), parsed.input);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof InvalidNotebookError) process.stderr.write(`ai4eo run: ${e.message}\n`);
    else if (err.code === "ENOENT") process.stderr.write(`ai4eo run: ${parsed.input} does not exist.\n`);
    else throw e;
    return 2;
  }
  const result = await runNotebook(nb, { cwd: dirname(file), timeoutSeconds: parsed.timeout, allowErrors: parsed.allowErrors });
  const out = resolve(parsed.output ?? file);
  writeFileSync(out, serializeNotebook(result.notebook));
  process.stderr.write(`wrote ${out}\n`);
  if (result.timedOut) return 1;
  if (result.failedCell !== undefined && !parsed.allowErrors) {
    process.stderr.write(`ai4eo run: cell ${result.failedCell + 1} failed; see its error output in ${out} (use --allow-errors to run all cells anyway)\n`);
    return 1;
  }
  return 0;
}
