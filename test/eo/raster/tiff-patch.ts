// Test helper: patch entries of the first IFD of a classic (not Big) TIFF in memory, to make the
// damaged or odd files the reader must refuse clearly. Values are written in the file's byte order.

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 6: 1, 7: 1, 8: 2, 9: 4, 11: 4, 12: 8, 16: 8 };

interface Entry { pos: number; type: number; count: number; dataPos: number; le: boolean }

function entry(b: Uint8Array, tag: number): Entry {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49;
  if (dv.getUint16(2, le) !== 42) throw new Error("tiff-patch: classic TIFF only");
  const ifd = dv.getUint32(4, le);
  const n = dv.getUint16(ifd, le);
  for (let i = 0; i < n; i++) {
    const pos = ifd + 2 + 12 * i;
    if (dv.getUint16(pos, le) !== tag) continue;
    const type = dv.getUint16(pos + 2, le);
    const count = dv.getUint32(pos + 4, le);
    const inline = TYPE_SIZE[type]! * count <= 4;
    return { pos, type, count, dataPos: inline ? pos + 8 : dv.getUint32(pos + 8, le), le };
  }
  throw new Error(`tiff-patch: no tag ${tag} in the first IFD`);
}

/** Value `index` of numeric tag `tag` (SHORT, LONG, SLONG, FLOAT). */
export function getTag(b: Uint8Array, tag: number, index = 0): number {
  const e = entry(b, tag);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const p = e.dataPos + index * TYPE_SIZE[e.type]!;
  switch (e.type) {
    case 3: return dv.getUint16(p, e.le);
    case 4: return dv.getUint32(p, e.le);
    case 9: return dv.getInt32(p, e.le);
    case 11: return dv.getFloat32(p, e.le);
    default: throw new Error(`tiff-patch: type ${e.type} not handled`);
  }
}

/** Sets value `index` of numeric tag `tag`, keeping its type. */
export function setTag(b: Uint8Array, tag: number, value: number, index = 0): void {
  const e = entry(b, tag);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const p = e.dataPos + index * TYPE_SIZE[e.type]!;
  switch (e.type) {
    case 3: dv.setUint16(p, value, e.le); break;
    case 4: dv.setUint32(p, value, e.le); break;
    case 9: dv.setInt32(p, value, e.le); break;
    case 11: dv.setFloat32(p, value, e.le); break;
    default: throw new Error(`tiff-patch: type ${e.type} not handled`);
  }
}

/** Makes tag `tag` a single inline value of `type` (SHORT 3, LONG 4, SLONG 9, FLOAT 11). */
export function setTagTyped(b: Uint8Array, tag: number, type: 3 | 4 | 9 | 11, value: number): void {
  const e = entry(b, tag);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint16(e.pos + 2, type, e.le);
  dv.setUint32(e.pos + 4, 1, e.le);
  dv.setUint32(e.pos + 8, 0);
  setTag(b, tag, value);
}
