// openManifest on bad input: every malformed manifest is a DatasetError naming the file, the line
// (counted in the file from 1, the header being line 1) and the column, and saying what to do; the
// forgiving cases (BOM, spaces around cells, blank lines, URLs) load as written. Fixtures are small
// CSV texts written here into a temporary folder; the one read sample is the shipped OOD scene.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openManifest, dataPath, DatasetError, type PatchDataset } from "../../../kernel/src/eo/index.js";

const dir = mkdtempSync(join(tmpdir(), "ai4eo-manifest-"));
let n = 0;

/** Writes a manifest (named after the case) and returns its path. */
function manifest(text: string): string {
  const file = join(dir, `m${n++}.csv`);
  writeFileSync(file, text);
  return file;
}

/** openManifest on `text` rejects with a DatasetError about the file whose message matches every pattern. */
async function rejects(text: string, patterns: RegExp[], options?: Parameters<typeof openManifest>[1]): Promise<void> {
  const file = manifest(text);
  await assert.rejects(openManifest(file, options), (e: unknown) => {
    assert.ok(e instanceof DatasetError, `expected a DatasetError, got ${String(e)}`);
    assert.equal(e.path, file);
    assert.ok(e.message.includes(file), `message does not name the file: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

async function open(text: string, options?: Parameters<typeof openManifest>[1]): Promise<PatchDataset> {
  return openManifest(manifest(text), options);
}

test("class column: indices are whole numbers 0..65535, checked before any class list is made", async () => {
  const t0 = Date.now();
  await rejects("path,label,class\na.tif,water,0\nb.tif,urban,4000000000\n", [/line 3, column "class"/, /class index 4000000000 is too large/, /0\.\.K-1/, /below 65536/, /Renumber/]);
  await rejects("path,label,class\na.tif,water,0\nb.tif,x,10000000\n", [/line 3, column "class"/, /10000000 is too large/]);
  assert.ok(Date.now() - t0 < 5000, "huge indices are rejected at once");
  await rejects("path,label,class\na.tif,water,65536\n", [/line 2, column "class"/, /below 65536/]);
  await rejects("path,label,class\na.tif,water,w\nb.tif,urban,1\n", [/line 2, column "class"/, /"w" is not a class index/, /0\.\.K-1/]);
  await rejects("path,label,class\na.tif,water,-1\nb.tif,urban,1\n", [/line 2, column "class"/, /class index -1 is negative/, /Renumber the classes from 0/]);
  await rejects("path,label,class\na.tif,water,0.5\nb.tif,urban,1\n", [/line 2, column "class"/, /0\.5 is not a whole number/]);
  // 65535 is a valid index, but a list of 65536 classes of which two are used is a mistake (a nodata marker)
  await rejects("path,label,class\na.tif,water,0\nb.tif,nodata,65535\n", [/line 3, column "class": the indices go up to 65535 but only 2 distinct ones/, /65534 of the classes/, /at most 1024/, /pass the class names as `classes`/]);
  // with `classes` given, an index past the list is out of range
  await rejects("path,label,class\na.tif,water,0\nb.tif,urban,2\n", [/line 3, column "class"/, /class index 2 is out of range/, /\[water, urban\] have indices 0\.\.1/], { classes: ["water", "urban"] });
  // and a label naming a class must agree with the index
  await rejects("path,label,class\na.tif,water,1\n", [/line 2, column "label"/, /label "water" is class 0 but column "class" says 1 \("urban"\)/], { classes: ["water", "urban"] });
});

test("class column: one index per label and one label per index; gaps are named by their number", async () => {
  await rejects("path,label,class\na.tif,water,0\nb.tif,urban,0\n", [/line 3, column "class"/, /class index 0 is given to two labels, "water" \(line 2\) and "urban" \(line 3\)/]);
  await rejects("path,label,class\na.tif,water,0\nb.tif,urban,1\nc.tif,water,2\n", [/line 4, column "class"/, /label "water" has class index 0 on line 2 and 2 on line 4/]);
  const ds = await open("path,label,class\na.tif,water,0\nb.tif,urban,2\nc.tif,,2\nd.tif,urban,\n");
  assert.deepEqual(ds.classes, ["water", "1", "urban"]);
  assert.deepEqual(ds.entries.map((e) => e.label), [0, 2, 2, 2]);
  // a class column without labels: classes are the indices
  const bare = await open("path,class\na.tif,0\nb.tif,3\n");
  assert.deepEqual(bare.classes, ["0", "1", "2", "3"]);
  assert.deepEqual(bare.entries.map((e) => e.label), [0, 3]);
});

test("rows: a short row or an empty path names its line; blank lines and all-empty rows are skipped", async () => {
  await rejects("label,path\nwater,a.tif\nurban\n", [/line 3:/, /the row has 1 cell but the header has 2 columns, so column "path" is missing/, /one cell per column/]);
  await rejects("path,label,split\na.tif,water,train\n\nwater\n", [/line 4:/, /column "label" is missing/]);
  await rejects("path,label,split\n,water,train\nb.tif,urban,test\n", [/line 2, column "path": the cell is empty/, /relative to the manifest's folder/]);
  await rejects("path,label\n  ,water\n", [/line 2, column "path": the cell is empty/]);
  // a comma in an unquoted path shifts the cells: more non-empty cells than columns
  await rejects("path,label\na,b.tif,water\n", [/line 2:/, /3 cells but the header has 2 columns/, /Quote a cell that holds a comma/]);
  await rejects('path,label\n"a.tif,water\nb.tif,urban\n', [/line 2:/, /never closed/]);
  const ds = await open("path,label,split\r\na.tif,water,train\r\n\r\n,,\r\n  \r\nb.tif,urban,test,\r\n\r\n");
  assert.deepEqual(ds.entries.map((e) => [e.id, e.path, e.split]), [["0", join(dir, "a.tif"), "train"], ["1", join(dir, "b.tif"), "test"]]);
  // line numbers count blank lines and the lines inside quoted cells
  await rejects('id,path,label\n"two\nlines",a.tif,water\n\nb.tif,water\n', [/line 5:/]);
  // a trailing comma in the header (an unnamed last column) does not make rows short
  const trailing = await open("path,label,\na.tif,water\n");
  assert.deepEqual(trailing.entries.map((e) => e.label), [0]);
  // header only: no samples
  assert.equal((await open("path,label\n")).length, 0);
});

test("header: spaces around names and cells, a byte-order mark, and hints for a wrong header", async () => {
  const ds = await open("path, label, split\na.tif, water, train\nb.tif , urban , test\n");
  assert.deepEqual(ds.classes, ["urban", "water"]);
  assert.deepEqual(ds.entries.map((e) => [e.path, e.label, e.split]), [[join(dir, "a.tif"), 1, "train"], [join(dir, "b.tif"), 0, "test"]]);
  const bom = await open("\uFEFFpath,label,split\na.tif,water,train\n");
  assert.deepEqual(bom.entries.map((e) => [e.path, e.label, e.split]), [[join(dir, "a.tif"), 0, "train"]]);
  await rejects("Path,Label\na.tif,water\n", [/needs a "path" column; its header is \[Path, Label\]/, /rename "Path" to "path"/]);
  await rejects("path;label\na.tif;water\n", [/needs a "path" column/, /separated by ";"/]);
  await rejects("", [/needs a "path" column; its header is \[\]/]);
  await rejects("path,label,label\na.tif,water,urban\n", [/line 1: the header has column "label" twice/]);
});

test("paths: http(s) URLs are kept, file URLs become paths, relative paths resolve from the manifest", async () => {
  const scene = dataPath("olinda-bench", "ood_le07_195025.tif");
  const ds = await open(`path,label,col,row,width,height\nhttps://example.invalid/x.tif,water,,,,\nHTTP://example.invalid/y.tif,water,,,,\n${pathToFileURL(scene).href},urban,8,0,8,8\nsub/c.tif,water,,,,\n`, { bandCount: 6 });
  assert.deepEqual(ds.entries.map((e) => e.path), ["https://example.invalid/x.tif", "HTTP://example.invalid/y.tif", scene, join(dir, "sub", "c.tif")]);
  const s = await ds.get(2);
  assert.equal(s.raster.width, 8);
  assert.equal(s.raster.count, 6);
  await ds.close();
  await rejects("path,label\ns3://bucket/x.tif,water\n", [/line 2, column "path"/, /a URL ai4eo cannot read/, /http\(s\):\/\/ or file:\/\//]);
  await rejects("path,label\nfile://host/x.tif,water\n", [/line 2, column "path"/, /not a local file URL/]);
});

test("labels: with `classes` given, a numeric label is an index in range", async () => {
  await rejects("path,label\na.tif,water\nb.tif,7\n", [/line 3, column "label"/, /label 7 is neither a class name nor a class index/, /the 2 classes \[water, urban\] have indices 0\.\.1/], { classes: ["water", "urban"] });
  await rejects("path,label\na.tif,lava\n", [/line 2, column "label"/, /label "lava" is not one of the classes \[water, urban\]/, /add it to `classes`/], { classes: ["water", "urban"] });
  const ds = await open("path,label\na.tif,1\nb.tif,water\nc.tif,\n", { classes: ["water", "urban"] });
  assert.deepEqual(ds.entries.map((e) => e.label), [1, 0, null]);
  // without `classes`, numeric labels are class names as before
  assert.deepEqual((await open("path,label\na.tif,water\nb.tif,7\n")).classes, ["7", "water"]);
});

test("windows and footprints: all four columns or none, numbers, sensible extents", async () => {
  await rejects("path,label,col,row\na.tif,water,4,4\n", [/line 2:/, /a window needs all of the columns "col", "row", "width", "height", but the header lacks "width", "height"/, /leave all four empty to read the whole file/]);
  await rejects("path,label,col,width\na.tif,water,0,8\n", [/line 2:/, /the header lacks "row", "height"/]);
  await rejects("path,label,col,row,width,height\na.tif,water,0,0,8,\n", [/line 2:/, /"height" is empty on this line/, /Fill them in/]);
  await rejects("path,label,col,row,width,height\na.tif,water,x,0,8,8\n", [/line 2, column "col": "x" is not a number/]);
  await rejects("path,label,col,row,width,height\na.tif,water,0,0,0,8\n", [/line 2, column "width": 0 is not a valid window width/, /≥ 1/]);
  await rejects("path,label,col,row,width,height\na.tif,water,0,0,8,8\nb.tif,urban,-4,0,8,8\n", [/line 3, column "col": -4 is not a valid window col/, /≥ 0/]);
  await rejects("path,label,col,row,width,height\na.tif,water,0,0.5,8,8\n", [/line 2, column "row": 0\.5/]);
  await rejects("path,label,minx\na.tif,water,10\n", [/line 2:/, /a footprint needs all of the columns "minx", "miny", "maxx", "maxy", but the header lacks "miny", "maxx", "maxy"/]);
  await rejects("path,label,minx,miny,maxx,maxy\na.tif,water,abc,0,1,1\n", [/line 2, column "minx": "abc" is not a number/]);
  await rejects("path,label,minx,miny,maxx,maxy\na.tif,water,10,0,0,1\n", [/line 2:/, /the footprint is inverted: minx=10 > maxx=0 \(columns "minx", "maxx"\)/, /swap them/]);
  await rejects("path,label,minx,miny,maxx,maxy\na.tif,water,0,10,1,0\n", [/miny=10 > maxy=0 \(columns "miny", "maxy"\)/]);
  const ds = await open("path,label,col,row,width,height,minx,miny,maxx,maxy\na.tif,water,8,16,8,8,1.5,2,3.5,4\nb.tif,water,,,,,,,,\n");
  assert.deepEqual(ds.entries[0]!.window, { col: 8, row: 16, width: 8, height: 8 });
  assert.deepEqual(ds.entries[0]!.bounds, { minX: 1.5, minY: 2, maxX: 3.5, maxY: 4 });
  assert.equal(ds.entries[1]!.window, undefined);
  assert.equal(ds.entries[1]!.bounds, undefined);
});

test("ids: an id used twice names both lines; one sample in two splits is warned about (train/test leakage)", async () => {
  await rejects("path,label,id\na.tif,water,s1\nb.tif,urban,s2\nc.tif,water,s1\n", [/line 4, column "id": id "s1" was already used on line 2\. .*make them unique/]);
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    const ds = await open("path,label,split,col,row,width,height\na.tif,water,train,0,0,8,8\na.tif,water,test,0,0,8,8\na.tif,water,test,8,0,8,8\nb.tif,urban,train,,,,\nb.tif,urban,train,,,,\n");
    assert.equal(ds.length, 5);
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  const leak = warnings.filter((w) => /listed in more than one split/.test(w));
  assert.equal(leak.length, 1, warnings.join("\n"));
  assert.match(leak[0]!, /: 1 sample\(s\) are listed in more than one split \(same file and window\), e\.g\. .*a\.tif \(window 0,0\) is in "train" on line 2 and in "test" on line 3; scores on the evaluation split would be inflated\./);
});

test("bands: a 6-band file under the default 3 bands says to pass bandCount; bad bands/bandCount options are named", async () => {
  const scene = dataPath("olinda-bench", "ood_le07_195025.tif");
  const ds = await open(`path,label,col,row,width,height\n${scene},urban,0,0,8,8\n`);
  await assert.rejects(ds.get(0), (e: unknown) => e instanceof Error && /has 6 bands; .* samples have 3 \(1, 2, 3\)\. openManifest assumes 3 bands when given neither `bands` nor `bandCount`: pass the files' band count \(bandCount\)/.test(e.message));
  await ds.close();
  const six = await open(`path,label,col,row,width,height\n${scene},urban,0,0,8,8\n`, { bandCount: 6 });
  assert.equal((await six.get(0)).raster.count, 6);
  await six.close();
  await rejects("path,label\na.tif,water\n", [/bandCount must be a whole number ≥ 1 .*; got 0\./], { bandCount: 0 });
  await rejects("path,label\na.tif,water\n", [/bands must be a non-empty array of band names .*; got \[\]\./], { bands: [] });
});
