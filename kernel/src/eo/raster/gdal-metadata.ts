/**
 * GDAL's own TIFF metadata (the GDAL_METADATA XML tag and GDAL_NODATA) and PAM side-car files
 * (`file.tif.aux.xml`): band descriptions, scale/offset, nodata, dataset metadata.
 * @module
 */

/** One metadata item: dataset level when `sample` is undefined, else for band `sample + 1`. */
export interface MetadataItem {
  name: string;
  value: string;
  sample?: number;
  role?: string;
  domain?: string;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" } as Record<string, string>)[name]!;
  });
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!);
  return out;
}

/** Parse the GDAL_METADATA XML tag. */
export function parseGdalMetadata(xml: string): MetadataItem[] {
  const items: MetadataItem[] = [];
  for (const m of xml.matchAll(/<Item\b([^>]*)>([\s\S]*?)<\/Item>|<Item\b([^>]*)\/>/g)) {
    const a = attrs(m[1] ?? m[3] ?? "");
    if (!a.name) continue;
    // GDAL escapes item values twice (CPLEscapeString, then the XML serializer)
    const item: MetadataItem = { name: a.name, value: unescapeXml(unescapeXml(m[2] ?? "")) };
    if (a.sample !== undefined) item.sample = Number(a.sample);
    if (a.role !== undefined) item.role = a.role;
    if (a.domain !== undefined) item.domain = a.domain;
    items.push(item);
  }
  return items;
}

/** Parse a GDAL_NODATA string ("nan", "-9999", "inf") into a number. */
export function parseNodata(s: string): number | null {
  const t = s.trim().toLowerCase();
  if (t === "") return null;
  if (t === "nan" || t === "-nan") return NaN;
  if (t === "inf" || t === "+inf") return Infinity;
  if (t === "-inf") return -Infinity;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

/** What a PAM `.aux.xml` says about each band (1-based). */
export interface PamBand {
  description?: string;
  nodata?: number | null;
  scale?: number;
  offset?: number;
}

/** Parse the band descriptions, nodata, scale and offset of a PAM `.aux.xml` document. */
export function parsePam(xml: string): Map<number, PamBand> {
  const out = new Map<number, PamBand>();
  for (const m of xml.matchAll(/<PAMRasterBand\b([^>]*)>([\s\S]*?)<\/PAMRasterBand>/g)) {
    const band = Number(attrs(m[1]!).band ?? "1");
    const body = m[2]!;
    const pb: PamBand = {};
    const d = /<Description>([\s\S]*?)<\/Description>/.exec(body);
    if (d) pb.description = unescapeXml(d[1]!);
    const nd = /<NoDataValue[^>]*>([\s\S]*?)<\/NoDataValue>/.exec(body);
    if (nd) pb.nodata = parseNodata(nd[1]!);
    const sc = /<Scale>([\s\S]*?)<\/Scale>/.exec(body);
    if (sc) pb.scale = Number(sc[1]);
    const of = /<Offset>([\s\S]*?)<\/Offset>/.exec(body);
    if (of) pb.offset = Number(of[1]);
    out.set(band, pb);
  }
  return out;
}
