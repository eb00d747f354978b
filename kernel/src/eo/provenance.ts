/**
 * Provenance: what a notebook's numbers came from. A process-wide registry records every data
 * file opened (`openRaster`) and every model loaded (`loadModel`), with its SHA-256, and every
 * seed a seeded random generator was created with. {@link provenance} returns a snapshot that
 * displays itself as a small table and carries the versions of ai4eo, Node, TypeScript,
 * onnxruntime and geotiff. `ai4eo run` stores the same snapshot in the notebook's metadata
 * (`metadata.ai4eo.provenance`).
 *
 * Hashes of files opened by path are computed lazily (when a snapshot is taken) and cached by
 * path, size and modification time, so opening a file costs no extra read. A file that changed
 * after it was opened is flagged. Remote sources (URLs) are recorded by URL without a hash.
 *
 * The registry lives on `globalThis[Symbol.for("ai4eo.provenance")]`, so every copy of the
 * library loaded in one process (the kernel's and a cell's) shares it.
 *
 * @example
 * ```ts
 * import { openRaster, loadModel, dataPath, provenance } from "ai4eo";
 * await openRaster(dataPath("olinda/L7_ETMs.tif"));
 * await loadModel(dataPath("models/olinda-segmenter.onnx"));
 * provenance(); // displays versions, the two files with their SHA-256, and the seeds used
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Ai4eoError } from "./errors.js";
import { findPackageRoot } from "./package-root.js";

/** The mime type under which a provenance snapshot's JSON travels in display bundles. */
export const PROVENANCE_MIME = "application/vnd.ai4eo.provenance+json";

/** Where the process-wide registry lives. */
export const PROVENANCE_KEY: unique symbol = Symbol.for("ai4eo.provenance") as never;

/** What kind of input a file was. */
export type ProvenanceKind = "data" | "model";

/** One recorded input (as stored in the registry). */
interface FileRecord {
  kind: ProvenanceKind;
  /** Absolute path, URL, or `<bytes>` label. */
  source: string;
  local: boolean;
  size?: number;
  mtimeMs?: number;
  sha256?: string;
  /** How often it was opened or loaded. */
  count: number;
}

/** One input file as it appears in a snapshot. */
export interface ProvenanceFile {
  kind: ProvenanceKind;
  /** Path relative to the ai4eo package (for shipped data), else to the working folder, else absolute; or the URL. */
  path: string;
  /** Size in bytes (local files and byte sources). */
  bytes: number | null;
  /** Hex SHA-256 of the content; null for remote sources. */
  sha256: string | null;
  /** How often it was opened or loaded in this process. */
  count: number;
  /** Set when the file changed (size or time) after it was opened, or disappeared. */
  warning?: string;
}

/** One seed as it appears in a snapshot. */
export interface ProvenanceSeed {
  seed: number;
  /** The function that asked for the seeded generator, when it can be told. */
  by: string;
  count: number;
}

/** The JSON form of a snapshot (what notebooks store in their metadata). */
export interface ProvenanceJSON {
  versions: Record<string, string>;
  files: ProvenanceFile[];
  seeds: ProvenanceSeed[];
}

interface Registry {
  files: Map<string, FileRecord>;
  seeds: Map<string, ProvenanceSeed>;
  hashCache: Map<string, { size: number; mtimeMs: number; sha256: string }>;
  /** Take a snapshot (used by `ai4eo run` through a user expression). */
  snapshot(): Provenance;
}

/** A recorded file could not be read to hash it. */
export class ProvenanceError extends Ai4eoError {
  constructor(readonly file: string, detail: string, options?: { cause?: unknown }) {
    super(`Cannot compute the SHA-256 of ${file} for provenance: ${detail}. Check that the file is still there and readable.`, options);
  }
}

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[PROVENANCE_KEY];
  if (!r) {
    r = { files: new Map(), seeds: new Map(), hashCache: new Map(), snapshot: () => provenance() };
    g[PROVENANCE_KEY] = r;
  }
  return r;
}

function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function sha256File(path: string): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new ProvenanceError(path, (e as Error).message, { cause: e });
  }
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

/**
 * Records an input: a data file opened or a model loaded. Cheap: a local path is only `stat`ed
 * (hashed later, when a snapshot is taken); bytes are hashed now; URLs are recorded as they are.
 * Library functions call this; user code rarely needs to.
 * @param kind `"data"` or `"model"`
 * @param source the path, URL or bytes that were opened
 * @param bytes the content, when already in memory (hashed now instead of re-reading the file)
 * @example
 * ```ts
 * recordInput("data", "data/olinda/L7_ETMs.tif");
 * recordInput("model", "data/models/olinda-segmenter.onnx", onnxBytes);
 * ```
 */
export function recordInput(kind: ProvenanceKind, source: string | URL | Uint8Array | ArrayBuffer, bytes?: Uint8Array): void {
  const reg = registry();
  let key: string;
  let rec: FileRecord;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const b = source instanceof Uint8Array ? source : new Uint8Array(source);
    const sha = sha256Bytes(b);
    key = `${kind}:bytes:${sha}`;
    rec = { kind, source: `<${b.byteLength} bytes in memory>`, local: false, size: b.byteLength, sha256: sha, count: 0 };
  } else {
    const s = source instanceof URL ? source.href : source;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith("file://")) {
      key = `${kind}:${s}`;
      rec = { kind, source: s, local: false, count: 0 };
    } else {
      const path = resolve(s.startsWith("file://") ? fileURLToPath(s) : s);
      key = `${kind}:${path}`;
      rec = { kind, source: path, local: true, count: 0 };
      try {
        const st = statSync(path);
        rec.size = st.size;
        rec.mtimeMs = st.mtimeMs;
      } catch {
        // the caller reports a missing file itself
        return;
      }
      if (bytes && bytes.byteLength === rec.size) {
        rec.sha256 = sha256Bytes(bytes);
        reg.hashCache.set(path, { size: rec.size, mtimeMs: rec.mtimeMs!, sha256: rec.sha256 });
      }
    }
  }
  const old = reg.files.get(key);
  if (old && (old.size !== rec.size || old.mtimeMs !== rec.mtimeMs)) old.sha256 = undefined;
  const merged = old ? { ...old, ...rec, sha256: rec.sha256 ?? old.sha256 } : rec;
  merged.count = (old?.count ?? 0) + 1;
  reg.files.set(key, merged);
}

function callerName(): string {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  // frames: callerName, recordSeed, seededRandom (the generator), then the function that asked for it
  for (const line of stack.slice(3)) {
    const m = line.match(/^\s*at (?:async )?([A-Za-z_$][\w$.<>]*)/);
    if (m && m[1] && !/^(new |Array\.|Object\.|Module\.|node:)/.test(m[1]) && m[1] !== "<anonymous>") {
      return m[1].replace(/^Object\./, "");
    }
    if (/^\s*at /.test(line)) return "cell or script";
  }
  return "unknown";
}

/**
 * Records a seed used for randomness (dataset splits, MC dropout, RISE masks, permutations).
 * Seeded generators in the library call this; call it yourself for your own seeded code.
 * @param seed the seed
 * @param by who used it; default: the name of the function that created the seeded generator
 * @example
 * ```ts
 * recordSeed(42, "my augmentation");
 * ```
 */
export function recordSeed(seed: number, by?: string): void {
  const who = by ?? callerName();
  const key = `${who}\u0000${seed}`;
  const reg = registry();
  const s = reg.seeds.get(key);
  if (s) s.count++;
  else reg.seeds.set(key, { seed, by: who, count: 1 });
}

/**
 * Forgets every recorded file and seed (versions stay). For tests, or to start a new study in the
 * same kernel.
 * @example
 * ```ts
 * resetProvenance();
 * ```
 */
export function resetProvenance(): void {
  const reg = registry();
  reg.files.clear();
  reg.seeds.clear();
}

/** The version in an installed package's package.json, found from `from` (a package.json path). */
function installedVersion(name: string, from: string): string | undefined {
  const req = createRequire(from);
  let main: string;
  try {
    return (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), "utf8")) as { version?: string }).version;
  } catch {
    // package.json not exported: walk up from its main file
  }
  try {
    main = req.resolve(name);
  } catch {
    return undefined;
  }
  let dir = dirname(main);
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        const j = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string };
        if (j.name === name && j.version) return j.version;
      } catch {
        // keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

let versionCache: Record<string, string> | undefined;

/**
 * Versions of ai4eo and of what computes its results, read from the installed packages (never
 * hard-coded): ai4eo, Node, TypeScript (the compiler that checks notebook cells), tslab,
 * onnxruntime-node and geotiff.
 * @example
 * ```ts
 * toolVersions().node; // "v20.20.0"
 * ```
 */
export function toolVersions(): Record<string, string> {
  if (versionCache) return { ...versionCache };
  const root = findPackageRoot();
  const v: Record<string, string> = {};
  const from = root ? join(root, "package.json") : fileURLToPath(import.meta.url);
  const own = root ? (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string }).version : undefined;
  v["ai4eo"] = own ?? "unknown";
  v["node"] = process.version;
  const tslabPj = (() => {
    try {
      return createRequire(from).resolve("tslab/package.json");
    } catch {
      return undefined;
    }
  })();
  const tsCells = tslabPj ? installedVersion("@tslab/typescript-for-tslab", tslabPj) : undefined;
  v["typescript"] = tsCells ?? installedVersion("typescript", from) ?? "not installed";
  v["tslab"] = installedVersion("tslab", from) ?? "not installed";
  v["onnxruntime-node"] = installedVersion("onnxruntime-node", from) ?? "not installed";
  v["geotiff"] = installedVersion("geotiff", from) ?? "not installed";
  versionCache = v;
  return { ...v };
}

function displayPath(abs: string): string {
  const root = findPackageRoot();
  for (const base of [root, process.cwd()]) {
    if (!base) continue;
    const rel = relative(base, abs);
    if (rel && !rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
  }
  return abs;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A snapshot of the provenance registry: versions, input files with SHA-256, seeds. Displays
 * itself as a table (HTML) and as text; `toJSON()` is what notebooks store in their metadata.
 * @example
 * ```ts
 * const p = provenance();
 * p.files.find((f) => f.kind === "model")?.sha256;
 * ```
 */
export class Provenance implements ProvenanceJSON {
  readonly versions: Record<string, string>;
  readonly files: ProvenanceFile[];
  readonly seeds: ProvenanceSeed[];

  constructor(json: ProvenanceJSON) {
    this.versions = json.versions;
    this.files = json.files;
    this.seeds = json.seeds;
  }

  /** The plain JSON form. */
  toJSON(): ProvenanceJSON {
    return { versions: { ...this.versions }, files: this.files.map((f) => ({ ...f })), seeds: this.seeds.map((s) => ({ ...s })) };
  }

  /** A plain-text summary. */
  toString(): string {
    const lines = ["Provenance", `  versions: ${Object.entries(this.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`];
    if (this.files.length === 0) lines.push("  files: none opened");
    for (const f of this.files) {
      lines.push(`  ${f.kind} ${f.path}  ${f.sha256 ? `sha256:${f.sha256}` : "(remote, not hashed)"}${f.bytes !== null ? `  ${f.bytes} B` : ""}${f.warning ? `  WARNING: ${f.warning}` : ""}`);
    }
    lines.push(this.seeds.length ? `  seeds: ${this.seeds.map((s) => `${s.seed} (${s.by}${s.count > 1 ? ` ×${s.count}` : ""})`).join(", ")}` : "  seeds: none used");
    return lines.join("\n");
  }

  /** The HTML table shown in notebooks and exported pages. */
  toHTML(): string {
    const td = "style=\"padding:2px 8px;border-bottom:1px solid #eee;text-align:left\"";
    const versions = Object.entries(this.versions).map(([k, v]) => `<code>${esc(k)}</code> ${esc(v)}`).join(" · ");
    const files = this.files.length === 0
      ? `<tr><td ${td} colspan="4"><i>no data file opened, no model loaded</i></td></tr>`
      : this.files.map((f) => `<tr><td ${td}>${f.kind}</td><td ${td}><code>${esc(f.path)}</code></td><td ${td}>${f.bytes ?? ""}</td>` +
        `<td ${td}><code style="font-size:11px">${f.sha256 ?? "remote, not hashed"}</code>${f.warning ? ` <b style="color:#a00">${esc(f.warning)}</b>` : ""}</td></tr>`).join("");
    const seeds = this.seeds.length === 0 ? "<i>none used</i>" : this.seeds.map((s) => `<code>${s.seed}</code> (${esc(s.by)}${s.count > 1 ? ` ×${s.count}` : ""})`).join(", ");
    return `<div class="ai4eo-provenance" style="font-size:13px"><b>Provenance</b><div>${versions}</div>` +
      `<table style="border-collapse:collapse;margin:4px 0"><thead><tr><th ${td}>kind</th><th ${td}>file</th><th ${td}>bytes</th><th ${td}>SHA-256</th></tr></thead><tbody>${files}</tbody></table>` +
      `<div>seeds: ${seeds}</div></div>`;
  }

  /** Jupyter display: HTML table, text, and the JSON under {@link PROVENANCE_MIME}. */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return { "text/html": this.toHTML(), "text/plain": this.toString(), [PROVENANCE_MIME]: this.toJSON() };
  }
}

/**
 * The provenance of everything computed so far in this process (kernel or script): versions of
 * ai4eo, Node, TypeScript, tslab, onnxruntime-node and geotiff; every data file opened and model
 * loaded with its SHA-256; every seed used. Displays itself as a table; put it in a notebook's
 * last cell so the exported page shows it.
 * @throws {ProvenanceError} when a recorded local file can no longer be read
 * @example
 * ```ts
 * import { provenance } from "ai4eo";
 * provenance();                        // a table in the notebook
 * JSON.stringify(provenance());        // the same as JSON
 * ```
 */
export function provenance(): Provenance {
  const reg = registry();
  const files: ProvenanceFile[] = [];
  for (const rec of reg.files.values()) {
    const f: ProvenanceFile = { kind: rec.kind, path: rec.local ? displayPath(rec.source) : rec.source, bytes: rec.size ?? null, sha256: rec.sha256 ?? null, count: rec.count };
    if (rec.local) {
      let st: { size: number; mtimeMs: number } | undefined;
      try {
        st = statSync(rec.source);
      } catch {
        f.warning = "the file no longer exists";
      }
      const changed = !!st && (st.size !== rec.size || st.mtimeMs !== rec.mtimeMs);
      if (changed) f.warning = "the file changed after it was opened; the hash is of its current content";
      if (st && (!rec.sha256 || changed)) {
        const c = reg.hashCache.get(rec.source);
        if (c && c.size === st.size && c.mtimeMs === st.mtimeMs) f.sha256 = c.sha256;
        else {
          f.sha256 = sha256File(rec.source);
          reg.hashCache.set(rec.source, { size: st.size, mtimeMs: st.mtimeMs, sha256: f.sha256 });
        }
        if (!f.warning) rec.sha256 = f.sha256;
      }
      if (st) f.bytes = st.size;
    }
    files.push(f);
  }
  files.sort((a, b) => (a.kind === b.kind ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.kind === "data" ? -1 : 1));
  const seeds = [...reg.seeds.values()].map((s) => ({ ...s })).sort((a, b) => (a.by === b.by ? a.seed - b.seed : a.by < b.by ? -1 : 1));
  return new Provenance({ versions: toolVersions(), files, seeds });
}
