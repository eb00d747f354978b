/**
 * A Jupyter client in TypeScript: starts a kernel process with a fresh connection file and talks to
 * it over ZeroMQ (shell, control, stdin, iopub). Used by `ai4eo run`, the tests and the benchmarks.
 *
 * @example
 * ```ts
 * const client = await KernelClient.start({ cwd: "notebooks" });
 * const { reply, outputs } = await client.execute("1 + 1");
 * await client.shutdown();
 * ```
 * @module
 */
import * as zmq from "zeromq";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WireCodec, makeMessage, type JupyterMessage } from "../jupyter/wire.js";
import type { ConnectionInfo } from "../jupyter/connection.js";
import { OrderedSender } from "../jupyter/ordered-sender.js";
import { kernelArgv } from "./install.js";

/** Options of {@link KernelClient.start}. */
export interface KernelClientOptions {
  /** The kernel's working folder. Default `process.cwd()`. */
  cwd?: string;
  /** The command that starts the kernel; `{connection_file}` is replaced. Default: this package's kernel as its kernel.json starts it ({@link kernelArgv}). */
  argv?: string[];
  /** Extra environment for the kernel. Default none. */
  env?: Record<string, string>;
  /** Where the kernel's stderr goes. Default: inherited ("inherit"); "pipe" collects it in {@link KernelClient.stderr}. */
  stderr?: "inherit" | "pipe" | "ignore";
  /** Milliseconds to wait for the first kernel_info_reply. Default 60000. */
  startTimeoutMs?: number;
}

/** What one execute_request produced. */
export interface ExecuteResult {
  reply: JupyterMessage;
  /** The iopub messages whose parent is the request (status messages excluded). */
  outputs: JupyterMessage[];
}

/** Options of {@link KernelClient.execute}. */
export interface ExecuteOptions {
  silent?: boolean;
  storeHistory?: boolean;
  allowStdin?: boolean;
  stopOnError?: boolean;
  userExpressions?: Record<string, string>;
  /** Answers input_request messages (enables allow_stdin). */
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
  /** Called with each iopub output as it arrives. */
  onOutput?: (msg: JupyterMessage) => void;
  /** Milliseconds before rejecting with a timeout error. Default: none. */
  timeoutMs?: number;
}

/** A kernel did not answer in time. */
export class KernelTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`The kernel did not answer ${what} within ${ms / 1000} s.`);
    this.name = "KernelTimeoutError";
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import("node:net").Server>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

type Waiter = { resolve: (m: JupyterMessage) => void; reject: (e: Error) => void };

/** A client connected to one kernel process it started. */
export class KernelClient {
  readonly session = randomUUID();
  readonly codec: WireCodec;
  #shell: zmq.Dealer;
  #control: zmq.Dealer;
  #stdin: zmq.Dealer;
  #iopub: zmq.Subscriber;
  readonly #senders = new Map<zmq.Dealer, OrderedSender>();
  #replies = new Map<string, Waiter>();
  #iopubHandlers = new Set<(m: JupyterMessage) => void>();
  #inputHandler: ((prompt: string, password: boolean) => string | Promise<string>) | undefined;
  #closed = false;
  #exit: Promise<number | null>;
  /** Collected kernel stderr when started with `stderr: "pipe"`. */
  stderr = "";
  /** Milliseconds from spawning the kernel to its first kernel_info_reply (set by {@link KernelClient.start}). */
  firstReplyMs: number | undefined;
  #spawnedAt = performance.now();

  private constructor(
    readonly connection: ConnectionInfo,
    readonly process: ChildProcess,
    private readonly tmp: string,
  ) {
    this.codec = new WireCodec(connection.signature_scheme, connection.key);
    const id = randomBytes(8).toString("hex");
    this.#shell = new zmq.Dealer({ routingId: id, linger: 0, reconnectInterval: 10 });
    this.#stdin = new zmq.Dealer({ routingId: id, linger: 0, reconnectInterval: 10 });
    this.#control = new zmq.Dealer({ routingId: `${id}-c`, linger: 0, reconnectInterval: 10 });
    this.#iopub = new zmq.Subscriber({ linger: 0, reconnectInterval: 10 });
    const url = (p: number) => `tcp://${connection.ip}:${p}`;
    this.#shell.connect(url(connection.shell_port));
    this.#control.connect(url(connection.control_port));
    this.#stdin.connect(url(connection.stdin_port));
    this.#iopub.connect(url(connection.iopub_port));
    this.#iopub.subscribe();
    this.#exit = new Promise((resolve) => process.once("exit", (code) => resolve(code)));
    void this.#loop(this.#shell, (m) => this.#onReply(m));
    void this.#loop(this.#control, (m) => this.#onReply(m));
    void this.#loop(this.#stdin, (m) => void this.#onStdin(m));
    void this.#loop(this.#iopub, (m) => {
      for (const h of this.#iopubHandlers) h(m);
    });
  }

  /** Starts a kernel and waits until it answers kernel_info and its iopub is connected. */
  static async start(options: KernelClientOptions = {}): Promise<KernelClient> {
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const connection: ConnectionInfo = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: shell!,
      iopub_port: iopub!,
      stdin_port: stdin!,
      control_port: control!,
      hb_port: hb!,
      key: randomUUID(),
      signature_scheme: "hmac-sha256",
      kernel_name: "ai4eo",
    };
    const tmp = mkdtempSync(join(tmpdir(), "ai4eo-client-"));
    const file = join(tmp, "kernel.json");
    writeFileSync(file, JSON.stringify(connection));
    const argv = (options.argv ?? kernelArgv()).map((a) =>
      a === "{connection_file}" ? file : a,
    );
    const spawnedAt = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "ignore", options.stderr ?? "inherit"],
    });
    const client = new KernelClient(connection, child, tmp);
    client.#spawnedAt = spawnedAt;
    child.stderr?.on("data", (d: Buffer) => (client.stderr += d.toString()));
    await client.waitReady(options.startTimeoutMs ?? 60_000);
    return client;
  }

  /** Sends kernel_info until the kernel answers and an iopub message for it arrives. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let sawIopub = false;
    const off = this.onIopub(() => (sawIopub = true));
    try {
      for (;;) {
        if (Date.now() > deadline) throw new KernelTimeoutError("kernel_info_request", timeoutMs);
        if (this.process.exitCode !== null) throw new Error(`the kernel exited with code ${this.process.exitCode} before answering.${this.stderr ? `\n${this.stderr}` : ""}`);
        try {
          await this.request("shell", "kernel_info_request", {}, { timeoutMs: 1000 });
          this.firstReplyMs ??= performance.now() - this.#spawnedAt;
        } catch (e) {
          if (!(e instanceof KernelTimeoutError)) throw e;
          continue;
        }
        if (sawIopub) return;
        await new Promise((r) => setTimeout(r, 20));
        if (sawIopub) return;
      }
    } finally {
      off();
    }
  }

  async #loop(socket: zmq.Dealer | zmq.Subscriber, handle: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        try {
          handle(this.codec.decode(frames));
        } catch (e) {
          if (!this.#closed) process.stderr.write(`ai4eo client: dropped a message: ${(e as Error).message}\n`);
        }
      }
    } catch (e) {
      if (!this.#closed) process.stderr.write(`ai4eo client: socket loop stopped: ${(e as Error).message}\n`);
    }
  }

  #onReply(m: JupyterMessage): void {
    const id = m.parent_header.msg_id;
    const w = id ? this.#replies.get(id) : undefined;
    if (!w || !id) return;
    this.#replies.delete(id);
    w.resolve(m);
  }

  async #onStdin(m: JupyterMessage): Promise<void> {
    if (m.header.msg_type !== "input_request") return;
    const c = m.content as { prompt?: string; password?: boolean };
    const value = this.#inputHandler ? await this.#inputHandler(String(c.prompt ?? ""), c.password === true) : "";
    await this.#sendFrames("stdin", this.codec.encode(makeMessage("input_reply", { value }, m.header, this.session)));
  }

  /** Subscribes to every iopub message; returns the unsubscribe function. */
  onIopub(handler: (m: JupyterMessage) => void): () => void {
    this.#iopubHandlers.add(handler);
    return () => this.#iopubHandlers.delete(handler);
  }

  /** Sends a raw frame sequence on a channel (tests use it for malformed messages). */
  async sendRaw(channel: "shell" | "control", frames: (Buffer | string)[]): Promise<void> {
    await this.#sendFrames(channel, frames);
  }

  /** Sends in order on a channel; zeromq.js would throw EBUSY on a send behind its deferred 513th. */
  async #sendFrames(channel: "shell" | "control" | "stdin", frames: (Buffer | string)[]): Promise<void> {
    const socket = channel === "shell" ? this.#shell : channel === "control" ? this.#control : this.#stdin;
    let sender = this.#senders.get(socket);
    if (!sender) {
      sender = new OrderedSender(socket, () => undefined); // each failure goes to its own caller below
      this.#senders.set(socket, sender);
    }
    const failed = await sender.send(frames);
    if (failed) throw failed;
  }

  /** Builds a signed message (not sent). */
  message(msgType: string, content: Record<string, unknown>, buffers: Uint8Array[] = []): JupyterMessage<Record<string, unknown>> {
    return makeMessage(msgType, content, undefined, this.session, { buffers });
  }

  /** Sends a message and resolves with the reply whose parent it is. */
  request(
    channel: "shell" | "control",
    msgType: string,
    content: Record<string, unknown>,
    options: { buffers?: Uint8Array[]; timeoutMs?: number; message?: JupyterMessage<Record<string, unknown>> } = {},
  ): Promise<JupyterMessage> {
    const msg = options.message ?? this.message(msgType, content, options.buffers);
    const p = new Promise<JupyterMessage>((resolve, reject) => {
      this.#replies.set(msg.header.msg_id, { resolve, reject });
      if (options.timeoutMs) {
        setTimeout(() => {
          if (this.#replies.delete(msg.header.msg_id)) reject(new KernelTimeoutError(msgType, options.timeoutMs!));
        }, options.timeoutMs).unref();
      }
    });
    this.#sendFrames(channel, this.codec.encode(msg)).catch((e: Error) => {
      this.#replies.get(msg.header.msg_id)?.reject(e);
      this.#replies.delete(msg.header.msg_id);
    });
    return p;
  }

  /** Sends a message without waiting for a reply (comm_open, comm_msg…). */
  async send(channel: "shell" | "control", msgType: string, content: Record<string, unknown>, buffers: Uint8Array[] = []): Promise<JupyterMessage> {
    const msg = this.message(msgType, content, buffers);
    await this.#sendFrames(channel, this.codec.encode(msg));
    return msg;
  }

  /**
   * Runs code and collects its iopub outputs until both the execute_reply and the idle status
   * for it arrived.
   */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const msg = this.message("execute_request", {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: options.userExpressions ?? {},
      allow_stdin: options.allowStdin ?? options.onInput !== undefined,
      stop_on_error: options.stopOnError ?? true,
    });
    const outputs: JupyterMessage[] = [];
    let idle!: () => void;
    const gotIdle = new Promise<void>((r) => (idle = r));
    const off = this.onIopub((m) => {
      if (m.parent_header.msg_id !== msg.header.msg_id) return;
      if (m.header.msg_type === "status") {
        if ((m.content as { execution_state?: string }).execution_state === "idle") idle();
        return;
      }
      outputs.push(m);
      options.onOutput?.(m);
    });
    this.#inputHandler = options.onInput;
    try {
      const work = Promise.all([this.request("shell", "execute_request", {}, { message: msg }), gotIdle]);
      const timeout = options.timeoutMs;
      const [reply] = timeout
        ? await Promise.race([
            work,
            new Promise<never>((_, reject) => setTimeout(() => reject(new KernelTimeoutError("execute_request", timeout)), timeout).unref()),
          ])
        : await work;
      return { reply, outputs };
    } finally {
      off();
    }
  }

  /** Sends SIGINT to the kernel process (interrupt_mode "signal"). */
  interrupt(): void {
    this.process.kill("SIGINT");
  }

  /** Resolves with the kernel's exit code when it exits. */
  exited(): Promise<number | null> {
    return this.#exit;
  }

  /** Asks the kernel to shut down (control channel), waits for it to exit (kills it after `timeoutMs`), closes the sockets. */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      try {
        await this.request("control", "shutdown_request", { restart: false }, { timeoutMs });
      } catch {
        // fall through to kill
      }
      const timer = setTimeout(() => this.process.kill("SIGKILL"), timeoutMs);
      await this.#exit;
      clearTimeout(timer);
    }
    this.close();
  }

  /** Closes the sockets (the kernel process is left alone). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub]) s.close();
    for (const w of this.#replies.values()) w.reject(new Error("client closed"));
    this.#replies.clear();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
