// The screenshot comparison itself: identical and slightly different images pass, a changed region
// fails and writes the new image next to the reference (so a broken view cannot pass unnoticed).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { encode, decode } from "fast-png";
import { compareScreenshot, ROOT } from "./harness.js";

const refName = "static-table";
const ref = join(ROOT, "test", "browser", "references", `${refName}.png`);
const actual = ref.replace(/\.png$/, ".actual.png");
after(() => rmSync(actual, { force: true }));

function variant(change: (data: Uint8Array | Uint16Array, w: number, h: number, ch: number) => void): Buffer {
  const img = decode(readFileSync(ref));
  const data = img.data.slice();
  change(data, img.width, img.height, img.channels);
  return Buffer.from(encode({ width: img.width, height: img.height, data, channels: img.channels, depth: img.depth }));
}

test("identical and faintly different images pass; a changed region fails and writes <name>.actual.png", () => {
  assert.ok(compareScreenshot(refName, readFileSync(ref)).ok);
  const faint = variant((d) => { for (let i = 0; i < d.length; i++) d[i] = Math.max(0, Number(d[i]) - 10); });
  const c1 = compareScreenshot(refName, faint);
  assert.ok(c1.ok, c1.message);
  assert.equal(c1.differing, 0);
  const broken = variant((d, w, h, ch) => { for (let y = 0; y < h / 2; y++) for (let x = 0; x < w / 4; x++) for (let c = 0; c < 3; c++) d[(y * w + x) * ch + c] = 255 - Number(d[(y * w + x) * ch + c]); });
  const c2 = compareScreenshot(refName, broken);
  assert.equal(c2.ok, false);
  assert.ok(c2.differing > 0.01, c2.message);
  assert.match(c2.message, /% of pixels differ \(tolerance 1\.0%\); wrote .*static-table\.actual\.png/);
  assert.ok(existsSync(actual));
});
