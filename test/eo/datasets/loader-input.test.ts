// Bad input to the EuroSAT and So2Sat loaders and to PatchDataset: each case gets an exported error
// that names the file, dataset, sample or option and says what to do — no bare TypeError/RangeError,
// no silently wrong samples. Fixtures are written by the test (GDAL and h5py, Debian's python3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEuroSat, openSo2Sat, DatasetError, SampleReadError, type Normalization } from "../../../kernel/src/eo/index.js";

const out = mkdtempSync(join(tmpdir(), "ai4eo-loader-input-"));
const py = (code: string, ...args: string[]): void => void execFileSync("/usr/bin/python3", ["-c", code, ...args]);

/** A EuroSAT-like root: Forest with two 64×64 patches and one of 32×32, River with two 64×64. */
function eurosatRoot(): string {
  const root = join(out, "EuroSAT_MS");
  py(`
import os, sys, numpy as np
from osgeo import gdal
root = sys.argv[1]
for cls, sizes in (("Forest", (64, 64, 32)), ("River", (64, 64))):
    os.makedirs(os.path.join(root, cls), exist_ok=True)
    for n, s in enumerate(sizes, 1):
        ds = gdal.GetDriverByName("GTiff").Create(os.path.join(root, cls, f"{cls}_{n}.tif"), s, s, 13, gdal.GDT_UInt16)
        for b in range(13): ds.GetRasterBand(b + 1).WriteArray(np.full((s, s), 100 * (b + 1) + n, np.uint16))
        ds = None
`, root);
  return root;
}
const root = eurosatRoot();

test("EuroSAT: entries of the root that cannot be followed are not class folders; a patch of another size is a problem, not a sample", async () => {
  symlinkSync("/nonexistent/dir", join(root, "dangling"));
  symlinkSync(join(root, "loop"), join(root, "loop"));
  const ds = await openEuroSat(root);
  assert.equal(ds.length, 5);
  const ids: string[] = [];
  for await (const s of ds.samples()) ids.push(s.id);
  assert.deepEqual(ids, ["Forest_1", "Forest_2", "River_1", "River_2"]);
  assert.equal(ds.problems.length, 1);
  assert.match(ds.problems[0]!.message, /^Sample Forest_3 \(.*Forest_3\.tif\) is 32×32 pixels; EuroSAT samples are 64×64\.$/);
  // read again: still one problem listed (not one per pass)
  for await (const _ of ds.samples()) void _;
  assert.equal(ds.problems.length, 1);
  await assert.rejects(ds.get(2), (e: unknown) => e instanceof SampleReadError && e.id === "Forest_3");
  // another layout: any size unless given
  const folders = await openEuroSat(root, { classes: "folders" });
  assert.equal((await folders.get(2)).raster.width, 32);
  const sized = await openEuroSat(root, { classes: "folders", patchSize: [32, 32] });
  await assert.rejects(sized.get(0), (e: unknown) => e instanceof SampleReadError && /is 64×64 pixels; EuroSAT samples are 32×32/.test(e.message));
  assert.equal((await openEuroSat(root, { patchSize: null }).then((d) => d.get(2))).raster.height, 32);
});

test("PatchDataset: bad batch sizes and normalizations are DatasetErrors naming the option and band; bandStats says why it has no pixels", async () => {
  const ds = (await openEuroSat(root)).filter((e) => e.id !== "Forest_3");
  const first = async (o: Parameters<typeof ds.batches>[0]) => {
    for await (const b of ds.batches(o)) return b;
    return null;
  };
  for (const batchSize of [0, -1, NaN, 2.5]) {
    await assert.rejects(first({ batchSize }), (e: unknown) => e instanceof DatasetError && /batchSize must be a positive integer; got/.test(e.message), String(batchSize));
  }
  const thirteen = (v: number): number[] => new Array<number>(13).fill(v);
  const bad: [Normalization, RegExp][] = [
    [{ type: "scaleoffset", scale: thirteen(1) } as unknown as Normalization, /has no "offset" array \(a scaleoffset normalization needs scale and offset/],
    [{ type: "meanstd", mean: thirteen(0).slice(0, 10), std: thirteen(1) }, /has 10 "mean" values; it needs one a band \(13\)/],
    [{ type: "meanstd", mean: thirteen(0), std: [...thirteen(1).slice(0, 12), 0] }, /has std\[12\] = 0 \(band B12\); standard deviations must be positive/],
    [{ type: "meanstd", mean: [NaN, ...thirteen(0).slice(1)], std: thirteen(1) }, /has mean\[0\] = NaN \(band B01\)/],
    [{ type: "minmax" } as unknown as Normalization, /has type "minmax"; use "meanstd", "scaleoffset" or "none"/],
  ];
  for (const [normalization, want] of bad) {
    await assert.rejects(first({ normalization }), (e: unknown) => e instanceof DatasetError && /^batches: the normalization for EuroSAT \(13 bands: B01, /.test(e.message) && want.test(e.message), want.source);
  }
  const ok = await first({ batchSize: 2, normalization: { type: "scaleoffset", scale: thirteen(0.5), offset: thirteen(1) } });
  assert.equal(ok!.tensor.data[0], 101 * 0.5 + 1);
  // statistics of nothing
  await assert.rejects(ds.split("train").bandStats(), (e: unknown) => e instanceof DatasetError && /it has no samples \(an empty split or filter\? check the split name\)/.test(e.message));
  const allBad = (await openEuroSat(root, { patchSize: [16, 16] }));
  await assert.rejects(allBad.bandStats(), (e: unknown) => e instanceof DatasetError && /none of its 5 samples could be read \(5 skipped: see problems; the first: Sample Forest_1 .* is 64×64 pixels/.test(e.message));
  await assert.rejects(ds.bandStats({ maxSamples: -1 }), (e: unknown) => e instanceof DatasetError && /maxSamples must be a positive integer; got -1/.test(e.message));
  await assert.rejects(ds.sampleGrid({ scale: 0 }), (e: unknown) => e instanceof DatasetError && /scale must be a positive integer .*; got 0/.test(e.message));
  await assert.rejects(ds.sampleGrid({ count: -2 }), (e: unknown) => e instanceof DatasetError && /count must be a non-negative integer; got -2/.test(e.message));
  // (before: scale 1e9 was a bare "Invalid typed array length")
  await assert.rejects(ds.sampleGrid({ count: 2, scale: 1e9 }), (e: unknown) => e instanceof DatasetError &&
    /^sampleGrid: scale 1000000000 makes 64-pixel patches 64000000000 pixels wide; use at most 64 \(thumbnails up to 4096 pixels\)\.$/.test(e.message));
  assert.equal((await ds.sampleGrid({ count: 1, scale: 64 })).toString().length > 0, true);
});

test("So2Sat: not a file, not HDF5, unreadable element types, groups and dangling links are DatasetErrors naming the file and dataset; unlabelled rows are counted", async () => {
  const dir = join(out, "so2sat");
  mkdirSync(dir);
  mkdirSync(join(dir, "a_dir.h5"));
  await assert.rejects(openSo2Sat(join(dir, "a_dir.h5")), (e: unknown) => e instanceof DatasetError && /a_dir\.h5 is not a file/.test(e.message));
  writeFileSync(join(dir, "empty.h5"), "");
  await assert.rejects(openSo2Sat(join(dir, "empty.h5")), (e: unknown) => e instanceof DatasetError && /empty\.h5 is not a readable HDF5 file: it is empty/.test(e.message));
  writeFileSync(join(dir, "text.h5"), "label,sen2\n1,2\n");
  await assert.rejects(openSo2Sat(join(dir, "text.h5")), (e: unknown) => e instanceof DatasetError && /text\.h5 is not a readable HDF5 file: it does not start with the HDF5 signature/.test(e.message));
  py(`
import sys, os, h5py, numpy as np
d = sys.argv[1]
lab = np.zeros((4, 17)); lab[0, 3] = 1; lab[1, 5] = 1
def make(name, **datasets):
    with h5py.File(os.path.join(d, name), "w") as f:
        for k, v in datasets.items():
            if isinstance(v, str) and v == "group": f.create_group(k)
            elif isinstance(v, tuple): f[k] = h5py.ExternalLink(*v)
            else: f[k] = v
sen2 = np.zeros((4, 32, 32, 10), np.float32)
make("f16.h5", label=lab.astype(np.float16), sen2=sen2)
make("u64.h5", label=lab, sen2=sen2.astype(np.uint64))
make("compound.h5", label=lab, sen2=np.zeros((4, 32, 32, 10), dtype=[("a", "<f4"), ("b", "<f4")]))
make("group.h5", label="group", sen2=sen2)
make("dangling.h5", label=lab, sen2=("missing-file.h5", "/sen2"))
make("unlabelled.h5", label=lab, sen2=sen2)
`, dir);
  const cases: [string, RegExp][] = [
    ["f16.h5", /f16\.h5: "label" is a dataset that holds 16-bit float values, which ai4eo does not read .* Convert it first, e\.g\. with h5py: f\["label"\]\[\.\.\.\]\.astype\("float32"\)\./],
    ["u64.h5", /u64\.h5: "sen2" is a dataset that holds 64-bit integer values/],
    ["compound.h5", /compound\.h5: "sen2" is a dataset that holds compound values/],
    ["group.h5", /group\.h5: "label" is a Group, not a dataset\./],
    ["dangling.h5", /dangling\.h5: "sen2" is an external link whose target cannot be opened\./],
  ];
  for (const [file, want] of cases) await assert.rejects(openSo2Sat(join(dir, file)), (e: unknown) => e instanceof DatasetError && want.test(e.message), file);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on("warning", onWarning);
  const ds = await openSo2Sat(join(dir, "unlabelled.h5"));
  await new Promise((r) => setImmediate(r));
  process.off("warning", onWarning);
  assert.deepEqual(ds.entries.map((e) => e.label), [3, 5, null, null]);
  assert.ok(warnings.some((w) => /unlabelled\.h5: 2 of 4 samples have no positive entry in their one-hot "label" row/.test(w)), warnings.join("\n"));
  await ds.close();
});

test.after(() => rmSync(out, { recursive: true, force: true }));
