/**
 * Random-access byte sources for the TIFF reader: a local file, bytes in memory, or an http(s)
 * URL read with range requests.
 * @module
 */
import { closeSync, constants as fsConstants, openSync, read as fsRead, readSync, statSync, type Stats } from "node:fs";
import { RasterFormatError, RasterHttpError } from "./errors.js";

/** Something the TIFF reader can read byte ranges from. */
export interface ByteSource {
  /** A name for messages: the path, URL or "<bytes>". */
  readonly name: string;
  /** Total size in bytes when known. */
  readonly size: number | undefined;
  /** Read `length` bytes at `offset` (fewer only at end of file). */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** Read several ranges; sources may merge near ones into one request. */
  readMany(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<Uint8Array[]>;
  /**
   * Read `target.length` bytes at `offset` into `target` (local files: no allocation); returns the
   * bytes read (fewer only at end of file). Optional: sources without it are read with `read`.
   */
  readInto?(offset: number, target: Uint8Array, signal?: AbortSignal): Promise<number>;
  /** Release the file handle. */
  close(): Promise<void>;
}

/** Bytes in memory. */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(readonly bytes: Uint8Array, readonly name = "<bytes>") {
    this.size = bytes.length;
  }
  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    return this.bytes.subarray(offset, Math.min(offset + length, this.size));
  }
  async readMany(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<Uint8Array[]> {
    signal?.throwIfAborted();
    return ranges.map(([o, l]) => this.bytes.subarray(o, Math.min(o + l, this.size)));
  }
  async close(): Promise<void> {}
}

// Open descriptors stay registered here, so a source dropped without close() has its descriptor
// closed by the finalizer below.
const finalizer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** Reads up to this many bytes are made synchronously (as GDAL reads); larger ones on the thread pool. */
const SYNC_READ_MAX = 1 << 20;

/** A local file read with positional reads (nothing is read until asked). */
export class FileSource implements ByteSource {
  #fd: number | undefined;
  /** Reads on the thread pool: close() waits for them (a reused descriptor number must not be read). */
  readonly #inFlight = new Set<Promise<number>>();

  private constructor(readonly name: string, fd: number, readonly size: number) {
    this.#fd = fd;
    finalizer.register(this, fd, this);
  }

  /**
   * Open `path` for reading (a synchronous open: no trip through the thread pool). The path is
   * stat-ed first and only a regular file is opened: opening a named pipe waits for a writer,
   * which would block the kernel's only thread for good.
   * @throws {RasterFormatError} for a missing path, a directory, pipe, socket or device, or a file that cannot be opened.
   */
  static async open(path: string): Promise<FileSource> {
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      throw openError(path, e);
    }
    if (!st.isFile()) throw new RasterFormatError(path, notAFile(st));
    let fd: number;
    try {
      // non-blocking: should a pipe replace the file after the stat, the open still returns at once
      fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
    } catch (e) {
      throw openError(path, e);
    }
    return new FileSource(path, fd, st.size);
  }

  #descriptor(): number {
    if (this.#fd === undefined) throw new RasterFormatError(this.name, "the file was closed: open it again with openRaster.");
    return this.#fd;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const buf = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    const got = await this.readInto(offset, buf, signal);
    return got === buf.length ? buf : buf.subarray(0, got);
  }

  async readInto(offset: number, target: Uint8Array, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const fd = this.#descriptor();
    const n = Math.max(0, Math.min(target.length, this.size - offset));
    let got = 0;
    while (got < n) {
      // small reads (headers, tiles) directly: a trip through the thread pool costs more than the copy
      let r: number;
      if (n <= SYNC_READ_MAX) r = readSync(fd, target, got, n - got, offset + got);
      else {
        const p = new Promise<number>((resolve, reject) => fsRead(fd, target, got, n - got, offset + got, (e, b) => (e ? reject(e) : resolve(b))));
        this.#inFlight.add(p);
        try {
          r = await p;
        } finally {
          this.#inFlight.delete(p);
        }
      }
      if (r === 0) break;
      got += r;
    }
    return got;
  }

  async readMany(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<Uint8Array[]> {
    return Promise.all(ranges.map(([o, l]) => this.read(o, l, signal)));
  }

  async close(): Promise<void> {
    const fd = this.#fd;
    if (fd === undefined) return;
    this.#fd = undefined;
    finalizer.unregister(this);
    await Promise.allSettled([...this.#inFlight]);
    closeSync(fd);
  }
}

/** The RasterFormatError for a failed stat or open of `path`. */
function openError(path: string, e: unknown): RasterFormatError {
  const code = (e as NodeJS.ErrnoException).code;
  return new RasterFormatError(path, code === "ENOENT"
    ? "no such file. Check the path (relative paths are resolved from the current directory)."
    : `cannot open the file (${code ?? String(e)}).`, { cause: e });
}

/** What a path that is not a regular file is, and what to do instead. */
function notAFile(st: Stats): string {
  if (st.isDirectory()) return "is a directory, not a file. Pass the path of a GeoTIFF file (e.g. one inside this directory).";
  const kind = st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket" : st.isCharacterDevice() ? "a character device" :
    st.isBlockDevice() ? "a block device" : "a special file";
  return `is ${kind}, not a regular file: it is not opened, since reading it could wait forever or never end. ` +
    "Copy the data to a regular file and open that, or read the bytes yourself and pass them: openRaster(bytes).";
}

/** Options for {@link HttpSource}. */
export interface HttpSourceOptions {
  /** Extra request headers (e.g. authorization); default none. */
  headers?: Record<string, string>;
  /** Attempts per request on network errors and 5xx/429 answers; default 3. */
  retries?: number;
  /** Ranges closer than this many bytes are fetched in one request; default 65536. */
  mergeGap?: number;
  /** The fetch implementation (for tests/proxies); default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * An http(s) URL read with `Range` requests: only the bytes asked for travel. A server that
 * answers 200 with the whole body instead of 206 is refused (it would download the whole file).
 */
export class HttpSource implements ByteSource {
  size: number | undefined = undefined;
  private readonly retries: number;
  private readonly mergeGap: number;
  private readonly fetchFn: typeof fetch;
  constructor(readonly name: string, private readonly options: HttpSourceOptions = {}) {
    this.retries = options.retries ?? 3;
    this.mergeGap = options.mergeGap ?? 65536;
    this.fetchFn = options.fetch ?? fetch;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.size !== undefined) length = Math.max(0, Math.min(length, this.size - offset));
    if (length === 0) return new Uint8Array(0);
    let lastError: unknown;
    for (let attempt = 0; attempt < this.retries; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      let res: Response;
      try {
        res = await this.fetchFn(this.name, {
          headers: { ...this.options.headers, Range: `bytes=${offset}-${offset + length - 1}` },
          signal,
        });
      } catch (e) {
        if (signal?.aborted) throw e;
        lastError = e;
        continue;
      }
      if (res.status === 206) {
        const cr = res.headers.get("content-range");
        const m = cr && /\/(\d+)\s*$/.exec(cr);
        if (m) this.size = Number(m[1]);
        return new Uint8Array(await res.arrayBuffer());
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 416) return new Uint8Array(0);
      if (res.status === 200) {
        throw new RasterHttpError(this.name, 200,
          "the server ignored the Range header and answered 200 with the whole file. Serve it from a server with " +
          "HTTP range support (any static file server or object store does), or download it and open the local path.");
      }
      if (res.status >= 500 || res.status === 429) {
        lastError = new RasterHttpError(this.name, res.status, `HTTP ${res.status}`);
        continue;
      }
      throw new RasterHttpError(this.name, res.status,
        `HTTP ${res.status} ${res.statusText}. ${res.status === 404 ? "Check the URL." :
          res.status === 401 || res.status === 403 ? "Pass credentials with openRaster(url, { headers })." : ""}`.trim());
    }
    throw new RasterHttpError(this.name, lastError instanceof RasterHttpError ? lastError.status : null,
      `request for bytes ${offset}-${offset + length - 1} failed after ${this.retries} attempts: ` +
      `${lastError instanceof Error ? lastError.message : String(lastError)}. Check the network or retry later.`,
      { cause: lastError });
  }

  async readMany(ranges: readonly (readonly [number, number])[], signal?: AbortSignal): Promise<Uint8Array[]> {
    const order = ranges.map((r, i) => [r[0], r[1], i] as const).sort((a, b) => a[0] - b[0]);
    const groups: { start: number; end: number; members: (readonly [number, number, number])[] }[] = [];
    for (const r of order) {
      const g = groups[groups.length - 1];
      if (g && r[0] <= g.end + this.mergeGap) {
        g.end = Math.max(g.end, r[0] + r[1]);
        g.members.push(r);
      } else groups.push({ start: r[0], end: r[0] + r[1], members: [r] });
    }
    const out: Uint8Array[] = new Array(ranges.length);
    await Promise.all(groups.map(async (g) => {
      const bytes = await this.read(g.start, g.end - g.start, signal);
      for (const [o, l, i] of g.members) out[i] = bytes.subarray(o - g.start, o - g.start + l);
    }));
    return out;
  }

  async close(): Promise<void> {}
}
