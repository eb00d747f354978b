/**
 * YCbCr → RGB for JPEG-compressed TIFF blocks, reproducing libjpeg(-turbo) as GDAL uses it:
 * "fancy" (triangular) chroma upsampling and its fixed-point colour conversion. The JPEG decoder
 * we use upsamples chroma by replication, so the subsampled planes are recovered exactly first.
 * @module
 */

const FIX = (x: number) => Math.round(x * 65536);
const HALF = 1 << 15;
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (FIX(1.402) * x + HALF) >> 16;
  CB_B[i] = (FIX(1.772) * x + HALF) >> 16;
  CR_G[i] = -FIX(0.71414) * x;
  CB_G[i] = -FIX(0.34414) * x + HALF;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Triangular upsampling of one chroma plane (cw × ch) to w × h for factors (hs, vs) ∈ {1, 2}. */
function fancyUpsample(sub: Uint8Array, cw: number, ch: number, hs: number, vs: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  if (hs === 2 && vs === 2) {
    const colsum = new Int32Array(cw);
    for (let y = 0; y < h; y++) {
      const r = y >> 1;
      const nr = y & 1 ? Math.min(ch - 1, r + 1) : Math.max(0, r - 1);
      for (let c = 0; c < cw; c++) colsum[c] = 3 * sub[r * cw + c]! + sub[nr * cw + c]!;
      const o = y * w;
      if (cw === 1) { out[o] = (colsum[0]! * 4 + 8) >> 4; if (w > 1) out[o + 1] = (colsum[0]! * 4 + 7) >> 4; continue; }
      for (let c = 0; c < cw; c++) {
        const t = colsum[c]!;
        const left = c === 0 ? -1 : colsum[c - 1]!;
        const right = c === cw - 1 ? -1 : colsum[c + 1]!;
        const a = c === 0 ? (t * 4 + 8) >> 4 : (t * 3 + left + 8) >> 4;
        const b = c === cw - 1 ? (t * 4 + 7) >> 4 : (t * 3 + right + 7) >> 4;
        if (2 * c < w) out[o + 2 * c] = a;
        if (2 * c + 1 < w) out[o + 2 * c + 1] = b;
      }
    }
    return out;
  }
  if (hs === 2 && vs === 1) {
    for (let y = 0; y < h; y++) {
      const row = sub.subarray(y * cw, (y + 1) * cw);
      const o = y * w;
      for (let c = 0; c < cw; c++) {
        const t = row[c]! * 3;
        const a = c === 0 ? row[0]! : (t + row[c - 1]! + 1) >> 2;
        const b = c === cw - 1 ? row[c]! : (t + row[c + 1]! + 2) >> 2;
        if (2 * c < w) out[o + 2 * c] = a;
        if (2 * c + 1 < w) out[o + 2 * c + 1] = b;
      }
    }
    return out;
  }
  // no (or unsupported) subsampling: replicate
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = sub[Math.floor(y / vs) * cw + Math.floor(x / hs)]!;
  return out;
}

/**
 * Convert an interleaved Y,Cb,Cr(,extra) block of `w × h` pixels to RGB in place. `hs`/`vs` are the
 * YCbCrSubSampling factors; chroma is expected replicated over each hs × vs cell (as decoded).
 */
export function ycbcrBlockToRgb(a: Uint8Array, w: number, h: number, spp: number, hs: number, vs: number): void {
  let cb: Uint8Array;
  let cr: Uint8Array;
  if (hs === 1 && vs === 1) {
    cb = new Uint8Array(w * h);
    cr = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) { cb[i] = a[i * spp + 1]!; cr[i] = a[i * spp + 2]!; }
  } else {
    const cw = Math.ceil(w / hs);
    const ch = Math.ceil(h / vs);
    const scb = new Uint8Array(cw * ch);
    const scr = new Uint8Array(cw * ch);
    for (let r = 0; r < ch; r++) for (let c = 0; c < cw; c++) {
      const i = (r * vs * w + c * hs) * spp;
      scb[r * cw + c] = a[i + 1]!;
      scr[r * cw + c] = a[i + 2]!;
    }
    cb = fancyUpsample(scb, cw, ch, hs, vs, w, h);
    cr = fancyUpsample(scr, cw, ch, hs, vs, w, h);
  }
  for (let i = 0, p = 0; i < w * h; i++, p += spp) {
    const y = a[p]!;
    const b = cb[i]!;
    const r = cr[i]!;
    a[p] = clamp(y + CR_R[r]!);
    a[p + 1] = clamp(y + ((CB_G[b]! + CR_G[r]!) >> 16));
    a[p + 2] = clamp(y + CB_B[b]!);
  }
}
