import { test } from "node:test";
import assert from "node:assert/strict";
import {
  averagePrecision, energyScore, entropyScore, evaluateOod, fprAtTpr, maxSoftmaxScore, rocAuc,
} from "../../../kernel/src/eo/uncertainty/index.js";
import { reference } from "./reference.js";
import { softmaxRows, synthetic } from "./synthetic.js";

const close = (a: number, b: number, tol = 1e-12, what = "") => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

// In-distribution: confident logits; OOD: flatter logits. Scores rounded to create ties.
const idLogits = synthetic(300, 5, 3, 3).logits;
const oodLogits = synthetic(200, 5, 4, 0.8).logits;
const idProbs = softmaxRows(idLogits);
const oodProbs = softmaxRows(oodLogits);

test("OOD scores: max softmax, entropy and energy have the textbook values", () => {
  close(maxSoftmaxScore([[0.7, 0.2, 0.1]])[0]!, 0.3, 1e-15);
  close(entropyScore([[0.5, 0.5, 0]])[0]!, Math.log(2), 1e-15);
  close(energyScore([[0, 0]])[0]!, -Math.log(2), 1e-15);
  close(energyScore([[1, 3]], 2)[0]!, -2 * Math.log(Math.exp(0.5) + Math.exp(1.5)), 1e-12);
});

test("AUROC, AUPR-in/out and FPR@95TPR equal scikit-learn on the same scores (with ties)", () => {
  for (const [name, f] of [["msp", maxSoftmaxScore], ["entropy", entropyScore]] as const) {
    const sIn = Array.from(f(idProbs), (v) => Math.round(v * 50) / 50);
    const sOut = Array.from(f(oodProbs), (v) => Math.round(v * 50) / 50);
    const ref = reference({ ood: { in: sIn, out: sOut } });
    const ev = evaluateOod(sIn, sOut, name);
    close(ev.auroc, ref.auroc, 1e-12, `${name} AUROC`);
    close(ev.auprOut, ref.aupr_out, 1e-12, `${name} AUPR-out`);
    close(ev.auprIn, ref.aupr_in, 1e-12, `${name} AUPR-in`);
    close(ev.fpr95, ref.fpr95, 1e-12, `${name} FPR95`);
    assert.ok(ev.auroc > 0.7, `${name} separates the sets (AUROC ${ev.auroc})`);
  }
  const e = energyScore(idLogits), eo = energyScore(oodLogits);
  const ref = reference({ ood: { in: Array.from(e), out: Array.from(eo) } });
  close(rocAuc(eo, e), ref.auroc, 1e-12, "energy AUROC");
  close(averagePrecision(eo, e), ref.aupr_out, 1e-12, "energy AP");
  close(fprAtTpr(e, eo), ref.fpr95, 1e-12, "energy FPR95");
});

test("OOD evaluation displays a table and a ROC curve; empty sets are refused", () => {
  const ev = evaluateOod(maxSoftmaxScore(idProbs), maxSoftmaxScore(oodProbs), "max softmax");
  const bundle = (ev as any)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /OOD detection: max softmax[\s\S]*AUROC/);
  assert.match(bundle["text/html"], /<svg[\s\S]*polyline/);
  assert.throws(() => evaluateOod([], [0.1]), /needs both sets: got 0 in-distribution and 1 OOD scores/);
});
