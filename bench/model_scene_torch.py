#!/usr/bin/python3
"""The Python pipeline a user would write for whole-scene segmentation: GDAL reads each tile,
torch (Debian's python3-torch) runs the same shipped segmenter on the same tiles and overlap,
numpy blends with the same ramp weights into full-scene accumulators, argmax gives the class map.

Usage: model_scene_torch.py <scene.tif> <tile> <overlap> <threads>
Prints JSON: seconds (end to end, after imports), maxrss_mb, classes (histogram of the class map).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from osgeo import gdal

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "data", "scripts"))
from olinda_models import Segmenter  # noqa: E402

path, tile, overlap, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
card = json.load(open(os.path.join(ROOT, "data", "models", "olinda-segmenter.card.json")))
mean = np.array(card["normalization"]["mean"], dtype=np.float32)[:, None, None]
std = np.array(card["normalization"]["std"], dtype=np.float32)[:, None, None]
halo = card["input"]["halo"]
model = Segmenter()
model.load_state_dict(torch.load(os.path.join(ROOT, "data", "models", "olinda-segmenter.pt")))
model.eval()


def starts(total, t, stride):
    out = list(range(0, max(total - t, 0), stride))
    if not out or out[-1] != total - t:
        out.append(total - t)
    return out


def weights(n, s, total):
    ramp = max(1, overlap - 2 * halo)
    floor = 0.0 if overlap > 2 * halo else 1e-3
    i = np.arange(n, dtype=np.float64)
    dl = np.full(n, np.inf) if s == 0 else i
    dr = np.full(n, np.inf) if s + n >= total else n - 1 - i
    d = np.minimum(dl, dr)
    w = np.where(np.isinf(d), 1.0, np.clip((d - halo + 0.5) / ramp, floor, 1.0))
    return w.astype(np.float32)


t0 = time.perf_counter()
ds = gdal.Open(path)
W, H = ds.RasterXSize, ds.RasterYSize
th, tw = min(tile, H), min(tile, W)
K = len(card["classes"])
acc = np.zeros((K, H, W), dtype=np.float32)
accw = np.zeros((H, W), dtype=np.float32)
ys, xs = starts(H, th, th - overlap), starts(W, tw, tw - overlap)
with torch.no_grad():
    for y in ys:
        wy = weights(th, y, H)
        batch, pos = [], []

        def run():
            x = torch.from_numpy(np.stack(batch))
            p = torch.softmax(model(x), dim=1).numpy()
            for (px, wx), pr in zip(pos, p):
                w = wy[:, None] * wx[None, :]
                acc[:, y:y + th, px:px + tw] += pr * w
                accw[y:y + th, px:px + tw] += w

        for x in xs:
            a = ds.ReadAsArray(x, y, tw, th).astype(np.float32)
            batch.append((a - mean) / std)
            pos.append((x, weights(tw, x, W)))
            if len(batch) == 4:
                run()
                batch, pos = [], []
        if batch:
            run()
classes = np.argmax(acc / accw, axis=0).astype(np.uint8)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "classes": np.bincount(classes.ravel(), minlength=K).tolist()}))
