// The raster reader on inputs that must neither hang nor exhaust memory: paths that are not regular
// files (a named pipe blocks an open until a writer comes), and block tables whose byte counts,
// offsets or sizes are corrupt. Each gives an error naming the file, the field and what to do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openRaster, RasterFormatError } from "../../../kernel/src/eo/index.js";
import { tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-robustness-");

test("a named pipe is refused at once, naming the path and its kind and saying to copy the data or pass the bytes (opening it waited for a writer forever, freezing the kernel); a pipe as .aux.xml side-car is skipped", () => {
  const fifo = join(dir, "pipe.tif");
  execFileSync("mkfifo", [fifo]);
  const tif = join(dir, "with-pipe-pam.tif");
  copyFileSync("data/olinda/olinda_dem_utm25s.tif", tif);
  execFileSync("mkfifo", [`${tif}.aux.xml`]);
  // in a child process: without the check, the open blocks its thread for good and only the timeout ends it
  const script = `
    import { openRaster } from ${JSON.stringify(pathToFileURL("kernel/src/eo/index.ts").href)};
    try { await openRaster(${JSON.stringify(fifo)}); console.log("opened"); }
    catch (e) { console.log(e.name + ": " + e.message); }
    const src = await openRaster(${JSON.stringify(tif)});
    console.log("side-car skipped: " + src.width + "x" + src.height);`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.signal, null, `openRaster on a FIFO did not return within 30 s (${r.stderr})`);
  assert.match(r.stdout, new RegExp(`^RasterFormatError: ${fifo}: is a named pipe \\(FIFO\\), not a regular file: .*Copy the data to a regular file and open that, or .* openRaster\\(bytes\\)`));
  assert.match(r.stdout, /\nside-car skipped: 111x111\n$/);
});

test("a directory, a character device and a socket are refused by kind before any open (a device read 0 bytes as 'not a TIFF file (or truncated)')", async () => {
  await assert.rejects(openRaster(dir), (e: unknown) => e instanceof RasterFormatError && e.file === dir &&
    e.message === `${dir}: is a directory, not a file. Pass the path of a GeoTIFF file (e.g. one inside this directory).`);
  await assert.rejects(openRaster("/dev/zero"), (e: unknown) => e instanceof RasterFormatError &&
    /^\/dev\/zero: is a character device, not a regular file: .*Copy the data to a regular file/.test(e.message));
  const sock = join(dir, "socket.tif");
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    await assert.rejects(openRaster(sock), (e: unknown) => e instanceof RasterFormatError && e.message.startsWith(`${sock}: is a socket, not a regular file`));
  } finally {
    server.close();
  }
  await assert.rejects(openRaster(join(dir, "missing.tif")), (e: unknown) => e instanceof RasterFormatError && /missing\.tif: no such file\. Check the path/.test(e.message));
});
