// svgHeatmap's sizes: H and W not matching the data read past its end (H = 1e9 ran for minutes,
// Infinity for ever). They must be positive whole numbers with H×W values, else an ExplainInputError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExplainInputError, svgHeatmap } from "../../../kernel/src/eo/explain/index.js";

test("svgHeatmap refuses sizes that do not match the data, infinite, fractional or string sizes", { timeout: 10_000 }, () => {
  const data = Float32Array.from({ length: 64 }, (_, i) => i - 32);
  for (const [H, W] of [[1e9, 8], [8, Infinity], [Infinity, Infinity], [0, 8], [-1, 8], [8, 7], [2.5, 8], ["8", 8]] as const) {
    assert.throws(() => svgHeatmap("t", data, H as number, W as number), (e: unknown) => e instanceof ExplainInputError &&
      /^svgHeatmap needs positive whole numbers H and W with H×W values, got H .+, W .+ and 64 values; e\.g\. svgHeatmap\("occlusion", attr\.map\(0\), 64, 64\)\.$/.test(e.message), `${H} ${W}`);
  }
  assert.throws(() => svgHeatmap("t", null as never, 8, 8), /got H 8, W 8 and null;/);
  assert.match(svgHeatmap("t", data, 8, 8), /^<svg [^]*<\/svg>$/);
});
