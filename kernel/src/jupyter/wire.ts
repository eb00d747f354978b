/**
 * Jupyter messages on the wire (messaging spec 5.3): typed headers, HMAC-SHA256 signing with a
 * timing-safe check, and (de)serialisation of ZeroMQ multipart frames.
 *
 * @example
 * ```ts
 * const codec = new WireCodec("hmac-sha256", key);
 * const frames = codec.encode(makeMessage("kernel_info_reply", content, parent, session));
 * const msg = codec.decode(frames); // throws WireError on a bad signature
 * ```
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** The protocol version this kernel speaks. */
export const PROTOCOL_VERSION = "5.3";

const DELIMITER = "<IDS|MSG>";

/** A message header. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  subshell_id?: string | null;
}

/** A decoded Jupyter message. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** ZeroMQ routing identities (before the delimiter). */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Uint8Array[];
}

/** A frame sequence that could not be accepted (bad signature, malformed frames or JSON). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/**
 * Builds a message with a fresh header.
 * @example
 * ```ts
 * makeMessage("status", { execution_state: "idle" }, parent.header, "session-id");
 * ```
 */
export function makeMessage<C>(
  msgType: string,
  content: C,
  parent: Partial<MessageHeader> | undefined,
  session: string,
  options: { identities?: Buffer[]; metadata?: Record<string, unknown>; buffers?: Uint8Array[] } = {},
): JupyterMessage<C> {
  return {
    identities: options.identities ?? [],
    header: {
      msg_id: randomUUID(),
      session,
      username: "kernel",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ?? {},
    metadata: options.metadata ?? {},
    content,
    buffers: options.buffers ?? [],
  };
}

/** Signs and checks messages with the connection file's key. */
export class WireCodec {
  readonly #key: Buffer;
  readonly #algorithm: string;

  /**
   * @param scheme the connection file's `signature_scheme` ("hmac-sha256"; "" or an empty key disables signing)
   * @param key the connection file's `key`
   */
  constructor(scheme: string, key: string) {
    this.#key = Buffer.from(key, "utf8");
    this.#algorithm = scheme.startsWith("hmac-") ? scheme.slice(5) : "sha256";
  }

  /** The signature of the four JSON frames (hex), or "" when signing is off. Strings count as their UTF-8 bytes. */
  sign(frames: readonly (Buffer | string)[]): string {
    if (this.#key.length === 0) return "";
    const h = createHmac(this.#algorithm, this.#key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  }

  /**
   * Encodes a message into ZeroMQ frames. The delimiter, signature and JSON frames are strings
   * (zeromq.js sends them as their UTF-8 bytes): a Buffer of more than 128 bytes would be sent
   * zero-copy, which costs a reference and a wake-up of the main thread to release it afterwards.
   */
  encode(msg: JupyterMessage<unknown>): (Buffer | string)[] {
    const json = [JSON.stringify(msg.header), JSON.stringify(msg.parent_header), JSON.stringify(msg.metadata), JSON.stringify(msg.content)];
    return [
      ...msg.identities,
      DELIMITER,
      this.sign(json),
      ...json,
      ...msg.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
    ];
  }

  /** Decodes and verifies ZeroMQ frames; throws {@link WireError} when they are not a valid signed message. */
  decode(input: readonly (Buffer | string)[]): JupyterMessage {
    // frames from a socket are Buffers; strings (as encode makes them) are taken as their UTF-8 bytes
    const frames = input.map((f) => (typeof f === "string" ? Buffer.from(f, "utf8") : f));
    const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
    if (at < 0) throw new WireError("no <IDS|MSG> delimiter frame");
    if (frames.length < at + 6) throw new WireError(`expected at least 5 frames after the delimiter, got ${frames.length - at - 1}`);
    const signature = frames[at + 1]!;
    const json = frames.slice(at + 2, at + 6);
    if (this.#key.length > 0) {
      const expected = Buffer.from(this.sign(json));
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
        throw new WireError("bad message signature");
      }
    }
    let parts: unknown[];
    try {
      parts = json.map((f) => JSON.parse(f.toString("utf8")) as unknown);
    } catch (e) {
      throw new WireError(`malformed JSON frame: ${(e as Error).message}`);
    }
    const [header, parent, metadata, content] = parts as [MessageHeader, Partial<MessageHeader>, Record<string, unknown>, Record<string, unknown>];
    if (!header || typeof header !== "object" || typeof header.msg_type !== "string") throw new WireError("header has no msg_type");
    if (!content || typeof content !== "object") throw new WireError("content is not an object");
    return {
      identities: frames.slice(0, at),
      header,
      parent_header: parent ?? {},
      metadata: metadata ?? {},
      content,
      buffers: frames.slice(at + 6).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    };
  }
}
