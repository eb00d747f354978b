/**
 * Decoding a few blocks (a window read, too few for worker threads) on two kinds of lane at once:
 * the calling thread inflates one block after another, while "pool" lanes keep inflations running
 * on libuv's thread pool. Every lane takes the next block from one queue when it is free, so the
 * faster lane does more of them, and each lane reuses its own input and output buffers from block
 * to block.
 *
 * The reused buffers matter more than they seem: a new buffer is memory the process has not
 * touched yet, and the first write to each of its pages is a page fault. On the 2-core VM this was
 * measured on, reading a 340 KiB tile into a new buffer took 0.5–1 ms against 0.05 ms into a reused
 * one, and filling a new 512 KiB buffer 0.3 ms; a read of nine tiles that gave every block a new
 * input and output buffer spent several milliseconds on it (a fresh-process 1024² window went from
 * 27 to 22 ms with lanes). Lane buffers come from a small per-process stock (at most
 * {@link LANE_STOCK_BYTES}), so later reads find them already mapped.
 * @module
 */

/** Buffers a lane reuses from one block to the next. */
export interface Lane {
  /** True for the calling thread's lane (inflate right here), false for a thread-pool lane. */
  readonly here: boolean;
  /** The lane's input buffer, at least `length` bytes (its first `length` bytes; not zeroed: write before reading). */
  input(length: number): Uint8Array;
  /** The lane's output buffer, at least `length` bytes (its first `length` bytes; not zeroed: write before reading). */
  output(length: number): Uint8Array;
}

/** The most bytes of idle lane buffers kept for later reads (three lanes' buffers for 512×512 UInt16 blocks need ~2.6 MiB). */
export const LANE_STOCK_BYTES = 8 * 2 ** 20;

/** Idle lane buffers, kept for later reads (each one's pages already touched). */
const stock: Uint8Array[] = [];

/** A buffer of at least `length` bytes from the stock (the smallest that fits), or a new one. */
function takeBuffer(length: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < stock.length; i++) {
    if (stock[i]!.length >= length && (best < 0 || stock[i]!.length < stock[best]!.length)) best = i;
  }
  if (best >= 0) return stock.splice(best, 1)[0]!;
  // Not zeroed (a lane writes a buffer before it reads it: a short read or inflation is an error, not
  // a view of unwritten bytes), so a new buffer's pages are first touched by whoever writes it: a pool
  // lane's inflation touches its output on the pool thread, not this one in a memset (fresh-process
  // window, 31 alternating runs: 21.9 -> 20.2 ms). Rounded up so blocks of slightly different sizes share buffers.
  return Buffer.allocUnsafeSlow(Math.ceil(length / 65536) * 65536);
}

/** Gives buffers back to the stock, largest kept first, within {@link LANE_STOCK_BYTES}. */
function returnBuffers(buffers: Uint8Array[]): void {
  const all = [...stock, ...buffers].sort((a, b) => b.length - a.length);
  stock.length = 0;
  let bytes = 0;
  for (const b of all) {
    if (bytes + b.length > LANE_STOCK_BYTES) continue;
    stock.push(b);
    bytes += b.length;
  }
}

/** A lane whose buffers grow to the largest block it meets. */
function makeLane(here: boolean, held: Uint8Array[]): Lane {
  let input: Uint8Array | null = null;
  let output: Uint8Array | null = null;
  const grow = (b: Uint8Array | null, length: number): Uint8Array => {
    if (b && b.length >= length) return b;
    if (b) {
      held.splice(held.indexOf(b), 1);
      returnBuffers([b]);
    }
    const n = takeBuffer(length);
    held.push(n);
    return n;
  };
  return {
    here,
    input(length) {
      input = grow(input, length);
      return input.subarray(0, length);
    },
    output(length) {
      output = grow(output, length);
      return output.subarray(0, length);
    },
  };
}

/**
 * Runs `decode` over `jobs` on the calling thread's lane and `poolLanes` thread-pool lanes, each
 * taking the next job when it is free. Pool lanes start first (their inflations are under way
 * before this thread takes its first block); between its blocks this thread yields to the event
 * loop, so a pool lane whose inflation finished goes on with its next block. After a failure no
 * lane starts another job; the first error is thrown once all lanes have stopped.
 * @param jobs the blocks, in the order they should start
 * @param poolLanes lanes on libuv's thread pool (0: everything on this thread)
 * @param decode decodes one job with the lane's buffers (`lane.here`: on this thread); awaited
 * @param signal stops lanes between jobs
 * @example
 * ```ts
 * await decodeInLanes(blockIndices, 2, async (index, lane) => {
 *   const stored = lane.input(byteCount(index));
 *   // read the block into `stored`, inflate it into lane.output(decodedBytes), copy it out
 * });
 * ```
 */
export async function decodeInLanes<J>(jobs: readonly J[], poolLanes: number, decode: (job: J, lane: Lane) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const held: Uint8Array[] = [];
  const take = (): J | undefined => (failed || next >= jobs.length ? undefined : jobs[next++]);
  const fail = (e: unknown): void => {
    if (!failed) firstError = e;
    failed = true;
  };
  const run = async (lane: Lane): Promise<void> => {
    for (let job = take(); job !== undefined; job = take()) {
      try {
        signal?.throwIfAborted();
        await decode(job, lane);
      } catch (e) {
        fail(e);
        return;
      }
      // (this thread's lane: let finished pool inflations go on to their next block)
      if (lane.here && next < jobs.length) await new Promise<void>((r) => setImmediate(r));
    }
  };
  try {
    const pool = Array.from({ length: Math.max(0, Math.min(poolLanes, jobs.length - 1)) }, () => run(makeLane(false, held)));
    // the pool lanes' first blocks are read and handed over before this thread takes one
    if (pool.length) await new Promise<void>((r) => setImmediate(r));
    await run(makeLane(true, held));
    await Promise.all(pool);
  } finally {
    returnBuffers(held);
  }
  if (failed) throw firstError;
}
