/**
 * In-order sending on one zeromq socket that never trips zeromq.js's "Socket is busy writing" error.
 *
 * zeromq.js 6 sends at once (synchronously, into ZeroMQ's I/O thread) only up to 512 times in a row
 * on a socket; the 513th send is deferred to the next event-loop turn, and until it has gone out any
 * further `send` *throws* `EBUSY` ("only one send operation may be in progress at any time"). A
 * kernel's shell socket reaches that limit after 512 replies, and the next two messages sent in one
 * turn would throw. This sender keeps the fast path (a free socket sends at once, even while a cell
 * runs synchronous code) and queues messages, in order, behind a deferred send. (The iopub socket
 * sends with `sendTimeout: 0`, which zeromq.js never defers: see server.ts.)
 *
 * @example
 * ```ts
 * const iopub = new OrderedSender(publisher, (e) => log(`send failed: ${e.message}`));
 * iopub.send(frames); // never throws; messages leave in the order given
 * const error = await iopub.send(other); // undefined once sent, or the error it failed with
 * await iopub.settled(); // before closing the socket
 * ```
 * @module
 */

/** What a socket must offer: zeromq.js's `send` (a promise; may throw EBUSY synchronously). */
export interface SendingSocket {
  send(frames: (Buffer | Uint8Array | string)[]): Promise<void>;
}

type Frames = (Buffer | Uint8Array | string)[];

/** Sends messages on one socket in the order given, queueing behind a deferred send. */
/** A message waiting to be sent, and how to tell its sender the outcome. */
interface Pending {
  frames: Frames;
  done: (error: Error | undefined) => void;
}

export class OrderedSender {
  readonly #queue: Pending[] = [];
  /** The promise of the last send handed to zeromq (it settles when that send has gone out). */
  #last: Promise<void> = Promise.resolve();
  #draining = false;

  /**
   * @param socket the zeromq socket
   * @param onError called with a send that failed (other than being busy); the message is dropped
   */
  constructor(
    private readonly socket: SendingSocket,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Messages waiting behind a deferred send. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Sends `frames` now if the socket is free, else after the messages before it. Never throws;
   * the promise resolves once this message has gone to ZeroMQ: to undefined, or to the error it
   * failed with (also passed to `onError`). Callers that do not care need not await it.
   */
  send(frames: Frames): Promise<Error | undefined> {
    return new Promise((done) => {
      const pending = { frames, done };
      if (this.#queue.length > 0 || !this.#trySend(pending)) {
        this.#queue.push(pending);
        this.#drainLater();
      }
    });
  }

  /** Resolves once every message given so far has been handed to ZeroMQ and sent. */
  async settled(): Promise<void> {
    for (;;) {
      const last = this.#last;
      await last;
      if (this.#queue.length === 0 && last === this.#last) return;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** False when the socket is busy with a deferred send (the message was not taken). */
  #trySend({ frames, done }: Pending): boolean {
    let sent: Promise<void>;
    try {
      sent = this.socket.send(frames);
    } catch (e) {
      if ((e as { code?: unknown }).code === "EBUSY") return false;
      this.onError(e as Error);
      done(e as Error);
      return true;
    }
    this.#last = sent.then(
      () => done(undefined),
      (e: Error) => {
        this.onError(e);
        done(e);
      },
    );
    return true;
  }

  #drainLater(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#last.then(() => {
      this.#draining = false;
      while (this.#queue.length > 0) {
        if (!this.#trySend(this.#queue[0]!)) {
          this.#drainLater();
          return;
        }
        this.#queue.shift();
      }
    });
  }
}
