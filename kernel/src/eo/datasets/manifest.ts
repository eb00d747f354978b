/**
 * A generic manifest: a CSV listing samples (`path`, `label`, `split`, optional pixel window and
 * footprint). The Olinda benchmark (data/olinda-bench/patches.csv) is one.
 * @module
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { openRaster, type RasterSource } from "../raster/open.js";
import { dataPath } from "./data-path.js";
import { DatasetError } from "./errors.js";
import { PatchDataset, type DatasetEntry } from "./patch-dataset.js";

/** Options of {@link openManifest}. */
export interface OpenManifestOptions {
  /** Class names by index. Default: the distinct `label` values, sorted (or by the `class` index column when present). */
  classes?: string[];
  /** Band names of the samples, in file order. Default `["1", "2", …]` (`bandCount` names). */
  bands?: string[];
  /** Band count, when `bands` is not given. Default 3. */
  bandCount?: number;
  /** Dataset name. Default the manifest file name. */
  name?: string;
}

/**
 * Parses CSV text (RFC 4180 quotes) into rows of strings.
 * @example
 * ```ts
 * parseCsv('path,label\n"a,b.tif",water\n'); // [["path", "label"], ["a,b.tif", "water"]]
 * ```
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Opens a CSV manifest. Columns: `path` (required, relative to the manifest), `label` (class name
 * or index), `class` (index, optional), `split`, `id`, `col,row,width,height` (a window inside
 * `path`), `minx,miny,maxx,maxy` (footprint). Files are opened once and shared by their windows.
 * @throws {DatasetError} when the file is missing or has no `path` column
 * @example
 * ```ts
 * const ds = await openManifest("data/olinda-bench/patches.csv", { bands: ["B1", "B2", "B3", "B4", "B5", "B7"] });
 * ds.split("test").length;
 * ```
 */
export async function openManifest(path: string, options: OpenManifestOptions = {}): Promise<PatchDataset> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new DatasetError(`Manifest ${path} cannot be read: ${(e as Error).message}.`, path, { cause: e });
  }
  const [head, ...rows] = parseCsv(text);
  if (!head || !head.includes("path")) throw new DatasetError(`Manifest ${path} needs a "path" column; its header is [${(head ?? []).join(", ")}].`, path);
  const col = (name: string): number => head.indexOf(name);
  const get = (r: string[], name: string): string | undefined => (col(name) >= 0 ? r[col(name)] : undefined);
  const base = dirname(path);
  let classes = options.classes;
  const labelText = rows.map((r) => get(r, "label") ?? "");
  if (!classes) {
    if (col("class") >= 0 && col("label") >= 0) {
      const byIndex = new Map<number, string>();
      rows.forEach((r) => byIndex.set(Number(get(r, "class")), get(r, "label")!));
      classes = Array.from({ length: Math.max(-1, ...byIndex.keys()) + 1 }, (_, i) => byIndex.get(i) ?? String(i));
    } else {
      classes = [...new Set(labelText.filter((l) => l !== ""))].sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b)));
    }
  }
  const entries: DatasetEntry[] = rows.map((r, i) => {
    const l = get(r, "label") ?? "";
    const ci = get(r, "class");
    let label: number | null = null;
    if (ci !== undefined && ci !== "") label = Number(ci);
    else if (l !== "") label = classes!.indexOf(l) >= 0 ? classes!.indexOf(l) : /^\d+$/.test(l) ? Number(l) : null;
    if (l !== "" && label === null) throw new DatasetError(`Manifest ${path} row ${i + 2}: label "${l}" is not one of the classes [${classes!.join(", ")}].`, path);
    const num = (k: string): number | undefined => {
      const v = get(r, k);
      return v === undefined || v === "" ? undefined : Number(v);
    };
    const w = num("width");
    const e: DatasetEntry = {
      id: get(r, "id") || `${i}`,
      label,
      split: get(r, "split") || null,
      path: resolve(base, get(r, "path")!),
    };
    if (num("col") !== undefined && w !== undefined) e.window = { col: num("col")!, row: num("row")!, width: w, height: num("height")! };
    if (num("minx") !== undefined) e.bounds = { minX: num("minx")!, minY: num("miny")!, maxX: num("maxx")!, maxY: num("maxy")! };
    return e;
  });
  const bands = options.bands ?? Array.from({ length: options.bandCount ?? 3 }, (_, i) => String(i + 1));
  const open = new Map<string, Promise<RasterSource>>();
  return new PatchDataset({
    name: options.name ?? path.split(/[\\/]/).pop()!, classes, bands, entries,
    load: async (e, signal) => {
      let src = open.get(e.path!);
      if (!src) {
        src = openRaster(e.path!);
        open.set(e.path!, src);
        src.catch(() => open.delete(e.path!));
      }
      return (await src).read({ window: e.window, signal });
    },
    close: async () => {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close()));
    },
  });
}

/**
 * The shipped Olinda benchmark (data/olinda-bench): 8×8 patches of the Landsat-7 ETM+ scene over
 * Olinda/Recife with photo-interpreted labels (water, vegetation, urban, bare soil) and spatially
 * disjoint train/val/test splits.
 * @example
 * ```ts
 * const bench = await openOlindaBenchmark();
 * const res = await classify(model, bench.split("test").samples());
 * ```
 */
export async function openOlindaBenchmark(): Promise<PatchDataset> {
  const classes = (JSON.parse(await readFile(dataPath("olinda-bench", "classes.json"), "utf8")) as { name: string }[]).map((c) => c.name);
  const ds = await openManifest(dataPath("olinda-bench", "patches.csv"), { classes, bands: ["B1", "B2", "B3", "B4", "B5", "B7"], name: "Olinda benchmark" });
  return ds;
}
