// A CommRegistry that keeps every kernel→front-end message in memory and lets a test play the
// front end (send comm messages to the kernel side). Used by the unit tests of kernel/src/widgets;
// the live browser test uses the real kernel instead.
import type { Comm, CommMessage, CommRegistry } from "../../kernel/src/jupyter/comm-types.js";

export interface Sent {
  type: "open" | "msg" | "close";
  commId: string;
  target: string;
  data: Record<string, unknown>;
  buffers: Uint8Array[];
  metadata: Record<string, unknown>;
}

let counter = 0;

class LoopComm implements Comm {
  closed = false;
  readonly msgHandlers: ((m: CommMessage) => void)[] = [];
  readonly closeHandlers: ((m: CommMessage) => void)[] = [];
  constructor(readonly commId: string, readonly targetName: string, private readonly log: Sent[]) {}
  send(data: Record<string, unknown>, buffers: Uint8Array[] = [], metadata: Record<string, unknown> = {}): void {
    if (this.closed) throw new Error(`comm ${this.commId} is closed`);
    this.log.push({ type: "msg", commId: this.commId, target: this.targetName, data, buffers, metadata });
  }
  close(data: Record<string, unknown> = {}, buffers: Uint8Array[] = []): void {
    if (this.closed) return;
    this.closed = true;
    this.log.push({ type: "close", commId: this.commId, target: this.targetName, data, buffers, metadata: {} });
    for (const h of this.closeHandlers) h({ data, buffers, metadata: {} });
  }
  onMsg(h: (m: CommMessage) => void): void { this.msgHandlers.push(h); }
  onClose(h: (m: CommMessage) => void): void { this.closeHandlers.push(h); }
}

export class LoopbackRegistry implements CommRegistry {
  readonly sent: Sent[] = [];
  readonly targets = new Map<string, (comm: Comm, open: CommMessage) => void>();
  readonly #comms = new Map<string, LoopComm>();

  registerTarget(name: string, handler: (comm: Comm, open: CommMessage) => void): void { this.targets.set(name, handler); }
  unregisterTarget(name: string): void { this.targets.delete(name); }
  open(target: string, data: Record<string, unknown> = {}, buffers: Uint8Array[] = [], metadata: Record<string, unknown> = {}): Comm {
    const id = `comm${++counter}`;
    const c = new LoopComm(id, target, this.sent);
    this.#comms.set(id, c);
    this.sent.push({ type: "open", commId: id, target, data, buffers, metadata });
    return c;
  }
  comms(target?: string): Comm[] {
    return [...this.#comms.values()].filter((c) => !c.closed && (!target || c.targetName === target));
  }
  /** Play the front end: deliver a comm_msg to the kernel-side comm. */
  fromFrontend(commId: string, data: Record<string, unknown>, buffers: Uint8Array[] = []): void {
    const c = this.#comms.get(commId);
    if (!c) throw new Error(`no comm ${commId}`);
    for (const h of c.msgHandlers) h({ data, buffers, metadata: {} });
  }
  /** Play the front end opening a comm to a registered target. */
  openFromFrontend(target: string, data: Record<string, unknown> = {}): LoopComm {
    const h = this.targets.get(target);
    if (!h) throw new Error(`no target ${target}`);
    const c = new LoopComm(`fe${++counter}`, target, this.sent);
    this.#comms.set(c.commId, c);
    h(c, { data, buffers: [], metadata: {} });
    return c;
  }
  messages(commId: string): Sent[] { return this.sent.filter((s) => s.commId === commId); }
  last(commId: string): Sent | undefined { const m = this.messages(commId); return m[m.length - 1]; }
}

/** Capture console.warn/error calls during fn. */
export function captureWarnings(fn: () => void): string[] {
  const out: string[] = [];
  const w = console.warn, e = console.error;
  console.warn = (...a: unknown[]) => { out.push(a.join(" ")); };
  console.error = (...a: unknown[]) => { out.push(a.join(" ")); };
  try { fn(); } finally { console.warn = w; console.error = e; }
  return out;
}
