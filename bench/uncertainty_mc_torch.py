#!/usr/bin/python3
"""Reference for bench/uncertainty-mc-dropout.mts: what a Python user would write — GDAL reads the
Landsat scene, the same 8x8 non-overlapping patch grid (last row/column flush with the edge), the
shipped classifier's torch weights, 20 MC-dropout passes (Dropout in train mode), mean/entropy/MI.
Prints the median wall time of `repeats` runs as JSON."""
import json
import os
import sys
import time

import numpy as np
import torch
from osgeo import gdal

ROOT = os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, os.path.join(ROOT, "data", "scripts"))
from olinda_models import PatchClassifier  # noqa: E402

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
S = int(sys.argv[1]) if len(sys.argv) > 1 else 20
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
card = json.load(open(os.path.join(ROOT, "data/models/olinda-patch-classifier.card.json")))
mean = np.array(card["normalization"]["mean"], dtype=np.float32)[:, None, None]
std = np.array(card["normalization"]["std"], dtype=np.float32)[:, None, None]
model = PatchClassifier()
model.load_state_dict(torch.load(os.path.join(ROOT, "data/models/olinda-patch-classifier.pt")))
model.eval()
model.drop.train()


def starts(size, t):
    s = list(range(0, size - t + 1, t))
    if s[-1] + t < size:
        s.append(size - t)
    return s


def run():
    t0 = time.perf_counter()
    ds = gdal.Open(os.path.join(ROOT, "data/olinda/L7_ETMs.tif"))
    img = (ds.ReadAsArray().astype(np.float32) - mean) / std
    H, W = img.shape[1:]
    patches = np.stack([img[:, y:y + 8, x:x + 8] for y in starts(H, 8) for x in starts(W, 8)])
    x = torch.from_numpy(patches)
    with torch.no_grad():
        probs = torch.stack([torch.softmax(model(x), dim=1) for _ in range(S)])
    m = probs.mean(0)
    H_ = -(m * torch.log(m.clamp_min(1e-30))).sum(1)
    EH = -(probs * torch.log(probs.clamp_min(1e-30))).sum(2).mean(0)
    mi = (H_ - EH).numpy()
    return time.perf_counter() - t0, float(mi.mean()), len(patches)


times = []
for _ in range(repeats):
    t, mi, n = run()
    times.append(t)
print(json.dumps({"median_s": float(np.median(times)), "mean_mi": mi, "patches": n}))
