/**
 * An .xz decoder (LZMA2 with optional delta filter) in TypeScript, for TIFF's LZMA compression:
 * libtiff writes each strip/tile as an xz stream with the filter chain delta + LZMA2.
 * Follows the xz file format 1.1.0 and the LZMA decoder of xz-embedded (public domain).
 * Integrity checks (CRC32/CRC64/SHA-256) are skipped: the TIFF block size already bounds the data.
 * @module
 */

const PROB_INIT = 1024;

class RangeDecoder {
  range = 0;
  code = 0;
  pos = 0;
  end = 0;
  constructor(readonly buf: Uint8Array) {}

  init(pos: number, end: number): void {
    if (this.buf[pos] !== 0) throw new Error("corrupt LZMA data (range coder start byte is not 0)");
    this.range = 0xffffffff;
    this.code = ((this.buf[pos + 1]! << 24) | (this.buf[pos + 2]! << 16) | (this.buf[pos + 3]! << 8) | this.buf[pos + 4]!) >>> 0;
    this.pos = pos + 5;
    this.end = end;
  }

  bit(probs: Uint16Array, i: number): number {
    if (this.range < 0x1000000) { this.range = (this.range << 8) >>> 0; this.code = ((this.code << 8) | (this.buf[this.pos++] ?? 0)) >>> 0; }
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      return 0;
    }
    this.range -= bound;
    this.code -= bound;
    probs[i] = p - (p >>> 5);
    return 1;
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    let s = 1;
    for (let i = 0; i < bits; i++) s = (s << 1) | this.bit(probs, base + s);
    return s - (1 << bits);
  }

  reverse(probs: Uint16Array, base: number, bits: number): number {
    let s = 1;
    let r = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + s);
      s = (s << 1) | b;
      r |= b << i;
    }
    return r;
  }

  direct(bits: number): number {
    let r = 0;
    for (let i = 0; i < bits; i++) {
      if (this.range < 0x1000000) { this.range = (this.range << 8) >>> 0; this.code = ((this.code << 8) | (this.buf[this.pos++] ?? 0)) >>> 0; }
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) { this.code -= this.range; b = 1; }
      r = ((r << 1) | b) >>> 0;
    }
    return r;
  }
}

class LenDecoder {
  choice = new Uint16Array(2);
  low = new Uint16Array(16 * 8);
  mid = new Uint16Array(16 * 8);
  high = new Uint16Array(256);
  reset(): void {
    this.choice.fill(PROB_INIT); this.low.fill(PROB_INIT); this.mid.fill(PROB_INIT); this.high.fill(PROB_INIT);
  }
  decode(rc: RangeDecoder, posState: number): number {
    if (!rc.bit(this.choice, 0)) return rc.tree(this.low, posState * 8, 3);
    if (!rc.bit(this.choice, 1)) return 8 + rc.tree(this.mid, posState * 8, 3);
    return 16 + rc.tree(this.high, 0, 8);
  }
}

/** LZMA decoder state that persists across LZMA2 chunks. */
class Lzma {
  lc = 0; lp = 0; pb = 0;
  propsSet = false;
  state = 0;
  reps = [0, 0, 0, 0];
  isMatch = new Uint16Array(12 * 16);
  isRep = new Uint16Array(12);
  isRepG0 = new Uint16Array(12);
  isRepG1 = new Uint16Array(12);
  isRepG2 = new Uint16Array(12);
  isRep0Long = new Uint16Array(12 * 16);
  posSlot = new Uint16Array(4 * 64);
  specPos = new Uint16Array(114);
  align = new Uint16Array(16);
  len = new LenDecoder();
  repLen = new LenDecoder();
  literal = new Uint16Array(0x300 << 4);

  setProps(props: number): void {
    this.lc = props % 9;
    const d = Math.floor(props / 9);
    this.lp = d % 5;
    this.pb = Math.floor(d / 5);
    if (this.lc + this.lp > 4 || this.pb > 4) throw new Error(`invalid LZMA2 properties byte ${props}`);
    this.propsSet = true;
  }

  resetState(): void {
    this.state = 0;
    this.reps = [0, 0, 0, 0];
    for (const a of [this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.specPos, this.align, this.literal]) a.fill(PROB_INIT);
    this.len.reset();
    this.repLen.reset();
  }

  /** Decode until `outEnd` bytes of `out` are filled (one LZMA2 chunk). */
  decode(rc: RangeDecoder, out: Uint8Array, outPos: number, outEnd: number, dictStart: number): number {
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let { state } = this;
    let [rep0, rep1, rep2, rep3] = this.reps as [number, number, number, number];
    let pos = outPos;
    while (pos < outEnd) {
      const posState = pos & pbMask;
      if (!rc.bit(this.isMatch, (state << 4) + posState)) {
        const prev = pos > dictStart ? out[pos - 1]! : 0;
        const base = 0x300 * (((pos & lpMask) << this.lc) + (prev >>> (8 - this.lc)));
        let s = 1;
        if (state >= 7) {
          let matchByte = out[pos - rep0 - 1]!;
          while (s < 0x100) {
            const mb = (matchByte >>> 7) & 1;
            matchByte <<= 1;
            const b = rc.bit(this.literal, base + ((1 + mb) << 8) + s);
            s = (s << 1) | b;
            if (mb !== b) break;
          }
        }
        while (s < 0x100) s = (s << 1) | rc.bit(this.literal, base + s);
        out[pos++] = s & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, state)) {
        if (pos === dictStart) throw new Error("corrupt LZMA data (repeat match before any data)");
        if (!rc.bit(this.isRepG0, state)) {
          if (!rc.bit(this.isRep0Long, (state << 4) + posState)) {
            state = state < 7 ? 9 : 11;
            out[pos] = out[pos - rep0 - 1]!;
            pos++;
            continue;
          }
        } else {
          let dist: number;
          if (!rc.bit(this.isRepG1, state)) dist = rep1;
          else {
            if (!rc.bit(this.isRepG2, state)) dist = rep2;
            else { dist = rep3; rep3 = rep2; }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = this.repLen.decode(rc, posState);
        state = state < 7 ? 8 : 11;
      } else {
        rep3 = rep2; rep2 = rep1; rep1 = rep0;
        len = this.len.decode(rc, posState);
        state = state < 7 ? 7 : 10;
        const slot = rc.tree(this.posSlot, (len < 4 ? len : 3) * 64, 6);
        if (slot < 4) rep0 = slot;
        else {
          const bits = (slot >>> 1) - 1;
          let dist = ((2 | (slot & 1)) << bits) >>> 0;
          if (slot < 14) dist += rc.reverse(this.specPos, dist - slot - 1, bits);
          else {
            dist = (dist + ((rc.direct(bits - 4) << 4) >>> 0)) >>> 0;
            dist = (dist + rc.reverse(this.align, 0, 4)) >>> 0;
          }
          rep0 = dist >>> 0;
          if (rep0 === 0xffffffff) break; // end-of-payload marker
        }
        if (rep0 >= pos - dictStart) throw new Error(`corrupt LZMA data (match distance ${rep0 + 1} beyond the ${pos - dictStart} decoded bytes)`);
      }
      len += 2;
      const from = pos - rep0 - 1;
      const n = Math.min(len, outEnd - pos);
      for (let k = 0; k < n; k++) out[pos + k] = out[from + k]!;
      pos += n;
    }
    this.state = state;
    this.reps = [rep0, rep1, rep2, rep3];
    return pos;
  }
}

function varint(b: Uint8Array, p: { i: number }): number {
  let v = 0;
  let mul = 1;
  for (let k = 0; k < 9; k++) {
    const x = b[p.i++]!;
    v += (x & 0x7f) * mul;
    if (!(x & 0x80)) return v;
    mul *= 128;
  }
  throw new Error("corrupt xz varint");
}

/** Decode LZMA2 chunks starting at `p.i` into `out` from `outPos`; returns the new output position. */
function lzma2(b: Uint8Array, p: { i: number }, out: Uint8Array, outPos: number, dictProps: { lzma: Lzma }): number {
  const lz = dictProps.lzma;
  const rc = new RangeDecoder(b);
  let dictStart = outPos;
  for (;;) {
    const c = b[p.i++];
    if (c === undefined) throw new Error("truncated LZMA2 data");
    if (c === 0) return outPos;
    if (c === 1 || c === 2) {
      if (c === 1) dictStart = outPos;
      const size = ((b[p.i]! << 8) | b[p.i + 1]!) + 1;
      p.i += 2;
      const n = Math.min(size, out.length - outPos);
      out.set(b.subarray(p.i, p.i + n), outPos);
      outPos += n;
      p.i += size;
      continue;
    }
    if (c < 0x80) throw new Error(`invalid LZMA2 control byte ${c}`);
    const unpacked = ((c & 0x1f) << 16) + ((b[p.i]! << 8) | b[p.i + 1]!) + 1;
    const packed = ((b[p.i + 2]! << 8) | b[p.i + 3]!) + 1;
    p.i += 4;
    const mode = (c >>> 5) & 3;
    if (mode === 3) dictStart = outPos;
    if (mode >= 2) lz.setProps(b[p.i++]!);
    else if (!lz.propsSet) throw new Error("corrupt LZMA2 data (first LZMA chunk without properties)");
    if (mode >= 1) lz.resetState();
    rc.init(p.i, p.i + packed);
    const end = Math.min(outPos + unpacked, out.length);
    outPos = lz.decode(rc, out, outPos, end, dictStart);
    p.i += packed;
  }
}

/**
 * Decode an .xz stream (LZMA2, optionally preceded by the delta filter) into `expected` bytes.
 * @example
 * ```ts
 * const raw = decodeXz(tileBytes, 256 * 256 * 2);
 * ```
 */
export function decodeXz(b: Uint8Array, expected: number): Uint8Array {
  const magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
  if (!magic.every((m, i) => b[i] === m)) throw new Error("not an xz stream (bad magic)");
  const check = b[7]! & 0x0f;
  const checkSize = check === 0 ? 0 : check === 1 ? 4 : check === 4 ? 8 : check === 10 ? 32 : 4 << Math.floor((check - 1) / 3);
  const out = new Uint8Array(expected);
  let outPos = 0;
  const p = { i: 12 };
  while (p.i < b.length && outPos < expected) {
    const hs = b[p.i]!;
    if (hs === 0) break; // index: no more blocks
    const headerEnd = p.i + (hs + 1) * 4;
    p.i++;
    const flags = b[p.i++]!;
    const nFilters = (flags & 3) + 1;
    if (flags & 0x40) varint(b, p);
    if (flags & 0x80) varint(b, p);
    let delta = 0;
    let hasLzma2 = false;
    for (let f = 0; f < nFilters; f++) {
      const id = varint(b, p);
      const propSize = varint(b, p);
      if (id === 0x03) delta = b[p.i]! + 1;
      else if (id === 0x21) hasLzma2 = true;
      else throw new Error(`unsupported xz filter 0x${id.toString(16)} (only delta and LZMA2 are supported)`);
      p.i += propSize;
    }
    if (!hasLzma2) throw new Error("xz block without LZMA2 filter");
    p.i = headerEnd;
    const start = outPos;
    outPos = lzma2(b, p, out, outPos, { lzma: new Lzma() });
    if (delta) {
      for (let k = start + delta; k < outPos; k++) out[k] = (out[k]! + out[k - delta]!) & 0xff;
    }
    while ((p.i & 3) !== 0) p.i++;
    p.i += checkSize;
  }
  return out;
}
