#!/usr/bin/python3
"""Reference computations for the uncertainty tests: scikit-learn and NumPy on the inputs given as
JSON on stdin; prints JSON results. Each key of the input is one job."""
import json
import sys

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score, roc_curve

job = json.load(sys.stdin)
out = {}

if "calibration" in job:
    c = job["calibration"]
    p = np.array(c["probs"], dtype=np.float64)
    y = np.array(c["labels"])
    k = p.shape[1]
    out["log_loss"] = log_loss(y, p, labels=list(range(k)))
    # Top-label ECE/MCE with scikit-learn's binning rules (bins (lo, hi], quantile edges by percentile).
    conf = p.max(axis=1)
    acc = (p.argmax(axis=1) == y).astype(float)
    for strategy in ("uniform", "quantile"):
        nb = c["bins"]
        edges = np.linspace(0, 1, nb + 1) if strategy == "uniform" else np.percentile(conf, np.linspace(0, 100, nb + 1))
        ids = np.searchsorted(edges[1:-1], conf)
        ece, mce = 0.0, 0.0
        for b in range(nb):
            m = ids == b
            if m.any():
                gap = abs(acc[m].mean() - conf[m].mean())
                ece += m.mean() * gap
                mce = max(mce, gap)
        out["ece_" + strategy] = ece
        out["mce_" + strategy] = mce
    # Multi-class Brier: direct.
    onehot = np.eye(k)[y]
    out["brier_multi"] = float(((p - onehot) ** 2).sum(axis=1).mean())

if "binary" in job:
    b = job["binary"]
    p1 = np.array(b["p1"], dtype=np.float64)
    y = np.array(b["labels"])
    out["brier_binary"] = brier_score_loss(y, p1)
    for strategy in ("uniform", "quantile"):
        pt, pp = calibration_curve(y, p1, n_bins=b["bins"], strategy=strategy)
        out["curve_" + strategy] = {"prob_true": pt.tolist(), "prob_pred": pp.tolist()}

if "ood" in job:
    o = job["ood"]
    s_in = np.array(o["in"], dtype=np.float64)
    s_out = np.array(o["out"], dtype=np.float64)
    y = np.r_[np.zeros(len(s_in)), np.ones(len(s_out))]
    s = np.r_[s_in, s_out]
    out["auroc"] = roc_auc_score(y, s)
    out["aupr_out"] = average_precision_score(y, s)
    out["aupr_in"] = average_precision_score(1 - y, -s)
    fpr, tpr, _ = roc_curve(1 - y, -s, drop_intermediate=False)
    out["fpr95"] = float(fpr[np.searchsorted(tpr, 0.95, side="left")])

if "samples" in job:
    # Entropy / expected entropy / mutual information / variance, directly from S x N x K samples.
    smp = np.array(job["samples"], dtype=np.float64)
    mean = smp.mean(axis=0)
    def H(q):
        with np.errstate(divide="ignore", invalid="ignore"):
            return -np.where(q > 0, q * np.log(q), 0.0).sum(axis=-1)
    out["predictive_entropy"] = H(mean).tolist()
    out["expected_entropy"] = H(smp).mean(axis=0).tolist()
    out["mutual_information"] = (H(mean) - H(smp).mean(axis=0)).tolist()
    out["variance"] = smp.var(axis=0).tolist()

json.dump(out, sys.stdout)
