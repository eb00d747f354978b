// Map's embedMaxSize is checked when the map is made: before, NaN failed at the first addLayer
// with a TypeError from ShapedArray, and Infinity or 1e9 let a large source embed a pyramid twice
// its size (a 50000-pixel scene: a 100000-pixel render, hours and gigabytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import { Map, MAX_EMBED_SIZE, WidgetPropertyError } from "../../../kernel/src/widgets/index.js";

test("embedMaxSize must be a whole number from 0 to MAX_EMBED_SIZE", { timeout: 60_000 }, async () => {
  const expected = `a whole number of pixels from 0 (no embedding) to ${MAX_EMBED_SIZE} (MAX_EMBED_SIZE); default 512`;
  for (const size of [Number.NaN, Infinity, 1e9, MAX_EMBED_SIZE + 1, -1, 2.5]) {
    assert.throws(() => new Map({ registry: null, embedMaxSize: size }), (e: unknown) => e instanceof WidgetPropertyError &&
      e.message === `Map.embedMaxSize must be ${expected}, got ${size}. Set embedMaxSize to ${expected}.`, String(size));
  }
  const raster = new Raster({ width: 8, height: 4, dtype: "uint8", bands: [new Uint8Array(32).fill(7)] });
  for (const [size, embedded] of [[0, false], [MAX_EMBED_SIZE, true]] as const) {
    const m = new Map({ registry: null, embedMaxSize: size });
    await m.addLayer(raster, {}, "flat");
    assert.equal(Object.keys(m.get("embeds")).length, embedded ? 1 : 0, String(size));
    m.close();
  }
});
