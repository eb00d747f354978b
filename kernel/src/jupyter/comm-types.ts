/**
 * The comm interface the kernel offers to widget code (Jupyter messaging spec "comms").
 * Widgets import only this module from jupyter/. The running kernel publishes its registry on
 * `globalThis[COMM_REGISTRY_KEY]`, so any copy of the "ai4eo" package loaded by a cell finds it.
 * @module
 */

/** One comm message (open, msg or close): JSON data, binary buffers and metadata. */
export interface CommMessage {
  data: Record<string, unknown>;
  buffers: Uint8Array[];
  metadata: Record<string, unknown>;
}

/** One end of a comm, opened by the kernel or by a front end. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  /** Send a comm_msg to the front end (binary buffers travel as ZeroMQ frames). */
  send(data: Record<string, unknown>, buffers?: Uint8Array[], metadata?: Record<string, unknown>): void;
  /** Close the comm (sends comm_close unless the front end closed it). */
  close(data?: Record<string, unknown>, buffers?: Uint8Array[]): void;
  /** Handle comm_msg from the front end. */
  onMsg(handler: (msg: CommMessage) => void): void;
  /** Handle comm_close from the front end (or a local close). */
  onClose(handler: (msg: CommMessage) => void): void;
  readonly closed: boolean;
}

/** The kernel's registry of comm targets and open comms. */
export interface CommRegistry {
  /** Register a target: the handler runs when a front end sends comm_open for `targetName`. */
  registerTarget(targetName: string, handler: (comm: Comm, open: CommMessage) => void): void;
  unregisterTarget(targetName: string): void;
  /** Open a comm from the kernel side (sends comm_open on iopub). */
  open(targetName: string, data?: Record<string, unknown>, buffers?: Uint8Array[], metadata?: Record<string, unknown>): Comm;
  /** The open comms, optionally filtered by target. */
  comms(targetName?: string): Comm[];
}

/** Where the running kernel publishes its {@link CommRegistry}. */
export const COMM_REGISTRY_KEY: unique symbol = Symbol.for("ai4eo.commRegistry") as never;

/** The registry of the kernel this code runs in, or `undefined` in plain Node. */
export function currentCommRegistry(): CommRegistry | undefined {
  return (globalThis as Record<symbol, unknown>)[COMM_REGISTRY_KEY] as CommRegistry | undefined;
}
