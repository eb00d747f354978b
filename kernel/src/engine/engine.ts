/**
 * Runs notebook cells with tslab's converter (type checking, top-level await, declarations and
 * imports shared across cells) and an executor modelled on tslab's (vm with breakOnSigint), with:
 * output capture attributed to the cell that produced it (AsyncLocalStorage, so late timers and
 * promises land on their own cell), the last expression's value returned as a value, errors that
 * point to cell lines, interrupts, completion, inspection and is-complete checks.
 *
 * It knows nothing about sockets or EO: output goes to {@link EngineHooks}.
 *
 * @example
 * ```ts
 * const engine = await Engine.create({ hooks });
 * const r = await engine.execute("const x: number = 1; x + 1", ctx, 1); // { status: "ok", value: 2, hasValue: true }
 * ```
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import vm from "node:vm";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { existsSync } from "node:fs";
import type { Converter } from "tslab/dist/converter.js";
import { formatDiagnostics, formatRuntimeError, type CellDiagnostic, type ErrorFields, type PositionMapper } from "./diagnostics.js";
import { createPositionMapper, type ScannerTs } from "./position-map.js";
import { installRuntimeAliases, installTypeAliases, missingAliases, type PackageAliases, type TsSysLike } from "./module-aliases.js";
import { checkComplete, type CompletenessTs, type IsCompleteResult } from "./is-complete.js";
import { expandShorthand, type ShorthandTs } from "./expand-shorthand.js";
import { hasTopLevelAwait } from "./top-level-await.js";
import { explainConverterFailure } from "./converter-errors.js";
import { loadConverter, type PreparingConverter } from "./converter-loader.js";
import { warmUpCells } from "./warm-up.js";
import { codeCacheDir, requireWithCodeCache, type CodeCachedModule } from "./code-cache.js";
import { awaitsToYields, runInterruptible, type YieldTs } from "./interruptible-await.js";
import { InterruptedError, interruptedFields } from "./interrupted-error.js";
import { flushSigint, prepareBreakOnSigint } from "./sigint-watch.js";
import { IdleScavenger } from "./idle-scavenge.js";

const requireHere = createRequire(import.meta.url);

/** Where output of running code goes; `C` is the caller's request context (opaque here). */
export interface EngineHooks<C> {
  stream(name: "stdout" | "stderr", text: string, context: C | undefined): void;
  /** Reports an error that happened outside a running cell (uncaught exception, unhandled rejection). */
  uncaught(error: ErrorFields, context: C | undefined): void;
  /** Reads a line from the user (input()/password() in cells). */
  input(prompt: string, password: boolean, context: C | undefined): Promise<string>;
}

/** Options of {@link Engine.create}. */
export interface EngineOptions<C> {
  hooks: EngineHooks<C>;
  /** The folder cells run in (imports resolve from here). Default `process.cwd()`. */
  rootDir?: string;
  /** Packages importable from any folder, falling back to these roots. Default `{}`. */
  aliases?: PackageAliases;
  /** TypeScript declarations of extra cell globals, e.g. `declare global { const display: … }`. Default "". */
  globalDeclarations?: string;
  /** Values to put on `globalThis` for cells. Default `{}`. */
  globals?: Record<string, unknown>;
  /** Capture `process.stdout`/`process.stderr` writes as cell output. Default true. */
  captureOutput?: boolean;
}

/** The result of running a cell. */
export type CellOutcome = { status: "ok"; hasValue: boolean; value?: unknown } | ({ status: "error" } & ErrorFields);

/** Completion candidates and the span they replace. */
export interface CompletionResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
}

export { InterruptedError };

interface TsModule extends ScannerTs, CompletenessTs, ShorthandTs, YieldTs {
  SyntaxKind: ScannerTs["SyntaxKind"] & ShorthandTs["SyntaxKind"] & YieldTs["SyntaxKind"];
  ScriptKind: YieldTs["ScriptKind"];
  version: string;
  sys: TsSysLike;
  displayPartsToString(parts: unknown): string;
}

type CellRecord = { code: string; map?: PositionMapper };

const CELL_GLOBAL = "__ai4eo_cell__";

/** A TypeScript cell engine. Create it with {@link Engine.create}. */
export class Engine<C> {
  readonly #als = new AsyncLocalStorage<C>();
  readonly #cells = new Map<string, CellRecord>();
  #prevDecl = "";
  #rejectInterrupt: ((e: Error) => void) | undefined;
  /** One AbortController per cell run, aborted on interrupt; found through the cell's async context. */
  readonly #aborts = new WeakMap<object, AbortController>();
  #currentAbort: AbortController | undefined;
  /** Set by an interrupt that arrives while a cell is being type-checked, before its code runs. */
  #interruptPending = false;
  #executing = false;
  /** The context of the cell being executed (while `#executing`). */
  #executingContext: C | undefined;
  #running = false;
  #counter = 0;
  /** Cells executed so far (warm-up stops when this changes). */
  #executions = 0;
  readonly #sideOutputs = new Map<string, string>();
  readonly #sideModules = new Map<string, Module>();
  readonly #exports: Record<string, unknown>;
  #codeCache: CodeCachedModule | undefined;
  #codeCacheSaveScheduled = false;
  /** Whether the converter writes out shorthand properties itself (in its one parse of the cell). */
  #expandsShorthand = false;
  /**
   * Once the kernel is idle after a cell: gives the program the next cell's declarations file (so
   * the next cell does not parse and bind it), then collects the garbage (not in the middle of the
   * next cell).
   */
  readonly #scavenger = new IdleScavenger({ work: () => (this.converter as PreparingConverter).ai4eoPrepare?.(this.#prevDecl) });

  private constructor(
    private readonly ts: TsModule,
    private readonly converter: Converter,
    private readonly options: EngineOptions<C>,
    readonly rootDir: string,
  ) {
    this.#exports = createExports();
    const cellFile = path.join(rootDir, "src.js");
    const baseRequire = createRequire(cellFile);
    (globalThis as Record<string, unknown>)[CELL_GLOBAL] = {
      exports: this.#exports,
      require: this.#wrapRequire(baseRequire, rootDir),
      // what Node's module wrapper gives a CommonJS file (typed as globals by @types/node, so a cell
      // using them type-checked and then failed with a ReferenceError): the folder cells run in
      // (the notebook's), and the name cells' `require` resolves from in it
      filename: cellFile,
      dirname: rootDir,
    };
  }

  /** The TypeScript version that type-checks cells. */
  get typescriptVersion(): string {
    return this.ts.version;
  }

  /** How TypeScript's compiler was loaded: from the code cache of an earlier kernel (`hit`) or not (see code-cache.ts). */
  get codeCacheStatus(): CodeCachedModule["status"] {
    return this.#codeCache?.status ?? "off";
  }

  /** Variables declared by cells so far. */
  get locals(): Record<string, unknown> {
    return this.#exports;
  }

  /**
   * Loads TypeScript and tslab's converter (the slow part: do it after the kernel answered its
   * first kernel_info) and installs output capture and cell globals.
   */
  static async create<C>(options: EngineOptions<C>): Promise<Engine<C>> {
    const rootDir = path.resolve(options.rootDir ?? process.cwd());
    const tslabRequire = createRequire(requireHere.resolve("tslab/package.json"));
    // Loading is seconds of synchronous work: yield between the steps so control messages
    // (interrupt, shutdown) and heartbeats are served in between.
    const turn = () => new Promise<void>((r) => setImmediate(r));
    // TypeScript's compiler with the V8 code cache of earlier kernels (the converter's require gets the same module)
    const tsModule = requireWithCodeCache(tslabRequire.resolve("@tslab/typescript-for-tslab"), codeCacheDir());
    const ts = tsModule.exports as TsModule;
    await turn();
    const aliases = missingAliases(rootDir, options.aliases ?? {});
    // TypeScript's node10 resolution has no package self-reference: inside the package's own tree
    // (its notebooks/) Node resolves "ai4eo" but the type checker does not, so alias its types too.
    const typeAliases = { ...aliases };
    for (const [name, root] of Object.entries(options.aliases ?? {})) {
      const up = (d: string): boolean => existsSync(path.join(d, "node_modules", name, "package.json")) || (path.dirname(d) !== d && up(path.dirname(d)));
      if (!up(rootDir)) typeAliases[name] = root;
    }
    installTypeAliases(ts.sys, rootDir, typeAliases);
    installRuntimeAliases(aliases);
    const { createConverter, cellNamesPatched } = loadConverter(tslabRequire);
    const cwd = process.cwd();
    // tslab's converter resolves from the process's cwd; run cells from rootDir.
    if (cwd !== rootDir) process.chdir(rootDir);
    await turn();
    const converter = createConverter({ isJS: false, isBrowser: false });
    await turn();
    if (options.globalDeclarations) converter.addModule("__ai4eo_globals__", options.globalDeclarations);
    const engine = new Engine<C>(ts, converter, options, rootDir);
    engine.#expandsShorthand = cellNamesPatched;
    engine.#codeCache = tsModule;
    engine.#installGlobals();
    if (options.captureOutput !== false) engine.#captureOutput();
    engine.#installErrorHandlers();
    return engine;
  }

  /**
   * The AbortSignal of the cell whose code runs now (also in its timers and promises): aborted when
   * the kernel is interrupted. Published as `globalThis[Symbol.for("ai4eo.interruptSignal")]()` so
   * library code (ai4eo's progress helper) can stop long work without importing the kernel.
   */
  interruptSignal(): AbortSignal | undefined {
    const ctx = this.#als.getStore();
    return ctx !== null && typeof ctx === "object" ? this.#aborts.get(ctx)?.signal : undefined;
  }

  #installGlobals(): void {
    const g = globalThis as Record<string | symbol, unknown>;
    g[Symbol.for("ai4eo.interruptSignal")] = () => this.interruptSignal();
    for (const [k, v] of Object.entries(this.options.globals ?? {})) g[k] = v;
    g.input = (prompt = "") => this.options.hooks.input(String(prompt), false, this.#als.getStore());
    g.password = (prompt = "") => this.options.hooks.input(String(prompt), true, this.#als.getStore());
  }

  #captureOutput(): void {
    for (const name of ["stdout", "stderr"] as const) {
      const stream = process[name];
      stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.options.hooks.stream(name, text, this.#als.getStore());
        const done = typeof encoding === "function" ? encoding : cb;
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
      }) as typeof stream.write;
    }
  }

  #installErrorHandlers(): void {
    process.on("uncaughtException", (err) => {
      const context = this.#als.getStore();
      this.options.hooks.uncaught(this.#errorFields(err, `Uncaught exception${this.#whenNote(context)}`), context);
    });
    process.on("unhandledRejection", (reason) => {
      const context = this.#als.getStore();
      this.options.hooks.uncaught(this.#errorFields(reason, `Unhandled promise rejection${this.#whenNote(context)}`), context);
    });
  }

  /** When an error outside a cell's own code happened, relative to the cell that scheduled that code. */
  #whenNote(context: C | undefined): string {
    if (context === undefined) return "";
    return this.#executing && context === this.#executingContext ? " (in a callback, while its cell was running)" : " (after its cell finished)";
  }

  #errorFields(error: unknown, heading?: string): ErrorFields {
    const f = formatRuntimeError(error, this.#cells);
    if (!heading) return f;
    return { ...f, traceback: [`${heading}:`, ...f.traceback] };
  }

  /** The context of the cell whose code is running now (also inside its timers and promises). */
  context(): C | undefined {
    return this.#als.getStore();
  }

  /** True while a cell is running. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Type-checks and runs a cell. Output written meanwhile (and later by timers or promises the cell
   * started) is passed to the hooks with `context`.
   * @param code the cell source
   * @param context the caller's request context
   * @param label a label for stack traces, e.g. the execution count (default: a running number)
   */
  async execute(code: string, context: C, label?: number | string): Promise<CellOutcome> {
    const name = `cell-${label ?? ++this.#counter}`;
    this.#executions++;
    this.#executing = true;
    this.#executingContext = context;
    this.#interruptPending = false;
    this.#scavenger.cancel();
    try {
      return await this.#execute(code, context, name);
    } finally {
      this.#executing = false;
      this.#executingContext = undefined;
      this.#interruptPending = false;
      if (this.#executions === 3) this.#scheduleCodeCacheSave();
      this.#scavenger.schedule();
    }
  }

  async #execute(code: string, context: C, name: string): Promise<CellOutcome> {
    let converted: ReturnType<Converter["convert"]>;
    try {
      // tslab misses shorthand properties ({ x }) that name an earlier cell's variable: they are
      // written out, by the patched converter in its one parse of the cell, else here beforehand.
      converted = this.converter.convert(this.#prevDecl, this.#expandsShorthand ? code : expandShorthand(this.ts, code, this.#prevDecl));
    } catch (e) {
      return { status: "error", ...(explainConverterFailure(e, code) ?? formatRuntimeError(e, this.#cells)) };
    }
    // An interrupt that came while the cell was compiled stops it before it runs: its SIGINT is
    // delivered now (see sigint-watch.ts). Entering the vm call below with it undelivered would drop
    // it: a loop would run until the next interrupt.
    await flushSigint();
    if (this.#interruptPending) {
      return { status: "error", ...interruptedFields("while it was type-checked", false) };
    }
    for (const out of converted.sideOutputs ?? []) {
      this.#sideModules.delete(out.path);
      this.#sideOutputs.set(out.path, out.data);
    }
    const errors = (converted.diagnostics as CellDiagnostic[]).filter((d) => d.category === 1);
    if (converted.diagnostics.length > 0) {
      return { status: "error", ...formatDiagnostics(code, errors.length > 0 ? errors : (converted.diagnostics as CellDiagnostic[])) };
    }
    if (!converted.output) {
      this.#prevDecl = converted.declOutput ?? "";
      return { status: "ok", hasValue: false };
    }
    // tslab flags only some top-level awaits; an await nested in an expression needs the async wrapper too.
    const topLevelAwait = converted.hasToplevelAwait || hasTopLevelAwait(this.ts, code);
    // Top-level awaits become yields of a generator the engine resumes inside breakOnSigint, so
    // SIGINT also stops the cell's code after an await (a top-level `for await` keeps an async function).
    const generator = topLevelAwait ? awaitsToYields(this.ts, converted.output) : undefined;
    const params = "exports, require, __filename, __dirname";
    const prefix = generator ? `(function*(${params}) {\n` : topLevelAwait ? `(async function(${params}) {\n` : `(function(${params}) {\n`;
    const g = CELL_GLOBAL;
    const wrapped = `${prefix}${generator?.code ?? converted.output}\n})(${g}.exports, ${g}.require, ${g}.filename, ${g}.dirname)`;
    const js = converted.output;
    let mapper: PositionMapper | undefined;
    this.#cells.set(name, {
      code,
      // line 1 of the wrapped script is the function prefix
      map: (line, column) => {
        if (line < 2) return undefined;
        mapper ??= createPositionMapper(this.ts, code, js);
        const at = generator ? generator.toOriginal(line - 1, column) : { line: line - 1, column };
        return mapper(at.line, at.column);
      },
    });

    const abort = new AbortController();
    this.#currentAbort = abort;
    if (context !== null && typeof context === "object") this.#aborts.set(context, abort);
    const interrupted = new Promise<never>((_, reject) => {
      this.#rejectInterrupt = reject;
    });
    interrupted.catch(() => undefined);
    this.#running = true;
    try {
      prepareBreakOnSigint();
      const ret = this.#als.run(context, () => vm.runInThisContext(wrapped, { filename: name, breakOnSigint: true }) as unknown);
      if (generator) await Promise.race([this.#als.run(context, () => runInterruptible(ret as Generator<unknown, unknown, unknown>, abort.signal)), interrupted]);
      else if (topLevelAwait) await Promise.race([ret, interrupted]);
    } catch (e) {
      if (e instanceof Error && /Script execution was interrupted/.test(e.message)) {
        const err = new InterruptedError("SIGINT");
        abort.abort(err); // the SIGINT handler does not run while breakOnSigint is active
        return { status: "error", ename: err.name, evalue: err.message, traceback: [`\x1b[31m${err.name}\x1b[0m: ${err.message}`] };
      }
      return { status: "error", ...this.#errorFields(e) };
    } finally {
      this.#running = false;
      this.#rejectInterrupt = undefined;
    }
    this.#prevDecl = converted.declOutput ?? "";
    const lastVar = converted.lastExpressionVar;
    if (lastVar && Object.prototype.hasOwnProperty.call(this.#exports, lastVar)) {
      const value = this.#exports[lastVar];
      delete this.#exports[lastVar];
      if (value !== undefined) return { status: "ok", hasValue: true, value };
    }
    return { status: "ok", hasValue: false };
  }

  /**
   * Converts a few sample cells (type check and emit, nothing runs, no declarations kept) so the
   * compiler's code is optimised before the user's first cell. Yields to the event loop between
   * conversions and stops for good as soon as a cell has been executed, or `signal` aborts; does
   * nothing once any cell has run (warm-up never runs between a user's cells: a cell sent while
   * the kernel starts would otherwise wait for the sample conversions behind it).
   * @param rounds how many times to convert the samples (each round with fresh names). Default 2.
   * @returns the number of sample conversions done
   */
  async warmUp(rounds = 2, signal?: AbortSignal): Promise<number> {
    let done = 0;
    for (let round = 0; round < rounds; round++) {
      for (const cell of warmUpCells(String(round))) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.#executing || this.#executions > 0 || signal?.aborted) return done;
        this.converter.convert(this.#prevDecl, cell);
        done++;
      }
    }
    this.#scheduleCodeCacheSave();
    return done;
  }

  /**
   * Writes TypeScript's code cache for the next kernels (see code-cache.ts) once the compiler is
   * warm: after a full warm-up, or after the third cell when cells came first. Does nothing when
   * the cache was used (a hit) or already written. Waits for a moment with no cell running (the
   * serialisation is ~45 ms of this thread, once).
   */
  #scheduleCodeCacheSave(): void {
    const cache = this.#codeCache;
    if (!cache || cache.status === "hit" || cache.status === "loaded" || cache.status === "off" || this.#codeCacheSaveScheduled) return;
    this.#codeCacheSaveScheduled = true;
    const attempt = () => {
      if (this.#executing) setTimeout(attempt, 1000).unref();
      else void cache.save();
    };
    setTimeout(attempt, 500).unref();
  }

  /** Stops a cell that is awaiting (a synchronous loop is stopped by SIGINT through breakOnSigint). */
  interrupt(how = "interrupt request"): void {
    if (this.#executing && !this.#running) this.#interruptPending = true;
    this.#currentAbort?.abort(new InterruptedError(how));
    this.#rejectInterrupt?.(new InterruptedError(how));
  }

  /** Completion candidates at `cursor` (TypeScript-aware, members included). */
  complete(code: string, cursor: number): CompletionResult {
    const info = this.converter.complete(this.#prevDecl, code, cursor);
    return { matches: info.candidates, cursorStart: info.start, cursorEnd: info.end };
  }

  /**
   * Signature and TSDoc of the symbol at `cursor` as plain text, or undefined.
   * @param detailLevel 0: signature and summary; 1: also the TSDoc tags (`@param`, `@example`…)
   */
  inspect(code: string, cursor: number, detailLevel = 0): string | undefined {
    const info = this.converter.inspect(this.#prevDecl, code, cursor) as
      | { displayParts?: unknown; documentation?: unknown; tags?: { name: string; text?: unknown }[] }
      | undefined;
    if (!info) return undefined;
    const parts = [this.ts.displayPartsToString(info.displayParts)];
    const doc = this.ts.displayPartsToString(info.documentation);
    if (doc) parts.push(doc);
    if (detailLevel > 0) {
      for (const tag of info.tags ?? []) {
        const text = tag.text ? this.ts.displayPartsToString(tag.text) : "";
        parts.push(`@${tag.name}${text ? ` ${text}` : ""}`);
      }
    }
    return parts.join("\n\n");
  }

  /** Whether `code` is a complete cell, incomplete (with the indent for the next line), or invalid. */
  isComplete(code: string): IsCompleteResult {
    return checkComplete(this.ts, code);
  }

  /** Releases the compiler's watchers. */
  close(): void {
    this.#scavenger.cancel();
    this.converter.close();
  }

  #wrapRequire(req: NodeJS.Require, dirname: string): NodeJS.Require {
    const requireFromSide = (id: string): unknown => {
      let filename = path.resolve(dirname, id);
      if (path.extname(filename) === "") filename += ".js";
      const cached = this.#sideModules.get(filename);
      if (cached) return cached.exports;
      const source = this.#sideOutputs.get(filename);
      if (source === undefined) return undefined;
      const mod = new Module(filename) as Module & { _compile(src: string, file: string): void; paths: string[] };
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(filename));
      mod.require = this.#wrapRequire(createRequire(filename), path.dirname(filename));
      this.#sideModules.set(filename, mod);
      mod._compile(source, filename);
      return mod.exports;
    };
    return new Proxy(req, {
      apply: (_target, thisArg, args: unknown[]) => {
        const id = args[0];
        if (args.length === 1 && typeof id === "string" && (id.startsWith("./") || id.startsWith("../"))) {
          const mod = requireFromSide(id);
          if (mod !== undefined) return mod;
        }
        return Reflect.apply(req, thisArg, args);
      },
    });
  }
}

/** The shared variables object: named imports are redefined as plain writable values (as tslab does). */
function createExports(): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    defineProperty: (_t, prop, attrs) => {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}
