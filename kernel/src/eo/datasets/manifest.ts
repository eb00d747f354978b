/**
 * A generic manifest: a CSV listing samples (`path`, `label`, `split`, optional pixel window and
 * footprint). The Olinda benchmark (data/olinda-bench/patches.csv) is one.
 * @module
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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

/** Class indices of a manifest's `class` column must be below this: they number the classes 0..K-1. */
const CLASS_INDEX_LIMIT = 65536;
/** Classes inferred from a `class` column may have at most this many indices of 0..K-1 that no row uses. */
const MAX_UNUSED_CLASS_INDICES = 1024;
/** Column names {@link openManifest} reads. */
const COLUMNS = ["path", "label", "class", "split", "id", "col", "row", "width", "height", "minx", "miny", "maxx", "maxy"];
const WINDOW_COLUMNS = ["col", "row", "width", "height"] as const;
const BOUNDS_COLUMNS = ["minx", "miny", "maxx", "maxy"] as const;

/** One CSV record and the file line (1-based) it starts on. */
interface CsvRecord {
  cells: string[];
  line: number;
}

/** Splits CSV text into records with their line numbers; `openQuote` is the line of a quote never closed. */
function readCsv(text: string): { records: CsvRecord[]; openQuote?: number } {
  const records: CsvRecord[] = [];
  let row: string[] = [];
  let field = "";
  let q = false;
  let line = 1;
  let start = 1;
  let quoteLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else {
        if (ch === "\n" || (ch === "\r" && text[i + 1] !== "\n")) line++;
        field += ch;
      }
    } else if (ch === '"') {
      q = true;
      quoteLine = line;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") records.push({ cells: row, line: start });
      row = [];
      start = ++line;
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    records.push({ cells: row, line: start });
  }
  return q ? { records, openQuote: quoteLine } : { records };
}

/**
 * Parses CSV text (RFC 4180 quotes) into rows of strings. Empty lines are skipped.
 * @example
 * ```ts
 * parseCsv('path,label\n"a,b.tif",water\n'); // [["path", "label"], ["a,b.tif", "water"]]
 * ```
 */
export function parseCsv(text: string): string[][] {
  return readCsv(text).records.map((r) => r.cells);
}

/** The class list for a message: all names, or the first 20 and the count. */
function listClasses(classes: readonly string[]): string {
  return classes.length <= 20 ? `[${classes.join(", ")}]` : `[${classes.slice(0, 20).join(", ")}, …] (${classes.length} classes)`;
}

/** A cell of the `class` column as a class index, checked (`at` names file, line and column). */
function classIndex(v: string, path: string, at: string): number {
  const n = Number(v);
  const rule = `class indices number the classes 0..K-1 (0 is the first class)`;
  if (!Number.isFinite(n)) throw new DatasetError(`${at}: "${v}" is not a class index; ${rule}. Write the index, or leave the cell empty and give the class name in "label".`, path);
  if (n < 0) throw new DatasetError(`${at}: class index ${v} is negative; ${rule}. Renumber the classes from 0, or leave the cell empty for an unlabelled sample.`, path);
  if (!Number.isInteger(n)) throw new DatasetError(`${at}: class index ${v} is not a whole number; ${rule}. Write 0, 1, 2, …`, path);
  if (n >= CLASS_INDEX_LIMIT) {
    throw new DatasetError(
      `${at}: class index ${v} is too large: ${rule}, so it would make ${n + 1} classes; indices must be below ${CLASS_INDEX_LIMIT}. ` +
      `Renumber the classes from 0 (a nodata marker belongs in an empty cell, not in a class).`, path);
  }
  return n;
}

/** Resolves a `path` cell: http(s) URLs stay as they are, file URLs become paths, other paths are relative to `base`. */
function samplePath(p: string, base: string, path: string, at: string): string {
  if (/^https?:\/\//i.test(p)) return p;
  if (/^file:/i.test(p)) {
    try {
      return fileURLToPath(p);
    } catch (e) {
      throw new DatasetError(`${at}: "${p}" is not a local file URL (${(e as Error).message}). Write file:///absolute/path.tif or a plain path.`, path, { cause: e });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) throw new DatasetError(`${at}: "${p}" is a URL ai4eo cannot read; use an http(s):// or file:// URL, or a file path.`, path);
  return resolve(base, p);
}

/**
 * Opens a CSV manifest. Columns: `path` (required, relative to the manifest), `label` (class name
 * or index), `class` (index, optional), `split`, `id`, `col,row,width,height` (a window inside
 * `path`), `minx,miny,maxx,maxy` (footprint). Files are opened once and shared by their windows.
 *
 * Rules (each broken rule is a {@link DatasetError} naming the file, the line — counted in the
 * file from 1, the header being line 1 — and the column):
 * - A UTF-8 byte-order mark (as Excel writes) is ignored; column names and the `label`, `class`,
 *   `split`, `id` and number cells are read without surrounding spaces; `path` cells too (a file
 *   name cannot start or end with a space here).
 * - Blank lines, and lines whose cells are all empty (`,,` as spreadsheets write them), are skipped.
 *   Every other line needs one cell per column of the header; more cells are allowed only when
 *   empty (a cell holding a comma is quoted: `"a,b.tif"`).
 * - `path` is not empty. `http://` and `https://` URLs are kept as they are (read with range
 *   requests), `file://` URLs become paths, other paths are relative to the manifest's folder.
 * - `class` indices number the classes 0..K-1: whole numbers ≥ 0 and below 65536. Without
 *   `options.classes` the class names come from the `label` of the rows of each index (an index
 *   that no row uses is named by its number, and at most 1024 such are allowed); one index with two
 *   labels, or one label with two indices, is an error. With `options.classes`, indices (in `class`
 *   or as a numeric `label`) are below `classes.length`, and a `label` naming a class agrees with
 *   the `class` of its row.
 * - A window needs all of `col`, `row` (whole numbers ≥ 0), `width` and `height` (whole numbers
 *   ≥ 1); with all four empty the sample is the whole file. A footprint needs all of `minx`, `miny`,
 *   `maxx`, `maxy` (numbers, `minx ≤ maxx`, `miny ≤ maxy`), or none.
 *
 * @param path the CSV file.
 * @param options class names, bands and name; see {@link OpenManifestOptions}.
 * @throws {DatasetError} when the file cannot be read, has no `path` column, or breaks a rule above
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { records, openQuote } = readCsv(text);
  if (openQuote !== undefined) {
    throw new DatasetError(`Manifest ${path}, line ${openQuote}: a quote (") opens a cell that is never closed. Close it (a quote inside a quoted cell is written "").`, path);
  }
  const [headRecord, ...body] = records;
  const head = (headRecord?.cells ?? []).map((h) => h.trim());
  if (!head.includes("path")) {
    const upper = head.find((h) => h.toLowerCase() === "path");
    const hint = upper !== undefined ? ` Column names are lower case: rename "${upper}" to "path".`
      : head.length === 1 && /[;\t]/.test(head[0]!) ? ` The cells seem separated by "${/;/.test(head[0]!) ? ";" : "tab"}"; write the file with commas.` : "";
    throw new DatasetError(`Manifest ${path} needs a "path" column; its header is [${head.join(", ")}].${hint}`, path);
  }
  for (const name of COLUMNS) {
    if (head.indexOf(name) !== head.lastIndexOf(name)) throw new DatasetError(`Manifest ${path}, line ${headRecord!.line}: the header has column "${name}" twice; rename or remove one.`, path);
  }
  const columnIndex = new Map(COLUMNS.filter((c) => head.includes(c)).map((c) => [c, head.indexOf(c)]));
  const width = head.reduce((n, h, i) => (h !== "" ? i + 1 : n), 0);
  const base = dirname(path);

  /** A data row: its line and its trimmed cells by column name (undefined when the column is absent). */
  interface Row {
    line: number;
    get: (name: string) => string | undefined;
  }
  const rows: Row[] = [];
  for (const { cells, line } of body) {
    if (cells.every((c) => c.trim() === "")) continue;
    if (cells.length < width) {
      throw new DatasetError(
        `Manifest ${path}, line ${line}: the row has ${cells.length} cell${cells.length === 1 ? "" : "s"} but the header has ${width} columns, so column "${head[cells.length]}" is missing. ` +
        `Give every row one cell per column (an empty cell is written as nothing between two commas).`, path);
    }
    if (cells.slice(head.length).some((c) => c.trim() !== "")) {
      throw new DatasetError(`Manifest ${path}, line ${line}: the row has ${cells.length} cells but the header has ${head.length} columns. Quote a cell that holds a comma ("a,b.tif"), or add the column to the header.`, path);
    }
    rows.push({ line, get: (name) => (columnIndex.has(name) ? cells[columnIndex.get(name)!]!.trim() : undefined) });
  }
  const at = (r: Row, column?: string): string => `Manifest ${path}, line ${r.line}${column ? `, column "${column}"` : ""}`;

  // class indices, checked
  const classCells = rows.map((r) => {
    const v = r.get("class");
    return v === undefined || v === "" ? undefined : classIndex(v, path, at(r, "class"));
  });
  let classes = options.classes;
  if (!classes) {
    if (head.includes("class")) {
      const nameOf = new Map<number, { label: string; line: number }>();
      const indexOf = new Map<string, { index: number; line: number }>();
      rows.forEach((r, i) => {
        const ci = classCells[i];
        if (ci === undefined) return;
        const l = r.get("label") ?? "";
        const prev = nameOf.get(ci);
        if (l === "") {
          if (!prev) nameOf.set(ci, { label: "", line: r.line });
          return;
        }
        if (prev && prev.label !== "" && prev.label !== l) {
          throw new DatasetError(
            `${at(r, "class")}: class index ${ci} is given to two labels, "${prev.label}" (line ${prev.line}) and "${l}" (line ${r.line}); ` +
            `class indices number the classes 0..K-1, one index per class. Correct the "class" or "label" cell of one of these rows.`, path);
        }
        const prevIndex = indexOf.get(l);
        if (prevIndex && prevIndex.index !== ci) {
          throw new DatasetError(
            `${at(r, "class")}: label "${l}" has class index ${prevIndex.index} on line ${prevIndex.line} and ${ci} on line ${r.line}; ` +
            `each class has one index. Correct the "class" cell of one of these rows.`, path);
        }
        if (!prev || prev.label === "") nameOf.set(ci, { label: l, line: r.line });
        indexOf.set(l, { index: ci, line: r.line });
      });
      const count = Math.max(-1, ...nameOf.keys()) + 1;
      const unused = count - nameOf.size;
      if (unused > MAX_UNUSED_CLASS_INDICES) {
        throw new DatasetError(
          `Manifest ${path}, line ${rows[classCells.indexOf(count - 1)]!.line}, column "class": the indices go up to ${count - 1} but only ${nameOf.size} distinct ones, so ${unused} of the classes 0..${count - 1} would have no sample ` +
          `(at most ${MAX_UNUSED_CLASS_INDICES} may). Class indices number the classes 0..K-1: renumber them from 0, or pass the class names as \`classes\`.`, path);
      }
      classes = Array.from({ length: count }, (_, i) => nameOf.get(i)?.label || String(i));
    } else {
      const labelText = rows.map((r) => r.get("label") ?? "");
      classes = [...new Set(labelText.filter((l) => l !== ""))].sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b)));
    }
  }
  const classList = classes;
  const range = classList.length ? `0..${classList.length - 1}` : "none (there are no classes)";

  /** The numbers of a group of columns that go together: undefined when all are empty; all four or an error. */
  function readNumbers(r: Row, keys: readonly [string, string, string, string], what: string, none: string): [number, number, number, number] | undefined {
    const cells = keys.map((k) => r.get(k));
    if (cells.every((c) => c === undefined || c === "")) return undefined;
    const absent = keys.filter((_, j) => cells[j] === undefined);
    const empty = keys.filter((_, j) => cells[j] === "");
    if (absent.length || empty.length) {
      const list = (ks: string[]): string => ks.map((k) => `"${k}"`).join(", ");
      const why = [absent.length ? `the header lacks ${list(absent)}` : "", empty.length ? `${list(empty)} ${empty.length === 1 ? "is" : "are"} empty on this line` : ""].filter(Boolean).join(" and ");
      const fix = absent.length ? `Add ${absent.length === 1 ? "that column" : "those columns"} to the header and fill ${empty.length ? "all four" : "them"} in` : "Fill them in";
      throw new DatasetError(`${at(r)}: ${what} needs all of the columns ${list([...keys])}, but ${why}. ${fix}, or leave all four empty ${none}.`, path);
    }
    const numbers = cells.map((c, j) => {
      const n = Number(c);
      if (!Number.isFinite(n)) throw new DatasetError(`${at(r, keys[j])}: "${c}" is not a number. Write a number in each of ${keys.map((k) => `"${k}"`).join(", ")}.`, path);
      return n;
    });
    return [numbers[0]!, numbers[1]!, numbers[2]!, numbers[3]!];
  }

  /** Explicit ids seen so far, with their lines (ids name samples in problems and tables: they must be unique). */
  const idLines = new Map<string, number>();
  const entries: DatasetEntry[] = rows.map((r, i) => {
    const id = r.get("id");
    if (id) {
      const first = idLines.get(id);
      if (first !== undefined) throw new DatasetError(`${at(r, "id")}: id "${id}" was already used on line ${first}. Ids name samples in tables and problem lists; make them unique, or drop the column to number the rows.`, path);
      idLines.set(id, r.line);
    }
    const l = r.get("label") ?? "";
    const ci = classCells[i];
    let label: number | null = null;
    if (ci !== undefined) {
      if (ci >= classList.length) {
        throw new DatasetError(`${at(r, "class")}: class index ${ci} is out of range; the ${classList.length} classes ${listClasses(classList)} have indices ${range}. Correct the index, or pass all classes as \`classes\`.`, path);
      }
      const named = classList.indexOf(l);
      if (l !== "" && named >= 0 && named !== ci) {
        throw new DatasetError(`${at(r, "label")}: label "${l}" is class ${named} but column "class" says ${ci} ("${classList[ci]}"). Make the two agree, or leave one of them empty.`, path);
      }
      label = ci;
    } else if (l !== "") {
      const named = classList.indexOf(l);
      if (named >= 0) label = named;
      else if (/^\d+$/.test(l)) {
        label = Number(l);
        if (label >= classList.length) {
          throw new DatasetError(`${at(r, "label")}: label ${l} is neither a class name nor a class index; the ${classList.length} classes ${listClasses(classList)} have indices ${range}. Correct the label, or pass all classes as \`classes\`.`, path);
        }
      } else throw new DatasetError(`${at(r, "label")}: label "${l}" is not one of the classes ${listClasses(classList)}. Correct the label, or add it to \`classes\`.`, path);
    }
    const p = r.get("path")!;
    if (p === "") throw new DatasetError(`${at(r, "path")}: the cell is empty. Every row needs the file of its sample: a path relative to the manifest's folder, an absolute path, or an http(s):// or file:// URL.`, path);
    const e: DatasetEntry = { id: r.get("id") || `${i}`, label, split: r.get("split") || null, path: samplePath(p, base, path, at(r, "path")) };
    const window = readNumbers(r, WINDOW_COLUMNS, "a window", "to read the whole file");
    if (window) {
      WINDOW_COLUMNS.forEach((k, j) => {
        const v = window[j]!;
        const min = j < 2 ? 0 : 1;
        if (!Number.isInteger(v) || v < min) throw new DatasetError(`${at(r, k)}: ${v} is not a valid window ${k}; ${j < 2 ? "col and row are whole pixel offsets ≥ 0" : "width and height are whole pixel counts ≥ 1"}. Correct the cell.`, path);
      });
      const [col, row, width, height] = window;
      e.window = { col, row, width, height };
    }
    const bounds = readNumbers(r, BOUNDS_COLUMNS, "a footprint", "for no footprint");
    if (bounds) {
      const [minX, minY, maxX, maxY] = bounds;
      if (minX > maxX) throw new DatasetError(`${at(r)}: the footprint is inverted: minx=${minX} > maxx=${maxX} (columns "minx", "maxx"). minx/miny are the lower-left corner, maxx/maxy the upper-right; swap them.`, path);
      if (minY > maxY) throw new DatasetError(`${at(r)}: the footprint is inverted: miny=${minY} > maxy=${maxY} (columns "miny", "maxy"). minx/miny are the lower-left corner, maxx/maxy the upper-right; swap them.`, path);
      e.bounds = { minX, minY, maxX, maxY };
    }
    return e;
  });
  warnSplitLeaks(path, entries, rows.map((r) => r.line));

  if (options.bands !== undefined && !(Array.isArray(options.bands) && options.bands.length > 0 && options.bands.every((b) => typeof b === "string"))) {
    throw new DatasetError(`openManifest ${path}: bands must be a non-empty array of band names (e.g. ["B2", "B3", "B4"]); got ${JSON.stringify(options.bands)}.`, path);
  }
  if (options.bandCount !== undefined && !(Number.isInteger(options.bandCount) && options.bandCount >= 1)) {
    throw new DatasetError(`openManifest ${path}: bandCount must be a whole number ≥ 1 (the bands of every sample file); got ${JSON.stringify(options.bandCount)}.`, path);
  }
  const bands = options.bands ?? Array.from({ length: options.bandCount ?? 3 }, (_, i) => String(i + 1));
  const open = new Map<string, Promise<RasterSource>>();
  return new PatchDataset({
    name: options.name ?? path.split(/[\\/]/).pop()!, classes: classList, bands, entries,
    bandsHint: options.bands || options.bandCount ? undefined
      : "openManifest assumes 3 bands when given neither `bands` nor `bandCount`: pass the files' band count (bandCount) or band names (bands).",
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

/**
 * Warns when one sample (same file and window) is listed in more than one split: its scores on the
 * evaluation split would be inflated (a warning, not an error: a manifest may list it on purpose).
 */
function warnSplitLeaks(path: string, entries: readonly DatasetEntry[], lines: readonly number[]): void {
  const seen = new Map<string, { split: string; line: number }>();
  let leaks = 0;
  let example = "";
  entries.forEach((e, i) => {
    if (e.split === null) return;
    const key = `${e.path}\u0000${e.window ? `${e.window.col},${e.window.row},${e.window.width},${e.window.height}` : ""}`;
    const first = seen.get(key);
    if (!first) seen.set(key, { split: e.split, line: lines[i]! });
    else if (first.split !== e.split) {
      leaks++;
      example ||= `${e.path}${e.window ? ` (window ${e.window.col},${e.window.row})` : ""} is in "${first.split}" on line ${first.line} and in "${e.split}" on line ${lines[i]}`;
    }
  });
  if (leaks) {
    process.emitWarning(`Manifest ${path}: ${leaks} sample(s) are listed in more than one split (same file and window), e.g. ${example}; scores on the evaluation split would be inflated.`, { code: "AI4EO_SPLIT_LEAK" });
  }
}
