/**
 * EuroSAT (Helber et al. 2019) in its published multispectral layout: one folder per class, each
 * holding `<Class>_<n>.tif` GeoTIFF patches of 64×64 pixels with the 13 Sentinel-2 bands.
 * @module
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { openRaster } from "../raster/open.js";
import { DatasetError } from "./errors.js";
import { PatchDataset, type DatasetEntry } from "./patch-dataset.js";

/** The 10 EuroSAT classes, in the order of the published label indices. */
export const EUROSAT_CLASSES = [
  "AnnualCrop", "Forest", "HerbaceousVegetation", "Highway", "Industrial",
  "Pasture", "PermanentCrop", "Residential", "River", "SeaLake",
] as const;

/** The 13 Sentinel-2 bands of EuroSAT_MS patches, in file order. */
export const EUROSAT_BANDS = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12"] as const;

/** Options of {@link openEuroSat}. */
export interface OpenEuroSatOptions {
  /** Class folder names (label = position). Default {@link EUROSAT_CLASSES}; pass `"folders"` to use the folders found, sorted. */
  classes?: readonly string[] | "folders";
  /**
   * Patch size [height, width] every sample must have (another size is reported as a problem).
   * Default [64, 64], EuroSAT's; with `classes: "folders"` (another layout) any size, unless given.
   * Pass null for any size.
   */
  patchSize?: readonly [number, number] | null;
}

/**
 * Opens a EuroSAT_MS folder (class folders of GeoTIFF patches). Files are read when samples are
 * used; an unreadable file is reported in `problems` and skipped.
 * @param root the folder that holds the class folders (e.g. `.../EuroSAT_MS` or `.../2750`)
 * @throws {DatasetError} when the folder is missing or has none of the class folders
 * @example
 * ```ts
 * const ds = (await openEuroSat("EuroSAT_MS")).withRandomSplit({ seed: 0 });
 * ds; // a table of sample counts per class and split
 * ```
 */
export async function openEuroSat(root: string, options: OpenEuroSatOptions = {}): Promise<PatchDataset> {
  let names: string[];
  try {
    names = (await readdir(root)).sort();
  } catch (e) {
    throw new DatasetError(`EuroSAT folder ${root} cannot be read (${(e as Error).message}). Pass the folder holding the class folders (AnnualCrop, Forest, …).`, root, { cause: e });
  }
  const dirs: string[] = [];
  for (const n of names) {
    // (an entry that cannot be followed — a dangling or looping link — is not a class folder)
    if (await stat(join(root, n)).then((s) => s.isDirectory(), () => false)) dirs.push(n);
  }
  const classes = options.classes === "folders" ? dirs : [...(options.classes ?? EUROSAT_CLASSES)];
  const present = classes.filter((c) => dirs.includes(c));
  if (present.length === 0) {
    throw new DatasetError(`${root} holds none of the EuroSAT class folders (${classes.join(", ")}); found [${dirs.join(", ")}]. Pass classes: "folders" for another layout.`, root);
  }
  const entries: DatasetEntry[] = [];
  for (const [label, cls] of classes.entries()) {
    if (!dirs.includes(cls)) continue;
    const files = (await readdir(join(root, cls))).filter((f) => /\.tiff?$/i.test(f));
    const num = (f: string): number => Number(/_(\d+)\.tiff?$/i.exec(f)?.[1] ?? Infinity);
    files.sort((a, b) => num(a) - num(b) || a.localeCompare(b));
    for (const f of files) entries.push({ id: f.replace(/\.tiff?$/i, ""), label, split: null, path: join(root, cls, f) });
  }
  const patchSize = options.patchSize !== undefined ? options.patchSize : options.classes === "folders" ? null : [64, 64] as const;
  return new PatchDataset({
    name: "EuroSAT", classes, bands: [...EUROSAT_BANDS], entries, rgb: [4, 3, 2], patchSize,
    description: "EuroSAT (Helber et al. 2019): Sentinel-2 patches, 64×64 px, 13 bands, 10 land-use/land-cover classes.",
    load: async (e, signal) => {
      const src = await openRaster(e.path!);
      try {
        return await src.read({ signal });
      } finally {
        await src.close();
      }
    },
  });
}
