#!/usr/bin/python3
"""Reference outputs from the shipped torch state dicts (Debian's python3-torch).

Usage: torch_reference.py <model-name> <input.f32> <n,c,h,w> <output.f32> [<input2.f32> <dims2> <output2.f32> ...]
Reads float32 little-endian NCHW batches, runs the torch model in eval mode (Dropout off) on each,
writes each output as float32, then prints the output shapes as a JSON list.
"""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "data", "scripts"))
from olinda_models import ElevationRegressor, PatchClassifier, Segmenter  # noqa: E402

torch.set_num_threads(1)
name = sys.argv[1]
model = {"olinda-patch-classifier": PatchClassifier, "olinda-segmenter": Segmenter,
         "olinda-elevation-regressor": ElevationRegressor}[name]()
model.load_state_dict(torch.load(os.path.join(ROOT, "data", "models", name + ".pt")))
model.eval()
shapes = []
args = sys.argv[2:]
for k in range(0, len(args), 3):
    inp, shape, out = args[k:k + 3]
    dims = [int(v) for v in shape.split(",")]
    x = torch.from_numpy(np.fromfile(inp, dtype="<f4").reshape(dims))
    with torch.no_grad():
        y = model(x).numpy().astype("<f4")
    y.tofile(out)
    shapes.append(list(y.shape))
print(json.dumps(shapes))
