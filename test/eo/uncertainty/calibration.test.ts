import { test } from "node:test";
import assert from "node:assert/strict";
import {
  brierScore, calibrationReport, expectedCalibrationError, LengthMismatchError, maxCalibrationError,
  negativeLogLikelihood, ProbabilityError, reliability,
} from "../../../kernel/src/eo/uncertainty/index.js";
import { reference } from "./reference.js";
import { softmaxRows, synthetic } from "./synthetic.js";

const close = (a: number, b: number, tol = 1e-9, what = "") => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

// An over-confident 4-class model on 600 samples, and a binary one.
const d = synthetic(600, 4, 7);
const probs = softmaxRows(d.logits, 2.5);
const bin = synthetic(400, 2, 11);
const binProbs = softmaxRows(bin.logits, 1.8);
const ref = reference({
  calibration: { probs, labels: d.labels, bins: 10 },
  binary: { p1: binProbs.map((r) => r[1]), labels: bin.labels, bins: 8 },
});

test("ECE and MCE (equal-width and adaptive bins) equal a NumPy reference with scikit-learn's binning", () => {
  close(expectedCalibrationError(probs, d.labels, { bins: 10 }), ref.ece_uniform, 1e-9, "ECE");
  close(expectedCalibrationError(probs, d.labels, { bins: 10, binning: "quantile" }), ref.ece_quantile, 1e-9, "adaptive ECE");
  close(maxCalibrationError(probs, d.labels, { bins: 10 }), ref.mce_uniform, 1e-9, "MCE");
  close(maxCalibrationError(probs, d.labels, { bins: 10, binning: "quantile" }), ref.mce_quantile, 1e-9, "adaptive MCE");
  assert.ok(ref.ece_uniform > 0.05, "the over-confident model is visibly mis-calibrated");
});

test("reliability curve of the positive class equals scikit-learn calibration_curve", () => {
  for (const binning of ["uniform", "quantile"] as const) {
    const r = reliability(binProbs, bin.labels, { bins: 8, binning, target: 1 });
    const c = ref[`curve_${binning}`];
    assert.equal(r.bins.length, c.prob_true.length, binning);
    r.bins.forEach((b, i) => {
      close(b.accuracy, c.prob_true[i], 1e-12, `${binning} prob_true[${i}]`);
      close(b.confidence, c.prob_pred[i], 1e-12, `${binning} prob_pred[${i}]`);
    });
  }
});

test("Brier score and NLL equal scikit-learn (binary Brier is twice brier_score_loss)", () => {
  close(brierScore(binProbs, bin.labels), 2 * ref.brier_binary, 1e-12, "binary Brier");
  close(brierScore(probs, d.labels), ref.brier_multi, 1e-12, "multi-class Brier");
  close(negativeLogLikelihood(probs, d.labels), ref.log_loss, 1e-12, "NLL");
});

test("calibration report collects the metrics and displays a table and a reliability diagram", () => {
  const r = calibrationReport(probs, d.labels, { bins: 10 });
  close(r.ece, ref.ece_uniform);
  close(r.adaptiveEce, ref.ece_quantile);
  close(r.nll, ref.log_loss, 1e-12);
  const b = r[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>;
  const bundle = b.call(r);
  assert.match(bundle["text/plain"]!, /ece\s+0\.\d+/);
  assert.match(bundle["text/html"]!, /<table.*Calibration.*<svg/s);
  assert.match(bundle["image/svg+xml"]!, /Reliability diagram/);
});

test("bad input: probabilities not summing to 1 and mismatched lengths name the numbers", () => {
  assert.throws(() => brierScore([[0.5, 0.5], [0.3, 0.6]], [0, 1]),
    (e: unknown) => e instanceof ProbabilityError && e.row === 1 && /row 1 sums to 0\.900000, not 1/.test(e.message));
  assert.throws(() => negativeLogLikelihood([[2, -1]], [0]), /row 0 class 0 is 2, not a probability.*apply softmax/);
  assert.throws(() => expectedCalibrationError([[0.5, 0.5], [0.2, 0.8]], [0, 1, 1]),
    (e: unknown) => e instanceof LengthMismatchError && e.expected === 2 && e.actual === 3 && /labels has 3 entries but the predictions have 2 rows/.test(e.message));
  assert.throws(() => brierScore([[0.5, 0.5]], [2]), /labels\[0\] is 2, not a class index in 0\.\.1/);
});
