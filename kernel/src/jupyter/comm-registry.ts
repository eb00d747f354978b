/**
 * The kernel's comm registry: named targets, kernel- and front-end-opened comms, binary buffers
 * both ways. Implements {@link CommRegistry} from comm-types.ts, which widget code imports.
 *
 * @example
 * ```ts
 * const registry = new KernelCommRegistry((type, content, buffers, metadata) => iopub.publish(type, content, buffers, metadata));
 * registry.registerTarget("echo", (comm) => comm.onMsg((m) => comm.send(m.data, m.buffers)));
 * ```
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Comm, CommMessage, CommRegistry } from "./comm-types.js";

/** Sends a comm_open / comm_msg / comm_close on iopub (the caller picks the parent header). */
export type CommPublisher = (
  msgType: "comm_open" | "comm_msg" | "comm_close",
  content: Record<string, unknown>,
  buffers: Uint8Array[],
  metadata: Record<string, unknown>,
) => void;

type Handler = (msg: CommMessage) => void;

class KernelComm implements Comm {
  #closed = false;
  readonly #msgHandlers: Handler[] = [];
  readonly #closeHandlers: Handler[] = [];

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly registry: KernelCommRegistry,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  send(data: Record<string, unknown>, buffers: Uint8Array[] = [], metadata: Record<string, unknown> = {}): void {
    if (this.#closed) throw new Error(`comm ${this.commId} (target "${this.targetName}") is closed; open a new comm to send`);
    this.registry.publish("comm_msg", { comm_id: this.commId, data }, buffers, metadata);
  }

  close(data: Record<string, unknown> = {}, buffers: Uint8Array[] = []): void {
    if (this.#closed) return;
    this.registry.publish("comm_close", { comm_id: this.commId, data }, buffers, {});
    this.dispatchClose({ data, buffers, metadata: {} });
  }

  onMsg(handler: Handler): void {
    this.#msgHandlers.push(handler);
  }

  onClose(handler: Handler): void {
    this.#closeHandlers.push(handler);
  }

  /** @internal a comm_msg from the front end */
  dispatchMsg(msg: CommMessage): void {
    for (const h of this.#msgHandlers) h(msg);
  }

  /** @internal closed by the front end or locally */
  dispatchClose(msg: CommMessage): void {
    if (this.#closed) return;
    this.#closed = true;
    this.registry.forget(this.commId);
    for (const h of this.#closeHandlers) h(msg);
  }
}

/** The {@link CommRegistry} of a running kernel. */
export class KernelCommRegistry implements CommRegistry {
  readonly #targets = new Map<string, (comm: Comm, open: CommMessage) => void>();
  readonly #comms = new Map<string, KernelComm>();

  /** @param publisher sends comm messages on iopub */
  constructor(private readonly publisher: CommPublisher) {}

  /** @internal */
  publish(...args: Parameters<CommPublisher>): void {
    this.publisher(...args);
  }

  /** @internal */
  forget(commId: string): void {
    this.#comms.delete(commId);
  }

  registerTarget(targetName: string, handler: (comm: Comm, open: CommMessage) => void): void {
    this.#targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.#targets.delete(targetName);
  }

  open(targetName: string, data: Record<string, unknown> = {}, buffers: Uint8Array[] = [], metadata: Record<string, unknown> = {}): Comm {
    const comm = new KernelComm(randomUUID().replace(/-/g, ""), targetName, this);
    this.#comms.set(comm.commId, comm);
    this.publisher("comm_open", { comm_id: comm.commId, target_name: targetName, data }, buffers, metadata);
    return comm;
  }

  comms(targetName?: string): Comm[] {
    return [...this.#comms.values()].filter((c) => targetName === undefined || c.targetName === targetName);
  }

  /** The comm_info_reply `comms` field. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.comms(targetName)) out[c.commId] = { target_name: c.targetName };
    return out;
  }

  /**
   * Handles a comm_open from the front end. Returns false when the target is unknown (the caller
   * then answers with comm_close, as the spec asks).
   */
  handleOpen(content: { comm_id?: unknown; target_name?: unknown; data?: unknown }, buffers: Uint8Array[], metadata: Record<string, unknown>): boolean {
    const commId = String(content.comm_id ?? "");
    const target = String(content.target_name ?? "");
    const handler = this.#targets.get(target);
    if (!handler || !commId) return false;
    const comm = new KernelComm(commId, target, this);
    this.#comms.set(commId, comm);
    handler(comm, { data: asRecord(content.data), buffers, metadata });
    return true;
  }

  /** Handles a comm_msg from the front end (unknown comm ids are ignored, as the spec asks). */
  handleMsg(content: { comm_id?: unknown; data?: unknown }, buffers: Uint8Array[], metadata: Record<string, unknown>): boolean {
    const comm = this.#comms.get(String(content.comm_id ?? ""));
    if (!comm) return false;
    comm.dispatchMsg({ data: asRecord(content.data), buffers, metadata });
    return true;
  }

  /** Handles a comm_close from the front end. */
  handleClose(content: { comm_id?: unknown; data?: unknown }, buffers: Uint8Array[], metadata: Record<string, unknown>): boolean {
    const comm = this.#comms.get(String(content.comm_id ?? ""));
    if (!comm) return false;
    comm.dispatchClose({ data: asRecord(content.data), buffers, metadata });
    return true;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
