#!/usr/bin/python3
"""NumPy reference of deletion/insertion curves and their AUC for the band-linear fixture model
(logits = W @ mean_hw(x) + b), written independently of ai4eo. JSON on stdin, JSON on stdout."""
import json
import sys

import numpy as np

W = np.array([[1.0, -2.0, 0.5, 0.0], [0.0, 1.0, 1.0, -1.0], [2.0, 0.0, 0.0, 3.0]])
B = np.array([0.1, 0.0, -0.1])

job = json.load(sys.stdin)
x = np.array(job["x"], dtype=np.float64)          # N x C x H x W
attr = np.array(job["attr"], dtype=np.float64)    # N x H x W
targets = job["targets"]
steps = job["steps"]
N, C, H, Wd = x.shape
P = H * Wd


def box_blur(img, r):
    pad = np.pad(img, ((0, 0), (0, 0), (r, r)), mode="edge")
    tmp = np.mean([pad[:, :, d:d + Wd] for d in range(2 * r + 1)], axis=0)
    pad = np.pad(tmp, ((0, 0), (r, r), (0, 0)), mode="edge")
    return np.mean([pad[:, d:d + H, :] for d in range(2 * r + 1)], axis=0)


def score(img, t):
    return float(W[t] @ img.reshape(C, -1).mean(axis=1) + B[t])


out = {}
for kind in ("deletion", "insertion"):
    aucs, curves = [], []
    for n in range(N):
        xi = x[n]
        base = np.zeros_like(xi) if kind == "deletion" else box_blur(xi, max(1, int(np.floor(min(H, Wd) / 16 + 0.5))))
        order = np.lexsort((np.arange(P), -attr[n].ravel()))  # descending attribution, ties by index
        fr, sc = [], []
        for s in range(steps + 1):
            k = int(np.floor(s / steps * P + 0.5))
            img = (xi if kind == "deletion" else base).reshape(C, P).copy()
            src = (base if kind == "deletion" else xi).reshape(C, P)
            img[:, order[:k]] = src[:, order[:k]]
            fr.append(k / P)
            sc.append(score(img, targets[n]))
        curves.append(sc)
        aucs.append(float(np.trapz(sc, fr)))
    out[kind] = {"auc": aucs, "scores": curves}
json.dump(out, sys.stdout)
