// Metrics equal scikit-learn's (Debian's python3-sklearn) on the same predictions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { confusionMatrix, regressionMetrics, MetricInputError } from "../../../kernel/src/eo/index.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Labels with a given accuracy: the truth, or a random other class. */
function labels(n: number, k: number, acc: number, seed: number, skew = false): { y: number[]; p: number[] } {
  const r = lcg(seed);
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = skew ? Math.min(k - 1, Math.floor(r() * r() * k)) : Math.floor(r() * k);
    y.push(t);
    p.push(r() < acc ? t : Math.floor(r() * k));
  }
  return { y, p };
}

interface Cls { kind: "classification"; y: number[]; p: number[]; k: number; w?: number[] }
interface Reg { kind: "regression"; y: number[]; p: number[] }

const a = labels(2000, 5, 0.7, 1);
const b = labels(500, 4, 0.5, 2, true);
const r = lcg(3);
const wts = b.y.map(() => 0.5 + r());
// class 3 never predicted and class 4 absent from the truth: zero-division paths
const c = { y: [0, 1, 2, 2, 1, 0, 3, 3], p: [0, 2, 2, 2, 1, 1, 0, 4] };
const cases: (Cls | Reg)[] = [
  { kind: "classification", ...a, k: 5 },
  { kind: "classification", ...b, k: 4, w: wts },
  { kind: "classification", ...c, k: 5 },
];
const rr = lcg(4);
const yr = Array.from({ length: 3000 }, () => 50 * rr());
const pr = yr.map((v) => v + 5 * (rr() - 0.4));
cases.push({ kind: "regression", y: yr, p: pr });
cases.push({ kind: "regression", y: [2, 2, 2], p: [2, 2, 2] });
cases.push({ kind: "regression", y: [2, 2, 2], p: [1, 2, 3] });

const ref = JSON.parse(execFileSync("/usr/bin/python3", ["test/eo/metrics/sklearn_reference.py"], { input: JSON.stringify(cases), encoding: "utf8" })) as Record<string, unknown>[];

function close(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ai4eo ${got}, scikit-learn ${want}`);
}

cases.forEach((cs, i) => {
  if (cs.kind !== "classification") return;
  test(`classification case ${i} (n=${cs.y.length}, K=${cs.k}${cs.w ? ", weighted" : ""}) equals scikit-learn`, () => {
    const want = ref[i] as Record<string, number & number[] & number[][]>;
    const cm = confusionMatrix(cs.y, cs.p, { numClasses: cs.k, sampleWeight: cs.w });
    cm.toArray().forEach((row, t) => row.forEach((v, p) => close(v, want.cm[t]![p]!, `cm[${t}][${p}]`)));
    const s = cm.summary();
    close(s.overallAccuracy, want.accuracy, "accuracy");
    close(s.kappa, want.kappa, "kappa");
    close(s.macroF1, want.macroF1, "macro F1");
    close(s.weightedF1, want.weightedF1, "weighted F1");
    close(s.macroPrecision, want.macroPrecision, "macro precision");
    close(s.macroRecall, want.macroRecall, "macro recall");
    close(s.meanIoU, want.meanIoU, "mIoU");
    cm.perClass().forEach((pc, k) => {
      close(pc.precision, want.precision[k]!, `precision[${k}]`);
      close(pc.recall, want.recall[k]!, `recall[${k}]`);
      close(pc.f1, want.f1[k]!, `f1[${k}]`);
      close(pc.iou, want.iou[k]!, `iou[${k}]`);
      if (!cs.w) close(pc.support, want.support[k]!, `support[${k}]`);
    });
  });
});

test("regression metrics equal scikit-learn (incl. constant targets)", () => {
  cases.forEach((cs, i) => {
    if (cs.kind !== "regression") return;
    const want = ref[i] as Record<string, number>;
    const m = regressionMetrics(cs.y, cs.p).summary;
    close(m.rmse, want.rmse!, `case ${i} rmse`);
    close(m.mae, want.mae!, `case ${i} mae`);
    close(m.r2, want.r2!, `case ${i} r2`);
  });
});

test("coverage, masks, ignore values and tables", () => {
  const m = regressionMetrics([0, 1, 2, 10, NaN], [0.5, 1, 3, 0, 1], { std: [1, 1, 0.1, 1, 1], mask: [1, 1, 1, 0, 1] }).summary;
  assert.equal(m.samples, 3);
  assert.equal(m.coverage95, 2 / 3);
  close(m.meanPredictedStd!, 2.1 / 3, "mean std");
  const cm = confusionMatrix([0, 1, 255, 1], [0, 1, 1, 255], { numClasses: 2, ignore: 255, classNames: ["water", "land"] });
  assert.equal(cm.total, 2);
  const t = cm.toTable();
  assert.deepEqual(t.columnNames(), ["class", "index", "precision", "recall", "f1", "iou", "support"]);
  assert.deepEqual(t.array("class"), ["water", "land"]);
  assert.deepEqual(cm.matrixTable().array("water"), [1, 0]);
  const html = (cm[Symbol.for("Jupyter.display") as never] as unknown as () => Record<string, string>).call(cm)["text/html"]!;
  assert.match(html, /overall accuracy 1\.0000/);
  assert.throws(() => confusionMatrix([0, 1], [0]), (e: unknown) => e instanceof MetricInputError && /yTrue has 2 labels but yPred has 1/.test(e.message));
  assert.throws(() => confusionMatrix([0, 7], [0, 1], { numClasses: 4 }), (e: unknown) => e instanceof MetricInputError && /Sample 1: labels must be integers in 0\.\.3, got true 7/.test(e.message));
  assert.throws(() => regressionMetrics([NaN], [1]), (e: unknown) => e instanceof MetricInputError && /No valid samples/.test(e.message));
});
