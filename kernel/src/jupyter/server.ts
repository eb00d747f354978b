/**
 * The Jupyter kernel protocol server: ZeroMQ sockets (shell, control, iopub, stdin, heartbeat),
 * signed messages, busy/idle around every request, replies with `status` and the right parent,
 * execution counting, stop_on_error aborts, stdin, comms and history. It knows nothing about
 * TypeScript: a {@link KernelBackend} runs the code.
 *
 * @example
 * ```ts
 * import { readConnectionFile } from "./connection.js";
 * const server = new KernelServer(readConnectionFile(file), backend);
 * await server.start();
 * ```
 * @module
 */
import * as zmq from "zeromq";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { WireCodec, WireError, makeMessage, type JupyterMessage, type MessageHeader } from "./wire.js";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { KernelCommRegistry } from "./comm-registry.js";
import { HistoryStore } from "./history.js";
import { COMM_REGISTRY_KEY } from "./comm-types.js";
import { OrderedSender } from "./ordered-sender.js";

/** A mime bundle: mime type → data. */
export type MimeData = Record<string, unknown>;

/** The content of an execute_request, with spec defaults applied. */
export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** The request a piece of output belongs to; opaque to backends, which pass it back. */
export interface RequestContext {
  readonly parent: JupyterMessage;
  readonly allowStdin: boolean;
  readonly silent: boolean;
}

/** What running a cell produced. */
export type ExecuteOutcome =
  | { status: "ok"; result?: { data: MimeData; metadata: Record<string, unknown> } }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/** The language side of the kernel. */
export interface KernelBackend {
  /** kernel_info_reply fields other than status/protocol_version (implementation, language_info, banner…). Must be fast. */
  kernelInfo(): Record<string, unknown>;
  /** Runs a cell; output goes through the {@link KernelIO} given to {@link KernelBackend.attach}. */
  execute(request: ExecuteRequest, context: RequestContext, executionCount: number): Promise<ExecuteOutcome>;
  /** Evaluates one user expression (execute_request.user_expressions) to a mime bundle or an error. */
  evaluate(expression: string, context: RequestContext): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<{ matches: string[]; cursor_start: number; cursor_end: number; metadata?: Record<string, unknown> }>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<{ found: boolean; data: MimeData; metadata?: Record<string, unknown> }>;
  isComplete(code: string): Promise<{ status: "complete" | "incomplete" | "invalid" | "unknown"; indent?: string }>;
  /** Stops the running cell (interrupt_request or SIGINT while the event loop is free). */
  interrupt(): void;
  /** Called once with the server's output functions before any request. */
  attach(io: KernelIO): void;
}

/** Output functions the server offers to a backend. */
export interface KernelIO {
  /** Appends text to a stream output (coalesced, flushed before any other output). */
  stream(name: "stdout" | "stderr", text: string, context: RequestContext | undefined): void;
  /** display_data or update_display_data. */
  display(data: MimeData, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean, context: RequestContext | undefined): void;
  /** clear_output. */
  clear(wait: boolean, context: RequestContext | undefined): void;
  /** An `error` message on iopub (e.g. an uncaught exception after its cell ended). */
  error(ename: string, evalue: string, traceback: string[], context: RequestContext | undefined): void;
  /** Asks the front end for input (input_request on stdin). Rejects with {@link StdinNotAllowedError} when the request did not allow stdin. */
  input(prompt: string, password: boolean, context: RequestContext | undefined): Promise<string>;
  /** Shows a mime bundle in the front end's pager (an execute_reply `page` payload of the running cell). */
  page(data: MimeData, context: RequestContext | undefined): void;
  /** The comm registry (also published on `globalThis[COMM_REGISTRY_KEY]`). */
  readonly comms: KernelCommRegistry;
  /** The context of the request being handled now, if any. */
  currentContext(): RequestContext | undefined;
}

/** input()/password() in a request that did not allow stdin. */
export class StdinNotAllowedError extends Error {
  constructor(prompt: string) {
    super(
      `input(${JSON.stringify(prompt)}) needs stdin, but this front end did not allow it (allow_stdin=false, e.g. a headless run). ` +
        "Pass the value in code instead, or run the cell from a front end that supports input.",
    );
    this.name = "StdinNotAllowedError";
  }
}

/** Options of {@link KernelServer}. */
export interface KernelServerOptions {
  /** Where history is kept. Default: {@link HistoryStore.open}() (per-user file). */
  history?: HistoryStore;
  /** Logs protocol problems (bad signatures…). Default: writes to the original stderr. */
  log?: (line: string) => void;
  /** Called after a shutdown_request was answered. Default: `process.exit(0)`. */
  onShutdown?: (restart: boolean) => void;
}

type Queued = { socket: "shell"; msg: JupyterMessage };

/** The Jupyter protocol server of one kernel process. */
export class KernelServer {
  readonly session = randomUUID();
  readonly codec: WireCodec;
  readonly comms: KernelCommRegistry;
  readonly history: HistoryStore;
  #shell = new zmq.Router();
  #control = new zmq.Router();
  #stdin = new zmq.Router();
  /**
   * `sendTimeout: 0`: every send goes to ZeroMQ at once. With a timeout, zeromq.js defers every 512th
   * send to the next event-loop turn (so a sender cannot starve the loop), and a cell running
   * synchronous code gives no turn: that message, and all output after it, waited for the cell to
   * end. A publisher never waits for its subscribers anyway (it drops at the high-water mark).
   */
  #iopub = new zmq.Publisher({ sendTimeout: 0 });
  #hb: zmq.Reply | undefined;
  #hbWorker: Worker | undefined;
  #executionCount = 0;
  #queue: Queued[] = [];
  #processing = false;
  #aborting = false;
  #current: RequestContext | undefined;
  #lastExecute: RequestContext | undefined;
  #pendingStream: { name: "stdout" | "stderr"; text: string; context: RequestContext | undefined } | undefined;
  #flushScheduled = false;
  #lastStreamFlush = 0;
  #pendingInput: { resolve: (s: string) => void; reject: (e: Error) => void } | undefined;
  /** One in-order sender per socket (zeromq.js throws EBUSY on a send behind a deferred one). */
  readonly #senders = new Map<zmq.Router | zmq.Publisher, OrderedSender>();
  #closed = false;
  #payloads = new Map<RequestContext, unknown[]>();
  readonly #log: (line: string) => void;
  readonly #onShutdown: (restart: boolean) => void;

  constructor(
    readonly connection: ConnectionInfo,
    readonly backend: KernelBackend,
    options: KernelServerOptions = {},
  ) {
    this.codec = new WireCodec(connection.signature_scheme, connection.key);
    this.history = options.history ?? HistoryStore.open();
    const stderrWrite = process.stderr.write.bind(process.stderr);
    this.#log = options.log ?? ((line) => void stderrWrite(`[ai4eo kernel] ${line}\n`));
    this.#onShutdown = options.onShutdown ?? (() => process.exit(0));
    this.comms = new KernelCommRegistry((type, content, buffers, metadata) =>
      this.#publish(type, content, this.currentContext(), { buffers, metadata }),
    );
    (globalThis as Record<symbol, unknown>)[COMM_REGISTRY_KEY] = this.comms;
    backend.attach(this.#io());
  }

  /** The context of the request being handled, or of the last execute_request. */
  currentContext(): RequestContext | undefined {
    return this.#current ?? this.#lastExecute;
  }

  /** Binds the sockets and starts serving. */
  async start(): Promise<void> {
    const c = this.connection;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub]) s.linger = 0;
    await Promise.all([
      this.#shell.bind(endpoint(c, "shell_port")),
      this.#control.bind(endpoint(c, "control_port")),
      this.#stdin.bind(endpoint(c, "stdin_port")),
      this.#iopub.bind(endpoint(c, "iopub_port")),
    ]);
    this.#startHeartbeat(endpoint(c, "hb_port"));
    void this.#receive(this.#shell, (msg) => this.#enqueue(msg));
    void this.#receive(this.#control, (msg) => void this.#handleControl(msg));
    void this.#receive(this.#stdin, (msg) => this.#handleStdin(msg));
    this.#status("starting", undefined);
  }

  /**
   * Closes all sockets; resolves when the heartbeat worker has closed its socket and ended (exiting
   * the process while that worker's socket is open aborts inside zeromq).
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub]) s.close();
    this.#hb?.close();
    const worker = this.#hbWorker;
    if (!worker) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage("close");
    });
  }

  /**
   * The heartbeat echoes in a worker thread, so it keeps answering while a cell runs synchronous
   * code (front ends would otherwise report the kernel as dead). Falls back to the main thread.
   */
  #startHeartbeat(url: string): void {
    const zmqPath = createRequire(import.meta.url).resolve("zeromq");
    const source = `
      const { workerData, parentPort } = require("node:worker_threads");
      const zmq = require(workerData.zmqPath);
      const hb = new zmq.Reply({ linger: 0 });
      parentPort.on("message", (m) => { if (m === "close") { parentPort.close(); hb.close(); } });
      (async () => {
        await hb.bind(workerData.url);
        for await (const frames of hb) await hb.send(frames);
      })().catch((e) => { if (!hb.closed) throw e; });`;
    try {
      const worker = new Worker(source, { eval: true, workerData: { zmqPath, url } });
      worker.unref();
      worker.on("error", (e) => {
        this.#log(`heartbeat worker failed (${e.message}); answering heartbeats on the main thread`);
        void this.#heartbeatOnMainThread(url);
      });
      this.#hbWorker = worker;
    } catch (e) {
      this.#log(`cannot start the heartbeat worker (${(e as Error).message}); answering heartbeats on the main thread`);
      void this.#heartbeatOnMainThread(url);
    }
  }

  async #heartbeatOnMainThread(url: string): Promise<void> {
    const hb = new zmq.Reply({ linger: 0 });
    this.#hb = hb;
    try {
      await hb.bind(url);
      for await (const frames of hb) await hb.send(frames);
    } catch (e) {
      if (!this.#closed) this.#log(`heartbeat stopped: ${(e as Error).message}`);
    }
  }

  async #receive(socket: zmq.Router, handle: (msg: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = this.codec.decode(frames);
        } catch (e) {
          if (e instanceof WireError) {
            this.#log(`dropped a message: ${e.message}`);
            continue;
          }
          throw e;
        }
        handle(msg);
      }
    } catch (e) {
      if (!this.#closed) this.#log(`socket loop stopped: ${(e as Error).stack}`);
    }
  }

  // ---- output -------------------------------------------------------------------------------

  #send(socket: zmq.Router | zmq.Publisher, msg: JupyterMessage<unknown>): void {
    if (this.#closed) return;
    const frames = this.codec.encode(msg);
    // Router and Publisher never block (they drop at the high-water mark rather than wait), so the
    // message leaves at once, in order, even while a cell runs synchronous code, unless zeromq.js
    // deferred an earlier send (it does every 512th, except on iopub: see #iopub): then it waits behind that one.
    let sender = this.#senders.get(socket);
    if (!sender) {
      sender = new OrderedSender(socket, (e) => this.#log(`send failed: ${e.message}`));
      this.#senders.set(socket, sender);
    }
    void sender.send(frames);
  }

  /** Resolves once every message given to any socket so far has been sent. */
  async #settled(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((s) => s.settled()));
  }

  #publish(msgType: string, content: unknown, context: RequestContext | undefined, extra: { metadata?: Record<string, unknown>; buffers?: Uint8Array[] } = {}): void {
    if (msgType !== "stream") this.#flushStream();
    const topic = Buffer.from(`kernel.${this.session.slice(0, 8)}.${msgType}`);
    this.#send(this.#iopub, makeMessage(msgType, content, context?.parent.header, this.session, { identities: [topic], ...extra }));
  }

  #status(state: "starting" | "busy" | "idle", context: RequestContext | undefined): void {
    this.#publish("status", { execution_state: state }, context);
  }

  #reply(socket: zmq.Router, request: JupyterMessage, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    this.#flushStream();
    this.#send(socket, makeMessage(msgType, content, request.header, this.session, { identities: request.identities, metadata }));
  }

  #flushStream(): void {
    const p = this.#pendingStream;
    if (!p) return;
    this.#pendingStream = undefined;
    this.#lastStreamFlush = performance.now();
    this.#publish("stream", { name: p.name, text: p.text }, p.context);
  }

  /** Sends any buffered stream text now. */
  flush(): void {
    this.#flushStream();
  }

  #io(): KernelIO {
    return {
      stream: (name, text, context) => {
        const ctx = context ?? this.currentContext();
        const p = this.#pendingStream;
        if (p && p.name === name && p.context === ctx) p.text += text;
        else {
          this.#flushStream();
          this.#pendingStream = { name, text, context: ctx };
        }
        // The first write of an event-loop turn goes out at once (a print just before a long
        // synchronous loop shows while the loop runs, and Jupyter's interrupt can be aimed at it);
        // later writes of the same turn are coalesced, and let out at least every 100 ms.
        if (!this.#flushScheduled || performance.now() - this.#lastStreamFlush > 100) this.#flushStream();
        if (!this.#flushScheduled) {
          this.#flushScheduled = true;
          setImmediate(() => {
            this.#flushScheduled = false;
            this.#flushStream();
          });
        }
      },
      display: (data, metadata, displayId, update, context) => {
        const content: Record<string, unknown> = { data, metadata, transient: displayId ? { display_id: displayId } : {} };
        this.#publish(update ? "update_display_data" : "display_data", content, context ?? this.currentContext());
      },
      clear: (wait, context) => this.#publish("clear_output", { wait }, context ?? this.currentContext()),
      error: (ename, evalue, traceback, context) => this.#publish("error", { ename, evalue, traceback }, context ?? this.currentContext()),
      input: (prompt, password, context) => this.#input(prompt, password, context ?? this.currentContext()),
      page: (data, context) => {
        const list = this.#payloads.get(context ?? this.currentContext()!);
        if (list) list.push({ source: "page", data, start: 0 });
        else this.#io().display(data, {}, undefined, false, context);
      },
      comms: this.comms,
      currentContext: () => this.currentContext(),
    };
  }

  #input(prompt: string, password: boolean, context: RequestContext | undefined): Promise<string> {
    if (!context || !context.allowStdin) return Promise.reject(new StdinNotAllowedError(prompt));
    this.#flushStream();
    this.#pendingInput?.reject(new Error("input request superseded by a newer one"));
    return new Promise<string>((resolve, reject) => {
      this.#pendingInput = { resolve, reject };
      this.#send(this.#stdin, makeMessage("input_request", { prompt, password }, context.parent.header, this.session, { identities: context.parent.identities }));
    });
  }

  #handleStdin(msg: JupyterMessage): void {
    if (msg.header.msg_type !== "input_reply") return;
    const pending = this.#pendingInput;
    this.#pendingInput = undefined;
    pending?.resolve(String((msg.content as { value?: unknown }).value ?? ""));
  }

  /** Rejects a pending input() (used on interrupt). */
  cancelInput(reason: Error): void {
    const pending = this.#pendingInput;
    this.#pendingInput = undefined;
    pending?.reject(reason);
  }

  // ---- shell ---------------------------------------------------------------------------------

  #enqueue(msg: JupyterMessage): void {
    this.#queue.push({ socket: "shell", msg });
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (this.#queue.length > 0) {
        const { msg } = this.#queue.shift()!;
        const context: RequestContext = {
          parent: msg,
          allowStdin: (msg.content as { allow_stdin?: unknown }).allow_stdin === true,
          silent: (msg.content as { silent?: unknown }).silent === true,
        };
        this.#current = context;
        this.#status("busy", context);
        try {
          await this.#handleShell(msg, context);
        } catch (e) {
          this.#log(`error handling ${msg.header.msg_type}: ${(e as Error).stack}`);
        } finally {
          this.#current = undefined;
          this.#status("idle", context);
        }
      }
    } finally {
      this.#processing = false;
    }
  }

  async #handleShell(msg: JupyterMessage, context: RequestContext): Promise<void> {
    const c = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case "kernel_info_request":
        this.#reply(this.#shell, msg, "kernel_info_reply", this.#kernelInfo());
        return;
      case "execute_request":
        await this.#execute(msg, context);
        return;
      case "complete_request": {
        const r = await this.#safe(() => this.backend.complete(String(c.code ?? ""), Number(c.cursor_pos ?? 0)));
        this.#reply(this.#shell, msg, "complete_reply", "error" in r ? r.error : { status: "ok", metadata: {}, ...r.value });
        return;
      }
      case "inspect_request": {
        const r = await this.#safe(() => this.backend.inspect(String(c.code ?? ""), Number(c.cursor_pos ?? 0), Number(c.detail_level ?? 0)));
        this.#reply(this.#shell, msg, "inspect_reply", "error" in r ? r.error : { status: "ok", metadata: {}, ...r.value });
        return;
      }
      case "is_complete_request": {
        const r = await this.#safe(() => this.backend.isComplete(String(c.code ?? "")));
        this.#reply(this.#shell, msg, "is_complete_reply", "error" in r ? { status: "unknown" } : r.value);
        return;
      }
      case "history_request":
        this.#reply(this.#shell, msg, "history_reply", { status: "ok", history: this.#history(c) });
        return;
      case "comm_info_request": {
        const target = typeof c.target_name === "string" ? c.target_name : undefined;
        this.#reply(this.#shell, msg, "comm_info_reply", { status: "ok", comms: this.comms.info(target) });
        return;
      }
      case "comm_open": {
        const ok = this.#safeSync(() => this.comms.handleOpen(c, msg.buffers, msg.metadata));
        if (!ok) this.#publish("comm_close", { comm_id: c.comm_id, data: {} }, context);
        return;
      }
      case "comm_msg":
        this.#safeSync(() => this.comms.handleMsg(c, msg.buffers, msg.metadata));
        return;
      case "comm_close":
        this.#safeSync(() => this.comms.handleClose(c, msg.buffers, msg.metadata));
        return;
      case "shutdown_request":
        this.#shutdown(this.#shell, msg);
        return;
      default:
        this.#log(`unsupported shell message ${msg.header.msg_type}`);
        this.#reply(this.#shell, msg, msg.header.msg_type.replace(/_request$/, "_reply"), {
          status: "error",
          ename: "UnsupportedRequest",
          evalue: `${msg.header.msg_type} is not supported by this kernel`,
          traceback: [],
        });
    }
  }

  async #safe<T>(fn: () => Promise<T>): Promise<{ value: T } | { error: Record<string, unknown> }> {
    try {
      return { value: await fn() };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { error: { status: "error", ename: err.name, evalue: err.message, traceback: [err.stack ?? err.message] } };
    }
  }

  #safeSync<T>(fn: () => T): T | false {
    try {
      return fn();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.#io().error(err.name, err.message, [err.stack ?? err.message], this.#current);
      return false;
    }
  }

  #kernelInfo(): Record<string, unknown> {
    return { status: "ok", protocol_version: "5.3", ...this.backend.kernelInfo() };
  }

  #history(c: Record<string, unknown>): unknown[] {
    const output = c.output === true;
    const n = Number(c.n ?? 10);
    switch (c.hist_access_type) {
      case "tail":
        return this.history.tail(n, output);
      case "range":
        return this.history.range(Number(c.session ?? 0), Number(c.start ?? 0), c.stop === undefined || c.stop === null ? undefined : Number(c.stop), output);
      case "search":
        return this.history.search(String(c.pattern ?? "*"), Number(c.n ?? 0), c.unique === true, output);
      default:
        return [];
    }
  }

  async #execute(msg: JupyterMessage, context: RequestContext): Promise<void> {
    const c = msg.content as Partial<ExecuteRequest>;
    const req: ExecuteRequest = {
      code: String(c.code ?? ""),
      silent: c.silent === true,
      store_history: c.silent === true ? false : c.store_history !== false,
      user_expressions: (c.user_expressions ?? {}) as Record<string, string>,
      allow_stdin: c.allow_stdin === true,
      stop_on_error: c.stop_on_error !== false,
    };
    if (this.#aborting) {
      this.#reply(this.#shell, msg, "execute_reply", { status: "aborted", execution_count: this.#executionCount }, { status: "aborted" });
      return;
    }
    this.#lastExecute = context;
    if (req.store_history) this.#executionCount++;
    const count = this.#executionCount;
    if (!req.silent) this.#publish("execute_input", { code: req.code, execution_count: count }, context);
    let outcome: ExecuteOutcome;
    const payload: unknown[] = [];
    this.#payloads.set(context, payload);
    try {
      outcome = await this.backend.execute(req, context, count);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      outcome = { status: "error", ename: err.name, evalue: err.message, traceback: [err.stack ?? err.message] };
    } finally {
      this.#payloads.delete(context);
    }
    let outputText: string | undefined;
    if (outcome.status === "ok") {
      if (outcome.result && !req.silent) {
        this.#publish("execute_result", { execution_count: count, data: outcome.result.data, metadata: outcome.result.metadata }, context);
        const t = outcome.result.data["text/plain"];
        if (typeof t === "string") outputText = t;
      }
      const userExpressions: Record<string, unknown> = {};
      for (const [name, expr] of Object.entries(req.user_expressions)) {
        const r = await this.backend.evaluate(expr, context);
        userExpressions[name] =
          r.status === "ok" ? { status: "ok", data: r.result?.data ?? {}, metadata: r.result?.metadata ?? {} } : { ...r };
      }
      this.#reply(this.#shell, msg, "execute_reply", { status: "ok", execution_count: count, user_expressions: userExpressions, payload }, { status: "ok" });
    } else {
      this.#publish("error", { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback }, context);
      this.#reply(
        this.#shell,
        msg,
        "execute_reply",
        { status: "error", execution_count: count, ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback, user_expressions: {}, payload: [] },
        { status: "error" },
      );
      if (req.stop_on_error) await this.#abortQueued();
    }
    if (req.store_history) this.history.append(count, req.code, outputText);
  }

  /**
   * After a failed cell with stop_on_error: answer every execute_request that is already queued
   * (or arrives in the same event-loop turns, i.e. was sent before the error was known) with `aborted`.
   */
  async #abortQueued(): Promise<void> {
    this.#aborting = true;
    try {
      for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
      while (this.#queue.length > 0 && this.#queue[0]!.msg.header.msg_type === "execute_request") {
        const { msg } = this.#queue.shift()!;
        const context: RequestContext = { parent: msg, allowStdin: false, silent: false };
        this.#status("busy", context);
        this.#reply(this.#shell, msg, "execute_reply", { status: "aborted", execution_count: this.#executionCount }, { status: "aborted" });
        this.#status("idle", context);
      }
    } finally {
      this.#aborting = false;
    }
  }

  // ---- control -------------------------------------------------------------------------------

  async #handleControl(msg: JupyterMessage): Promise<void> {
    const context: RequestContext = { parent: msg, allowStdin: false, silent: false };
    this.#status("busy", context);
    try {
      switch (msg.header.msg_type) {
        case "interrupt_request":
          this.interrupt();
          this.#reply(this.#control, msg, "interrupt_reply", { status: "ok" });
          break;
        case "shutdown_request":
          this.#shutdown(this.#control, msg);
          break;
        case "kernel_info_request":
          this.#reply(this.#control, msg, "kernel_info_reply", this.#kernelInfo());
          break;
        default:
          this.#reply(this.#control, msg, msg.header.msg_type.replace(/_request$/, "_reply"), {
            status: "error",
            ename: "UnsupportedRequest",
            evalue: `${msg.header.msg_type} is not supported on the control channel`,
            traceback: [],
          });
      }
    } finally {
      this.#status("idle", context);
    }
  }

  /** Interrupts the running cell (and a pending input()). */
  interrupt(): void {
    this.cancelInput(new Error("interrupted while waiting for input"));
    this.backend.interrupt();
  }

  #shutdown(socket: zmq.Router, msg: JupyterMessage): void {
    const restart = (msg.content as { restart?: unknown }).restart === true;
    this.#reply(socket, msg, "shutdown_reply", { status: "ok", restart });
    this.#publish("shutdown_reply", { status: "ok", restart }, { parent: msg, allowStdin: false, silent: false });
    void this.#settled()
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => this.#settled())
      .then(() => this.close())
      .then(() => this.#onShutdown(restart));
  }
}

export type { JupyterMessage, MessageHeader };
