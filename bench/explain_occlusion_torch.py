#!/usr/bin/python3
"""Reference for bench/explain-occlusion.mts: occlusion of the same 64x64 patch (window 8,
stride 4, baseline 0 in normalized units, all bands) with the shipped segmenter in torch, the way a
Python user would batch it (Captum-style: score = mean logit of the target class over the patch,
attribution = mean score drop over the windows covering each pixel). Prints JSON: median time and
the attribution map."""
import json
import os
import sys
import time

import numpy as np
import torch
from osgeo import gdal

ROOT = os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, os.path.join(ROOT, "data", "scripts"))
from olinda_models import Segmenter  # noqa: E402

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
col, row, size, win, stride = 150, 150, 64, 8, 4
card = json.load(open(os.path.join(ROOT, "data/models/olinda-segmenter.card.json")))
mean = np.array(card["normalization"]["mean"], dtype=np.float32)[:, None, None]
std = np.array(card["normalization"]["std"], dtype=np.float32)[:, None, None]
model = Segmenter()
model.load_state_dict(torch.load(os.path.join(ROOT, "data/models/olinda-segmenter.pt")))
model.eval()


def run():
    t0 = time.perf_counter()
    ds = gdal.Open(os.path.join(ROOT, "data/olinda/L7_ETMs.tif"))
    x = torch.from_numpy((ds.ReadAsArray(col, row, size, size).astype(np.float32) - mean) / std)[None]
    with torch.no_grad():
        base = model(x)
        target = int(base.mean(dim=(2, 3)).argmax())
        s0 = float(base[0, target].mean())
        starts = list(range(0, size - win + 1, stride))
        pos = [(y, x0) for y in starts for x0 in starts]
        copies = x.repeat(len(pos), 1, 1, 1)
        for i, (y, x0) in enumerate(pos):
            copies[i, :, y:y + win, x0:x0 + win] = 0
        scores = torch.cat([model(copies[i:i + 64])[:, target].mean(dim=(1, 2)) for i in range(0, len(pos), 64)])
    acc = np.zeros((size, size))
    cnt = np.zeros((size, size))
    for (y, x0), s in zip(pos, scores.numpy()):
        acc[y:y + win, x0:x0 + win] += s0 - s
        cnt[y:y + win, x0:x0 + win] += 1
    return time.perf_counter() - t0, acc / cnt


times, attr = [], None
for _ in range(repeats):
    t, attr = run()
    times.append(t)
print(json.dumps({"median_s": float(np.median(times)), "map": attr.ravel().tolist()}))
