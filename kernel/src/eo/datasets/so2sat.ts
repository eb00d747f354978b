/**
 * So2Sat LCZ42 (Zhu et al. 2020) in its published HDF5 layout: datasets `sen1` (N×32×32×8),
 * `sen2` (N×32×32×10) and `label` (N×17, one-hot local climate zones), channels last.
 * @module
 */
import { basename } from "node:path";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { Raster } from "../raster/raster.js";
import { DatasetError } from "./errors.js";
import { PatchDataset, type DatasetEntry } from "./patch-dataset.js";

/** The 17 local climate zones, by label index. */
export const SO2SAT_CLASSES = [
  "Compact high-rise", "Compact mid-rise", "Compact low-rise", "Open high-rise", "Open mid-rise", "Open low-rise",
  "Lightweight low-rise", "Large low-rise", "Sparsely built", "Heavy industry", "Dense trees", "Scattered trees",
  "Bush, scrub", "Low plants", "Bare rock or paved", "Bare soil or sand", "Water",
] as const;

/** Sentinel-2 channels of `sen2`, in order. */
export const SO2SAT_SEN2_BANDS = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"] as const;

/** Sentinel-1 channels of `sen1`, in order. */
export const SO2SAT_SEN1_BANDS = [
  "VH_real", "VH_imag", "VV_real", "VV_imag", "VH_lee_intensity", "VV_lee_intensity", "VHVV_lee_cov_real", "VHVV_lee_cov_imag",
] as const;

/** Options of {@link openSo2Sat}. */
export interface OpenSo2SatOptions {
  /** Which modality the samples hold: "sen2" (default), "sen1", or "both" (sen1 bands then sen2 bands). */
  modality?: "sen1" | "sen2" | "both";
  /** Split name given to every sample (e.g. "train" for training.h5). Default: from the file name (training→train, validation→val, testing→test), else null. */
  split?: string | null;
}

interface H5Dataset {
  type?: string;
  shape: number[] | null;
  /** HDF5 type class (0 integer, 1 float, 3 string, 6 compound, …), size in bytes. */
  metadata?: { type: number; size: number; vlen?: boolean };
  slice(ranges: [number, number][]): unknown;
  value: unknown;
}

/** The 8-byte HDF5 signature, at offset 0 or after a user block of 512·2^k bytes. */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether the file starts with the HDF5 signature (at 0, 512, 1024, 2048, … bytes). */
function hasHdf5Signature(path: string, size: number): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      if (readSync(fd, b, 0, 8, at) === 8 && b.equals(HDF5_SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Why a dataset's element type cannot be read as So2Sat `k` (null when it can). */
function unsupportedType(k: string, d: H5Dataset): string | null {
  const m = d.metadata;
  if (!m) return null;
  if (m.vlen) return "variable-length";
  if (m.type === 1 && m.size < 4) return `${m.size * 8}-bit float`;
  if (m.type === 0 && m.size > 4 && k !== "label") return `${m.size * 8}-bit integer`;
  if (m.type !== 0 && m.type !== 1 && !(k === "label" && m.type === 8)) return ({ 3: "string", 6: "compound", 9: "variable-length" } as Record<number, string>)[m.type] ?? `HDF5 type class ${m.type}`;
  return null;
}
interface H5File { keys(): string[]; get(name: string): unknown; close(): unknown }

/**
 * Opens a So2Sat LCZ42 HDF5 file (training.h5, validation.h5, testing.h5 or a culture-10 file).
 * Labels are read at once; pixels are read per sample.
 * @throws {DatasetError} when the file is missing or lacks `sen1`/`sen2`/`label` of the right shapes
 * @example
 * ```ts
 * const ds = await openSo2Sat("so2sat/validation.h5");
 * const s = await ds.get(0); // 10 bands, 32×32, float32
 * await ds.close();
 * ```
 */
export async function openSo2Sat(path: string, options: OpenSo2SatOptions = {}): Promise<PatchDataset> {
  if (!existsSync(path)) throw new DatasetError(`So2Sat file ${path} does not exist.`, path);
  const st = statSync(path);
  if (!st.isFile()) throw new DatasetError(`So2Sat file ${path} is not a file (a directory?). Pass the path of training.h5, validation.h5 or testing.h5.`, path);
  if (!hasHdf5Signature(path, st.size)) {
    throw new DatasetError(`${path} is not a readable HDF5 file: ${st.size === 0 ? "it is empty" : "it does not start with the HDF5 signature"}. So2Sat LCZ42 comes as HDF5 files (training.h5, validation.h5, testing.h5).`, path);
  }
  const h5wasm = (await import("h5wasm/node")).default as unknown as { ready: Promise<unknown>; File: new (p: string, mode: string) => H5File };
  await h5wasm.ready;
  let f: H5File;
  let keys: string[];
  try {
    f = new h5wasm.File(path, "r");
    keys = f.keys();
  } catch (e) {
    throw new DatasetError(`${path} is not a readable HDF5 file (truncated or damaged? ${(e as Error).message}); download or copy it again.`, path, { cause: e });
  }
  const modality = options.modality ?? "sen2";
  const need = ["label", ...(modality === "both" ? ["sen1", "sen2"] : [modality])];
  const missing = need.filter((k) => !keys.includes(k));
  if (missing.length) {
    f.close();
    throw new DatasetError(`${path} lacks the So2Sat dataset(s) ${missing.join(", ")}; it has [${keys.join(", ")}].`, path);
  }
  const ds = (k: string): H5Dataset => f.get(k) as H5Dataset;
  for (const k of need) {
    const d = ds(k) as H5Dataset | null;
    const what = d?.type === "Dataset" ? unsupportedType(k, d) : null;
    if (d?.type !== "Dataset" || what) {
      f.close();
      const is = what ? `holds ${what} values, which ai4eo does not read (float32/float64 and integers up to 32 bits)`
        : d?.type === "ExternalLink" ? "an external link whose target cannot be opened"
          : `a ${d?.type ?? "missing object"}, not a dataset`;
      throw new DatasetError(`${path}: "${k}" is ${what ? `a dataset that ${is}` : is}.${what ? ` Convert it first, e.g. with h5py: f["${k}"][...].astype("float32").` : ""}`, path);
    }
  }
  const lab = ds("label");
  const n = lab.shape?.[0] ?? 0;
  const expect: Record<string, number[]> = { label: [n, 17], sen1: [n, 32, 32, 8], sen2: [n, 32, 32, 10] };
  for (const k of need) {
    const s = ds(k).shape ?? [];
    if (s.length !== expect[k]!.length || s.some((v, i) => v !== expect[k]![i])) {
      f.close();
      throw new DatasetError(`${path}: dataset "${k}" has shape [${s.join(", ")}], So2Sat LCZ42 has [${expect[k]!.join(", ")}].`, path);
    }
  }
  let onehot: Float64Array | Float32Array;
  try {
    onehot = lab.value as Float64Array | Float32Array;
  } catch (e) {
    f.close();
    throw new DatasetError(`${path}: dataset "label" cannot be read (${(e as Error).message}).`, path, { cause: e });
  }
  const stem = basename(path).replace(/\.h5$/i, "");
  const split = options.split !== undefined ? options.split
    : /^train/i.test(stem) ? "train" : /^valid/i.test(stem) ? "val" : /^test/i.test(stem) ? "test" : null;
  const entries: DatasetEntry[] = [];
  let unlabelled = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < 17; k++) if (onehot[i * 17 + k]! > onehot[i * 17 + best]!) best = k;
    const labelled = onehot[i * 17 + best]! > 0;
    if (!labelled) unlabelled++;
    entries.push({ id: `${stem}:${i}`, label: labelled ? best : null, split, path });
  }
  if (unlabelled) {
    process.emitWarning(`${path}: ${unlabelled} of ${n} samples have no positive entry in their one-hot "label" row (all zero or NaN); they are unlabelled (label null).`, { code: "AI4EO_UNLABELLED" });
  }
  const parts = modality === "both" ? ["sen1", "sen2"] : [modality];
  const bands = parts.flatMap((p) => (p === "sen1" ? [...SO2SAT_SEN1_BANDS] : [...SO2SAT_SEN2_BANDS]));
  let open = true;
  return new PatchDataset({
    name: `So2Sat LCZ42 ${stem} (${modality})`, classes: [...SO2SAT_CLASSES], bands, entries, patchSize: [32, 32], rgb: modality === "sen1" ? [5, 6, 5] : modality === "both" ? [11, 10, 9] : [3, 2, 1],
    description: "So2Sat LCZ42 (Zhu et al. 2020): co-registered Sentinel-1/Sentinel-2 patches, 32×32 px, 17 local climate zones.",
    load: async (e, signal) => {
      signal?.throwIfAborted();
      if (!open) throw new DatasetError(`${path} was closed; open the dataset again.`, path);
      const i = Number(e.id.slice(stem.length + 1));
      const out: Float32Array[] = [];
      for (const p of parts) {
        const c = p === "sen1" ? 8 : 10;
        const v = ds(p).slice([[i, i + 1]]) as Float64Array;
        for (let b = 0; b < c; b++) {
          const a = new Float32Array(32 * 32);
          for (let px = 0; px < 32 * 32; px++) a[px] = v[px * c + b]!;
          out.push(a);
        }
      }
      return new Raster({ width: 32, height: 32, dtype: "float32", bands: out, descriptions: bands });
    },
    close: async () => {
      if (open) f.close();
      open = false;
    },
  });
}
