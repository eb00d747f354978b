import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AlphaRangeError, CalibrationSplitTooSmallError, conformalClassifier, conformalQuantileRegressor, conformalRegressor,
} from "../../../kernel/src/eo/uncertainty/index.js";
import { normalRandom, seededRandom } from "../../../kernel/src/eo/uncertainty/random.js";
import { synthetic } from "./synthetic.js";

/**
 * Binomial bounds for split-conformal coverage: conditional on the calibration split, coverage is
 * Beta(k, n+1−k) with k = ⌈(n+1)(1−α)⌉; the test split adds binomial noise. ±4σ around the mean.
 */
function bounds(alpha: number, nCal: number, nTest: number): [number, number] {
  const k = Math.ceil((nCal + 1) * (1 - alpha));
  const mean = k / (nCal + 1);
  const vBeta = (k * (nCal + 1 - k)) / ((nCal + 1) ** 2 * (nCal + 2));
  const sd = Math.sqrt(vBeta + (mean * (1 - mean)) / nTest);
  return [mean - 4 * sd, mean + 4 * sd];
}

const cal = synthetic(1000, 6, 31);
const tst = synthetic(4000, 6, 32);

for (const method of ["lac", "aps"] as const) {
  test(`${method.toUpperCase()} sets cover within binomial bounds for several α and shrink as α grows`, () => {
    let prevSize = Infinity;
    for (const alpha of [0.05, 0.1, 0.2, 0.3]) {
      const cp = conformalClassifier(cal.probs, cal.labels, { alpha, method });
      const ev = cp.evaluate(tst.probs, tst.labels);
      const [lo, hi] = bounds(alpha, 1000, 4000);
      assert.ok(ev.coverage >= lo && ev.coverage <= hi, `α=${alpha}: coverage ${ev.coverage} outside [${lo}, ${hi}]`);
      assert.ok(ev.meanSize < prevSize, `α=${alpha}: mean set size ${ev.meanSize} should be below ${prevSize}`);
      prevSize = ev.meanSize;
      const sizes = cp.setSizes(tst.probs);
      assert.equal(sizes.reduce((a, b) => a + b, 0) / sizes.length, ev.meanSize);
    }
    const cp = conformalClassifier(cal.probs, cal.labels, { alpha: 0.1, method });
    cp.evaluate(tst.probs, tst.labels);
    const bundle = (cp as any)[Symbol.for("Jupyter.display")]();
    assert.match(bundle["text/plain"], new RegExp(`method\\s+${method.toUpperCase()}[\\s\\S]*coverage\\s+0\\.[89]`));
  });
}

test("per-pixel set-size map of a segmentation output is a raster with the georeference", () => {
  const cp = conformalClassifier(cal.probs, cal.labels, { alpha: 0.1 });
  // 1×6×2×3 probabilities: pixel p gets test row p's distribution.
  const P = 6, K = 6;
  const data = new Float32Array(K * P);
  for (let p = 0; p < P; p++) for (let c = 0; c < K; c++) data[c * P + p] = tst.probs[p]![c]!;
  const map = cp.setSizeMap({ data, dims: [1, K, 2, 3] }, { transform: [500000, 30, 0, 9000000, 0, -30], crs: { epsg: 32725 } });
  assert.equal(map.width, 3);
  assert.equal(map.height, 2);
  assert.deepEqual(map.crs, { epsg: 32725 });
  assert.deepEqual(Array.from(map.band(1)), Array.from(cp.setSizes(tst.probs.slice(0, P))));
});

test("absolute-residual intervals and CQR cover within binomial bounds on heteroscedastic data", () => {
  const rand = seededRandom(5);
  const norm = normalRandom(rand);
  const make = (n: number) => {
    const x = Array.from({ length: n }, () => rand() * 4);
    const y = x.map((v) => 2 * v + (0.2 + v) * norm()); // noise sd grows with x
    return { x, y, pred: x.map((v) => 2 * v), lo: x.map((v) => 2 * v - 1.2816 * (0.2 + v) * 0.8), hi: x.map((v) => 2 * v + 1.2816 * (0.2 + v) * 0.8) };
  };
  const c = make(1000), t = make(4000);
  for (const alpha of [0.05, 0.2]) {
    const [lo, hi] = bounds(alpha, 1000, 4000);
    const abs = conformalRegressor(c.pred, c.y, { alpha });
    const e1 = abs.evaluate(t.pred, t.y);
    assert.ok(e1.coverage >= lo && e1.coverage <= hi, `abs α=${alpha}: ${e1.coverage}`);
    const cqr = conformalQuantileRegressor({ lower: c.lo, upper: c.hi }, c.y, { alpha });
    const e2 = cqr.evaluate({ lower: t.lo, upper: t.hi }, t.y);
    assert.ok(e2.coverage >= lo && e2.coverage <= hi, `cqr α=${alpha}: ${e2.coverage}`);
    if (alpha === 0.2) {
      // CQR adapts: narrower where noise is small, wider where large; the absolute method is constant width.
      const iv = cqr.predict({ lower: [0, 6], upper: [1, 9] });
      assert.ok(iv.upper[1]! - iv.lower[1]! > iv.upper[0]! - iv.lower[0]!);
    }
  }
});

test("bad input: α outside (0,1) and a calibration split too small for α name the numbers", () => {
  assert.throws(() => conformalClassifier(cal.probs, cal.labels, { alpha: 1.5 }),
    (e: unknown) => e instanceof AlphaRangeError && /alpha must be in the open interval \(0, 1\), got 1\.5/.test(e.message));
  assert.throws(() => conformalRegressor([1, 2], [1, 2], { alpha: 0 }), AlphaRangeError);
  assert.throws(() => conformalClassifier(cal.probs.slice(0, 50), cal.labels.slice(0, 50), { alpha: 0.01 }),
    (e: unknown) => e instanceof CalibrationSplitTooSmallError && e.n === 50 && e.needed === 99 &&
      /has 50 samples, too few for alpha=0\.01: split conformal needs at least 99/.test(e.message));
  assert.throws(() => conformalClassifier(cal.probs, cal.labels.slice(1)), /calibration labels has 999 entries but the predictions have 1000 rows/);
  assert.throws(() => conformalRegressor([1, 2, 3], [1, 2]), /calibration targets has 2 entries but 3 are needed/);
});
