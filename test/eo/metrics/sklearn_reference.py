#!/usr/bin/python3
"""scikit-learn reference metrics. Reads JSON cases on stdin, writes JSON results on stdout."""
import json
import sys

import numpy as np
from sklearn import metrics as m

out = []
for c in json.load(sys.stdin):
    if c["kind"] == "classification":
        y, p, k = np.array(c["y"]), np.array(c["p"]), c["k"]
        w = np.array(c["w"]) if c.get("w") is not None else None
        labels = list(range(k))
        prec, rec, f1, sup = m.precision_recall_fscore_support(y, p, labels=labels, zero_division=0, sample_weight=w)
        out.append({
            "cm": m.confusion_matrix(y, p, labels=labels, sample_weight=w).tolist(),
            "accuracy": m.accuracy_score(y, p, sample_weight=w),
            "kappa": m.cohen_kappa_score(y, p, labels=labels, sample_weight=w),
            "precision": prec.tolist(), "recall": rec.tolist(), "f1": f1.tolist(), "support": sup.tolist(),
            "macroF1": m.f1_score(y, p, labels=labels, average="macro", zero_division=0, sample_weight=w),
            "weightedF1": m.f1_score(y, p, labels=labels, average="weighted", zero_division=0, sample_weight=w),
            "macroPrecision": m.precision_score(y, p, labels=labels, average="macro", zero_division=0, sample_weight=w),
            "macroRecall": m.recall_score(y, p, labels=labels, average="macro", zero_division=0, sample_weight=w),
            "iou": m.jaccard_score(y, p, labels=labels, average=None, zero_division=0, sample_weight=w).tolist(),
            "meanIoU": m.jaccard_score(y, p, labels=labels, average="macro", zero_division=0, sample_weight=w),
        })
    else:
        y, p = np.array(c["y"]), np.array(c["p"])
        out.append({"rmse": float(np.sqrt(m.mean_squared_error(y, p))), "mae": m.mean_absolute_error(y, p), "r2": m.r2_score(y, p)})
json.dump(out, sys.stdout)
