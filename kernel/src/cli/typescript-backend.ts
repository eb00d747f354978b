/**
 * Wires the TypeScript {@link Engine} to the protocol server as its {@link KernelBackend}: loads
 * the engine lazily (so kernel_info is answered before TypeScript is loaded), turns values into
 * mime bundles, installs the display host `display()` talks to, and makes "ai4eo" importable.
 *
 * @example
 * ```ts
 * import { KernelServer } from "../jupyter/server.js";
 * const backend = new TypeScriptBackend();
 * const server = new KernelServer(connection, backend);
 * ```
 * @module
 */
import type { Engine } from "../engine/engine.js";
import type { ExecuteOutcome, ExecuteRequest, KernelBackend, KernelIO, RequestContext } from "../jupyter/server.js";
import { DISPLAY_HOST_KEY, display, prepareDisplay, toMimeBundle, type DisplayHost } from "../eo/display.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, packageVersion, typescriptVersion, tslabVersion } from "./package-info.js";
import { deprioritizeHelperThreads } from "./helper-threads.js";
import { interruptedFields } from "../engine/interrupted-error.js";
import { flushSigint, type SigintWatch } from "../engine/sigint-watch.js";

/**
 * Cell globals, type-checked like any declaration. `display`'s type comes from display.d.ts alone
 * (not the whole "ai4eo" type graph, which would slow the compiler's start several-fold).
 */
function globalDeclarations(): string {
  const dts = join(packageRoot(), "dist", "kernel", "src", "eo", "display.d.ts");
  const from = existsSync(dts) ? dts.replace(/\.d\.ts$/, ".js") : "ai4eo";
  return `
declare global {
  /** Shows a value (or mime bundle via display.html/markdown/svg/png/...) in the notebook. */
  const display: typeof import(${JSON.stringify(from)})["display"];
  /** Asks the user for a line of text (needs a front end that allows stdin). */
  function input(prompt?: string): Promise<string>;
  /** Asks the user for a secret (not echoed). */
  function password(prompt?: string): Promise<string>;
  /** Shows a value (or a mime bundle via display.mime) in the front end's pager. */
  function page(value: unknown): void;
}
`;
}

/** Options of {@link TypeScriptBackend}. */
export interface TypeScriptBackendOptions {
  /** The folder cells run in. Default `process.cwd()`. */
  rootDir?: string;
  /** The process's SIGINT watch (told when a cell is in progress, so it collects SIGINT meanwhile). */
  sigint?: SigintWatch;
}

/** The kernel backend that runs TypeScript cells. */
export class TypeScriptBackend implements KernelBackend {
  #io: KernelIO | undefined;
  #engine: Promise<Engine<RequestContext>> | undefined;
  #loaded: Engine<RequestContext> | undefined;
  #warmTimer: NodeJS.Timeout | undefined;
  /** Interrupts so far (SIGINT or interrupt_request), counted even before the engine has loaded. */
  #interrupts = 0;

  constructor(private readonly options: TypeScriptBackendOptions = {}) {}

  attach(io: KernelIO): void {
    this.#io = io;
    const host: DisplayHost = {
      display: (data, metadata, displayId, update) => io.display(data, metadata, displayId, update, this.#loaded?.context() ?? io.currentContext()),
      clear: (wait) => io.clear(wait, this.#loaded?.context() ?? io.currentContext()),
    };
    (globalThis as Record<symbol, unknown>)[DISPLAY_HOST_KEY] = host;
    // Load TypeScript soon, but after the first kernel_info_reply has gone out (see kernelInfo).
    this.#warmTimer = setTimeout(() => void this.engine(), 1000);
    this.#warmTimer.unref();
  }

  /** Loads (once) and returns the engine. */
  engine(): Promise<Engine<RequestContext>> {
    if (this.#warmTimer) clearTimeout(this.#warmTimer);
    this.#engine ??= (async () => {
      const { Engine } = await import("../engine/engine.js");
      const io = this.#io!;
      const engine = await Engine.create<RequestContext>({
        rootDir: this.options.rootDir,
        aliases: { ai4eo: packageRoot() },
        globalDeclarations: globalDeclarations(),
        globals: {
          display,
          page: (value: unknown) => io.page(typeof value === "string" ? { "text/plain": value } : bundleOf(value), this.#loaded?.context()),
        },
        hooks: {
          stream: (name, text, context) => io.stream(name, text, context),
          uncaught: (e, context) => io.error(e.ename, e.evalue, e.traceback, context),
          input: (prompt, password, context) => io.input(prompt, password, context),
        },
      });
      this.#loaded = engine;
      // V8's compiler and GC threads (busy with TypeScript now) yield the cores to the cells' thread.
      deprioritizeHelperThreads();
      // Optimise the compiler's code while the kernel is idle (stops when a cell arrives).
      setImmediate(() => void engine.warmUp().catch(() => undefined));
      return engine;
    })();
    return this.#engine;
  }

  kernelInfo(): Record<string, unknown> {
    if (!this.#engine) setTimeout(() => void this.engine(), 0);
    const version = packageVersion();
    const ts = typescriptVersion();
    return {
      implementation: "ai4eo",
      implementation_version: version,
      language_info: {
        name: "typescript",
        version: ts,
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: { name: "javascript", typescript: true },
        pygments_lexer: "typescript",
      },
      banner: `ai4eo ${version}: TypeScript ${ts} (tslab ${tslabVersion()} converter) on Node.js ${process.version}, with Earth-observation helpers: import { … } from "ai4eo"`,
      help_links: [{ text: "ai4eo", url: "https://www.npmjs.com/package/ai4eo" }],
    };
  }

  async execute(request: ExecuteRequest, context: RequestContext, executionCount: number): Promise<ExecuteOutcome> {
    const sigint = this.options.sigint;
    sigint?.busy();
    try {
      return await this.#execute(request, context, executionCount);
    } finally {
      sigint?.idle();
    }
  }

  async #execute(request: ExecuteRequest, context: RequestContext, executionCount: number): Promise<ExecuteOutcome> {
    // an interrupt while TypeScript loads (the first cell waits for it) stops the cell before it runs
    const interrupts = this.#interrupts;
    const loading = !this.#loaded;
    const engine = await this.engine();
    if (loading) await flushSigint();
    if (this.#interrupts !== interrupts) return { status: "error", ...interruptedFields("while TypeScript was loading", false) };
    const r = await engine.execute(request.code, context, executionCount);
    if (r.status === "error") return { status: "error", ename: r.ename, evalue: r.evalue, traceback: r.traceback };
    if (!r.hasValue) return { status: "ok" };
    await prepareDisplay(r.value);
    const data = bundleOf(r.value);
    // an empty bundle means the value chose to show nothing (e.g. a display handle)
    if (Object.keys(data).length === 0) return { status: "ok" };
    return { status: "ok", result: { data, metadata: {} } };
  }

  async evaluate(expression: string, context: RequestContext): Promise<ExecuteOutcome> {
    const engine = await this.engine();
    const r = await engine.execute(expression, context, "expr");
    if (r.status === "error") return { status: "error", ename: r.ename, evalue: r.evalue, traceback: r.traceback };
    if (r.hasValue) await prepareDisplay(r.value);
    return { status: "ok", result: { data: r.hasValue ? bundleOf(r.value) : { "text/plain": "undefined" }, metadata: {} } };
  }

  async complete(code: string, cursorPos: number): Promise<{ matches: string[]; cursor_start: number; cursor_end: number; metadata?: Record<string, unknown> }> {
    const engine = await this.engine();
    const c = engine.complete(code, cursorPos);
    return { matches: c.matches, cursor_start: c.cursorStart, cursor_end: c.cursorEnd, metadata: {} };
  }

  async inspect(code: string, cursorPos: number, detailLevel: number): Promise<{ found: boolean; data: Record<string, unknown>; metadata?: Record<string, unknown> }> {
    const engine = await this.engine();
    const text = engine.inspect(code, cursorPos, detailLevel);
    return text ? { found: true, data: { "text/plain": text }, metadata: {} } : { found: false, data: {}, metadata: {} };
  }

  async isComplete(code: string): Promise<{ status: "complete" | "incomplete" | "invalid" | "unknown"; indent?: string }> {
    const engine = await this.engine();
    return engine.isComplete(code);
  }

  interrupt(): void {
    this.#interrupts++;
    this.#loaded?.interrupt();
  }
}

function bundleOf(value: unknown): Record<string, unknown> {
  try {
    return toMimeBundle(value);
  } catch (e) {
    return { "text/plain": `<value whose display failed: ${(e as Error).message}>` };
  }
}
