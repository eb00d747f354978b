// COGs over HTTP from a local server on 127.0.0.1 that records the byte ranges asked for.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { openRaster, RasterHttpError } from "../../../kernel/src/eo/index.js";
import { assertBandEqual, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-http-");
const cog = join(dir, "l7.tif");
execFileSync("gdal_translate", ["-q", "-of", "COG", "-co", "BLOCKSIZE=128", "-co", "COMPRESS=DEFLATE", "data/olinda/L7_ETMs.tif", cog]);
const files: Record<string, Buffer> = { "/l7.tif": readFileSync(cog), "/l7-strips.tif": readFileSync("data/olinda/L7_ETMs.tif") };
const body = files["/l7.tif"]!;
const ranges: [number, number][] = [];
let mode: "range" | "norange" | "flaky" | "hang" = "range";
let flakyFailures = 0;

const server: Server = createServer((req, res) => {
  const body = files[req.url ?? ""];
  if (!body) { res.writeHead(404).end("not found"); return; }
  if (mode === "hang") return; // never answers
  if (mode === "flaky" && flakyFailures > 0) { flakyFailures--; res.writeHead(503).end(); return; }
  const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
  if (mode === "norange" || !m) { res.writeHead(200, { "content-length": body.length }).end(body); return; }
  const a = Number(m[1]);
  const b = Math.min(Number(m[2]), body.length - 1);
  ranges.push([a, b - a + 1]);
  res.writeHead(206, { "content-range": `bytes ${a}-${b}/${body.length}`, "content-length": b - a + 1 }).end(body.subarray(a, b + 1));
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => { server.closeAllConnections(); server.close(); });

test("a COG window over HTTP equals the local read and fetches only the header and the needed tiles", async () => {
  mode = "range";
  ranges.length = 0;
  const remote = await openRaster(`${base}/l7.tif`, { preview: false });
  const headerRequests = ranges.length;
  assert.equal(headerRequests, 1, "one request for the header and IFDs");
  const local = await openRaster(cog);
  assert.deepEqual([remote.width, remote.height, remote.count, remote.overviews.length], [local.width, local.height, local.count, local.overviews.length]);
  assert.deepEqual(remote.transform, local.transform);
  const w = { col: 130, row: 140, width: 100, height: 100 }; // inside tiles (1..1, 1..1) of 128 px
  const r = await remote.read({ window: w, bands: [1, 4] });
  const l = await local.read({ window: w, bands: [1, 4] });
  assertBandEqual(r.band(1), l.band(1), "band 1");
  assertBandEqual(r.band(2), l.band(2), "band 4");
  const dataBytes = ranges.slice(headerRequests).reduce((s, x) => s + x[1], 0);
  assert.ok(dataBytes < body.length / 4, `window read fetched ${dataBytes} of ${body.length} bytes`);
  // a second read of the same window is served from the decoded-block cache
  const before = ranges.length;
  await remote.read({ window: w, bands: [1] });
  assert.equal(ranges.length, before);
  const o = await remote.read({ overview: 2 });
  assertBandEqual(o.band(3), (await local.read({ overview: 2 })).band(3), "overview 2 band 3");
});

test("HTTP errors: 404, no range support, retries on 503, abort of a hanging request", async () => {
  await assert.rejects(openRaster(`${base}/missing.tif`), (e: unknown) => e instanceof RasterHttpError && e.status === 404 && /missing\.tif: HTTP 404.*Check the URL/.test(e.message));
  mode = "norange";
  await assert.rejects(openRaster(`${base}/l7.tif`), (e: unknown) => e instanceof RasterHttpError && /ignored the Range header/.test(e.message));
  mode = "flaky";
  flakyFailures = 2;
  const src = await openRaster(`${base}/l7.tif`, { retries: 3 });
  assert.equal(src.width, 349);
  flakyFailures = 5;
  await assert.rejects(openRaster(`${base}/l7.tif`, { retries: 2 }), (e: unknown) => e instanceof RasterHttpError && /failed after 2 attempts/.test(e.message));
  mode = "hang";
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(openRaster(`${base}/l7.tif`, { signal: ac.signal }), { name: "AbortError" });
  assert.ok(Date.now() - t0 < 2000);
});

test("a plain (non-COG) GeoTIFF whose IFDs sit at the end opens over HTTP in few requests and reads as locally", async () => {
  mode = "range";
  ranges.length = 0;
  const remote = await openRaster(`${base}/l7-strips.tif`, { preview: false });
  assert.ok(ranges.length <= 4, `opening took ${ranges.length} range requests`);
  const local = await openRaster("data/olinda/L7_ETMs.tif", { preview: false });
  assert.deepEqual(remote.overviews, local.overviews);
  const w = { col: 100, row: 200, width: 60, height: 40 };
  assertBandEqual((await remote.read({ window: w, bands: [5] })).band(1), (await local.read({ window: w, bands: [5] })).band(1), "band 5 window");
});
