// Bad inputs to the metrics are MetricInputErrors that name the argument, the sample and the value and
// say what to do; the edge cases where scikit-learn returns a value (empty input, one sample) match it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { confusionMatrix, regressionMetrics, MetricInputError } from "../../../kernel/src/eo/index.js";

/** Asserts that `fn` throws a MetricInputError whose message matches every pattern; returns it. */
function throwsMetric(fn: () => unknown, ...patterns: RegExp[]): MetricInputError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof MetricInputError, `expected a MetricInputError, got ${String(err)}`);
  for (const p of patterns) assert.match(err.message, p);
  return err;
}

// scikit-learn 1.2 (Debian's python3-sklearn) on the edge cases; NaN comes back as null (JSON has no NaN).
const SKLEARN = String.raw`
import json, warnings
import numpy as np
from sklearn import metrics as m
warnings.simplefilter("ignore")
f = lambda x: None if np.isnan(x) else float(x)
e = np.array([], dtype=int)
L = [0, 1, 2]
out = {"empty": {
  "cm": m.confusion_matrix(e, e, labels=L).tolist(),
  "accuracy": f(m.accuracy_score(e, e)),
  "kappa": f(m.cohen_kappa_score(e, e, labels=L)),
  "precision": m.precision_recall_fscore_support(e, e, labels=L, zero_division=0)[0].tolist(),
  "recall": m.precision_recall_fscore_support(e, e, labels=L, zero_division=0)[1].tolist(),
  "f1": m.precision_recall_fscore_support(e, e, labels=L, zero_division=0)[2].tolist(),
  "macroF1": f(m.f1_score(e, e, labels=L, average="macro", zero_division=0)),
  "weightedF1": f(m.f1_score(e, e, labels=L, average="weighted", zero_division=0)),
  "macroPrecision": f(m.precision_score(e, e, labels=L, average="macro", zero_division=0)),
  "macroRecall": f(m.recall_score(e, e, labels=L, average="macro", zero_division=0)),
  "meanIoU": f(m.jaccard_score(e, e, labels=L, average="macro", zero_division=0)),
}}
out["one"] = [{"rmse": f(np.sqrt(m.mean_squared_error(y, p))), "mae": f(m.mean_absolute_error(y, p)), "r2": f(m.r2_score(y, p))}
              for y, p in [([1.0], [2.0]), ([1.0], [1.0])]]
out["three"] = {"rmse": f(np.sqrt(m.mean_squared_error([1, 2, 3], [1, 2, 10]))), "mae": f(m.mean_absolute_error([1, 2, 3], [1, 2, 10])), "r2": f(m.r2_score([1, 2, 3], [1, 2, 10]))}
print(json.dumps(out))
`;
type Num = number | null;
const ref = JSON.parse(execFileSync("/usr/bin/python3", ["-c", SKLEARN], { encoding: "utf8" })) as {
  empty: Record<string, Num> & { cm: number[][]; precision: number[]; recall: number[]; f1: number[] };
  one: Record<string, Num>[];
  three: Record<string, Num>;
};
const nan = (v: Num): number => (v === null ? NaN : v);
function close(got: number, want: Num, what: string): void {
  const w = nan(want);
  if (Number.isNaN(w)) assert.ok(Number.isNaN(got), `${what}: ai4eo ${got}, scikit-learn NaN`);
  else assert.ok(Math.abs(got - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${what}: ai4eo ${got}, scikit-learn ${w}`);
}

test("confusionMatrix: a huge label without numClasses is an error naming the sample, not an out-of-memory crash", () => {
  const t0 = Date.now();
  const e = throwsMetric(() => confusionMatrix([0, 1e9], [0, 1]), /yTrue\[1\] is 1000000000, above 4095/, /pass ignore: 1000000000/, /pass numClasses/);
  assert.ok(Date.now() - t0 < 1000, "must fail fast, without allocating the matrix");
  assert.deepEqual(e.details, { argument: "yTrue", index: 1, value: 1e9 });
  // the typical mistake: uint16 nodata 65535 left in the labels
  throwsMetric(() => confusionMatrix(new Uint16Array([0, 1, 65535]), new Uint16Array([0, 1, 1])),
    /yTrue\[2\] is 65535, above 4095/, /K would be 65536 and the K×K matrix 34 GB/, /common nodata value\), pass ignore: 65535/);
  throwsMetric(() => confusionMatrix([0, 1], [0, 1e6]), /yPred\[1\] is 1000000, above 4095/);
  throwsMetric(() => confusionMatrix([0, 4096], [0, 1]), /yTrue\[1\] is 4096, above 4095/);
  const ok = confusionMatrix(new Uint16Array([0, 1, 65535]), new Uint16Array([0, 1, 1]), { ignore: 65535 });
  assert.equal(ok.k, 2);
  assert.equal(ok.total, 2);
});

test("confusionMatrix: numClasses must be a positive integer up to 4096", () => {
  throwsMetric(() => confusionMatrix([0], [0], { numClasses: 1e6 }), /numClasses is 1000000, above the limit of 4096 classes/, /8000 GB/);
  throwsMetric(() => confusionMatrix([0], [0], { numClasses: 4097 }), /numClasses is 4097, above the limit of 4096/);
  throwsMetric(() => confusionMatrix([0], [0], { numClasses: 0 }), /numClasses is 0; pass the number of classes K, an integer in 1\.\.4096/);
  throwsMetric(() => confusionMatrix([0], [0], { numClasses: 2.5 }), /numClasses is 2\.5;/);
  throwsMetric(() => confusionMatrix([0], [0], { numClasses: "3" as never }), /numClasses is the string "3";/);
  // out of range for the given numClasses: the message the tests already relied on, with the argument named
  throwsMetric(() => confusionMatrix([0, 1], [0, 5], { numClasses: 3 }),
    /Sample 1: labels must be integers in 0\.\.2, got true 1, predicted 5: yPred\[1\] = 5 is not a class index \(numClasses is 3\)/, /numClasses: 6 or more, or ignore: 5/);
});

test("confusionMatrix: labels that are not class indices name the first offending sample", () => {
  throwsMetric(() => confusionMatrix(["0", "1"] as never, ["0", "1"] as never), /yTrue\[0\] is the string "0", not a number/, /convert with Number\(\)/, /classNames/);
  throwsMetric(() => confusionMatrix([0, 1], [true, true] as never), /yPred\[0\] is true, not a number/);
  throwsMetric(() => confusionMatrix([0, 2.5], [0, 1]), /yTrue\[1\] is 2\.5, not an integer class index/, /not scores or probabilities/);
  throwsMetric(() => confusionMatrix([0, 1], new Float32Array([0, 0.75])), /yPred\[1\] is 0\.75, not an integer class index/);
  throwsMetric(() => confusionMatrix([0, 1, NaN], [0, 1, 1]), /yTrue\[2\] is NaN\. Pass ignore: NaN/);
  throwsMetric(() => confusionMatrix([0, 1], [NaN, 1], { numClasses: 2 }), /yPred\[0\] is NaN\. Pass ignore: NaN/);
  assert.equal(confusionMatrix([0, 1, NaN], [0, 1, 1], { ignore: NaN }).total, 2);
  throwsMetric(() => confusionMatrix([[0, 1], [1, 0]] as never, [[0, 1], [1, 1]] as never), /yTrue\[0\] is an array of 2 \(\[0, 1\]\), not a number/, /flatten/);
  throwsMetric(() => confusionMatrix([0, -1], [0, 1]), /yTrue\[1\] is -1, a negative label/, /ignore: -1/);
  throwsMetric(() => confusionMatrix([0, Infinity], [0, 1]), /yTrue\[1\] is Infinity, not a class index/);
  throwsMetric(() => confusionMatrix([0, null] as never, [0, 1]), /yTrue\[1\] is null, not a number/, /ignore: NaN/);
  // the first offending sample, in sample order
  throwsMetric(() => confusionMatrix([0, 1, 7, 2.5], [0, 1, 1, 1], { numClasses: 3 }), /yTrue\[2\] = 7/);
});

test("confusionMatrix: classNames must be one string per class", () => {
  throwsMetric(() => confusionMatrix([0, 1, 2], [0, 1, 2], { classNames: ["a", "b"] }),
    /yTrue\[2\] is 2, but classNames has 2 names \(classes 0\.\.1\)/, /at least 3 names/);
  throwsMetric(() => confusionMatrix([0, 1], [0, 1], { classNames: ["a", "b", "c"], numClasses: 2 }), /classNames has 3 names but numClasses is 2/);
  throwsMetric(() => confusionMatrix([0], [0], { classNames: [10] as never }), /classNames\[0\] is 10, not a string/);
  throwsMetric(() => confusionMatrix([0], [0], { classNames: [] }), /classNames has 0 names/);
  throwsMetric(() => confusionMatrix([0], [0], { ignore: "255" as never }), /ignore holds the string "255"/);
});

test("confusionMatrix and regressionMetrics: arguments must be arrays or typed arrays of numbers", () => {
  throwsMetric(() => confusionMatrix([0, 1], undefined as never), /confusionMatrix: yPred is undefined, not an array of numbers/);
  throwsMetric(() => confusionMatrix(undefined as never, [0, 1]), /confusionMatrix: yTrue is undefined/);
  throwsMetric(() => confusionMatrix("01" as never, "01" as never), /yTrue is the string "01", not an array/);
  throwsMetric(() => confusionMatrix(new BigInt64Array(2) as never, [0, 1]), /yTrue is a BigInt64Array/);
  throwsMetric(() => confusionMatrix([0, 1], [0, 1], { sampleWeight: [1, "2"] as never }), /sampleWeight\[1\] is the string "2", not a number/);
  throwsMetric(() => regressionMetrics([1, 2], undefined as never), /regressionMetrics: yPred is undefined, not an array of numbers/);
  throwsMetric(() => regressionMetrics(null as never, [1, 2]), /regressionMetrics: yTrue is null/);
  throwsMetric(() => regressionMetrics(["1", "2"] as never, [1, 3]), /yTrue\[0\] is the string "1", not a number/);
  throwsMetric(() => regressionMetrics([1, 2], [1, null] as never), /yPred\[1\] is null, not a number/, /use NaN for a missing value/);
  throwsMetric(() => regressionMetrics([1, 2], [1, 2], { std: [1, "1"] as never }), /std\[1\] is the string "1"/);
  throwsMetric(() => regressionMetrics([1, 2], [1, 5], { mask: ["1", "0"] as never }), /mask\[0\] is the string "1", not a number or boolean/);
  // typed arrays and plain arrays still work
  assert.equal(regressionMetrics(new Float32Array([1, 2]), [1, 2], { mask: new Uint8Array([1, 1]) }).summary.samples, 2);
});

test("regressionMetrics: a NaN σ leaves the sample in RMSE, MAE and R²; the σ metrics use the finite σ", () => {
  const m = regressionMetrics([1, 2, 3], [1, 2, 10], { std: [1, NaN, NaN] }).summary;
  assert.equal(m.samples, 3);
  close(m.rmse, ref.three.rmse!, "rmse");
  close(m.mae, ref.three.mae!, "mae");
  close(m.r2, ref.three.r2!, "r2");
  assert.equal(m.coverage95, 1);
  assert.equal(m.meanPredictedStd, 1);
  const half = regressionMetrics([0, 0, 0, 0], [0, 3, 0, 1], { std: [1, 1, Infinity, NaN] }).summary;
  assert.equal(half.coverage95, 1 / 2); // over samples 0 and 1
  assert.equal(half.meanPredictedStd, 1);
  const none = regressionMetrics([1, 2], [1, 2], { std: [NaN, NaN] }).summary;
  assert.ok(Number.isNaN(none.coverage95!) && Number.isNaN(none.meanPredictedStd!));
  assert.equal(none.samples, 2);
  const e = throwsMetric(() => regressionMetrics([1, 2, 3], [1.1, 2.1, 3.1], { std: [0.5, -1, 1] }), /std\[1\] is -1, a negative standard deviation/, /Pass σ ≥ 0/);
  assert.deepEqual(e.details, { argument: "std", index: 1, value: -1 });
  throwsMetric(() => regressionMetrics([1, 2], [1, 2], { std: [1, -Infinity] }), /std\[1\] is -Infinity, a negative/);
  // a negative σ on a sample that does not count (masked out) is not checked
  assert.equal(regressionMetrics([1, 2], [1, 2], { std: [1, -1], mask: [1, 0] }).summary.samples, 1);
});

test("confusionMatrix on no samples (empty, all ignored) equals scikit-learn on empty input; K must then be given", () => {
  const want = ref.empty;
  const cases = [
    confusionMatrix([], [], { numClasses: 3 }),
    confusionMatrix([255, 255], [0, 1], { ignore: 255, numClasses: 3 }),
    // zero total weight: the same all-zero matrix (scikit-learn's accuracy_score raises ZeroDivisionError here)
    confusionMatrix([0, 1], [0, 1], { classNames: ["a", "b", "c"], sampleWeight: [0, 0] }),
  ];
  for (const [i, cm] of cases.entries()) {
    assert.deepEqual(cm.toArray(), want.cm);
    const s = cm.summary();
    close(s.overallAccuracy, want.accuracy!, `case ${i} accuracy`);
    close(s.kappa, want.kappa!, `case ${i} kappa`);
    close(s.macroF1, want.macroF1!, `case ${i} macro F1`);
    close(s.weightedF1, want.weightedF1!, `case ${i} weighted F1`);
    close(s.macroPrecision, want.macroPrecision!, `case ${i} macro precision`);
    close(s.macroRecall, want.macroRecall!, `case ${i} macro recall`);
    close(s.meanIoU, want.meanIoU!, `case ${i} mIoU`);
    cm.perClass().forEach((pc, k) => {
      close(pc.precision, want.precision[k]!, `precision[${k}]`);
      close(pc.recall, want.recall[k]!, `recall[${k}]`);
      close(pc.f1, want.f1[k]!, `f1[${k}]`);
    });
    assert.equal(s.samples, 0);
  }
  assert.ok(Number.isNaN(cases[0]!.overallAccuracy));
  throwsMetric(() => confusionMatrix([], []), /Cannot infer the number of classes: yTrue and yPred are empty\. Pass numClasses/);
  throwsMetric(() => confusionMatrix([255, 255], [0, 1], { ignore: 255 }), /all 2 samples are ignored\. Pass numClasses/);
});

test("sample weights must be finite and non-negative (scikit-learn 1.2 returns NaN for a NaN weight)", () => {
  const e = throwsMetric(() => confusionMatrix([0, 1], [0, 1], { sampleWeight: [1, NaN] }), /sampleWeight\[1\] is NaN\. Weights must be finite and ≥ 0/);
  assert.deepEqual(e.details, { argument: "sampleWeight", index: 1, value: NaN });
  throwsMetric(() => confusionMatrix([0, 1, 1], [0, 1, 0], { sampleWeight: [1, 1, -1] }), /sampleWeight\[2\] is -1, a negative weight/);
  throwsMetric(() => confusionMatrix([0, 1], [0, 1], { sampleWeight: [1, Infinity] }), /sampleWeight\[1\] is Infinity, not a finite weight/);
  // the weight of an ignored sample is not looked at
  assert.equal(confusionMatrix([0, 255], [0, 1], { sampleWeight: [2, NaN], ignore: 255 }).total, 2);
});

test("regressionMetrics: one sample gives scikit-learn's NaN R²; no valid sample is an error (scikit-learn raises too)", () => {
  [[[1], [2]], [[1], [1]]].forEach(([y, p], i) => {
    const m = regressionMetrics(y!, p!).summary;
    close(m.rmse, ref.one[i]!.rmse!, `case ${i} rmse`);
    close(m.mae, ref.one[i]!.mae!, `case ${i} mae`);
    close(m.r2, ref.one[i]!.r2!, `case ${i} r2`);
    assert.ok(Number.isNaN(m.r2));
  });
  // two samples, one of them NaN: one valid sample, so R² is NaN too
  assert.ok(Number.isNaN(regressionMetrics([1, NaN], [2, 2]).summary.r2));
  throwsMetric(() => regressionMetrics([], []), /No valid samples: yTrue and yPred are empty/);
  throwsMetric(() => regressionMetrics([NaN, 1], [1, 2], { mask: [1, 0] }), /No valid samples among the 2: every sample is masked out or has a non-finite truth or prediction/);
});
