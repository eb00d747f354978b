#!/usr/bin/python3
"""Small fixtures in exactly the published EuroSAT and So2Sat LCZ42 layouts (seeded).

Usage: make_fixtures.py <out-dir>

EuroSAT (Helber et al. 2019), multispectral release "EuroSAT_MS": one folder per class
(AnnualCrop, Forest, ..., SeaLake), files named <Class>_<n>.tif: 64x64 GeoTIFF, 13 Sentinel-2 bands
B01..B12 incl. B8A, uint16 reflectance x10000, UTM CRS. Here: 3 patches per class, plus one
truncated file (Forest_999.tif) to exercise unreadable-file handling.

So2Sat LCZ42 (Zhu et al. 2020): HDF5 files with datasets "sen1" (N,32,32,8) float64, "sen2"
(N,32,32,10) float64, "label" (N,17) float64 one-hot over the 17 local climate zones. Here N=40.

Writes <out>/EuroSAT_MS/..., <out>/so2sat/training.h5 and <out>/fixtures.json (what was written).
"""
import json
import os
import sys

import h5py
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out = sys.argv[1]
rng = np.random.RandomState(42)
CLASSES = ["AnnualCrop", "Forest", "HerbaceousVegetation", "Highway", "Industrial", "Pasture",
           "PermanentCrop", "Residential", "River", "SeaLake"]
BANDS = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12"]
root = os.path.join(out, "EuroSAT_MS")
files = []
srs = osr.SpatialReference()
srs.ImportFromEPSG(32632)
for ci, cls in enumerate(CLASSES):
    os.makedirs(os.path.join(root, cls), exist_ok=True)
    for n in range(1, 4):
        path = os.path.join(root, cls, f"{cls}_{n}.tif")
        ds = gdal.GetDriverByName("GTiff").Create(path, 64, 64, 13, gdal.GDT_UInt16)
        x0 = 300000 + 640 * (ci * 3 + n)
        ds.SetGeoTransform((x0, 10, 0, 5500000, 0, -10))
        ds.SetProjection(srs.ExportToWkt())
        data = (rng.randint(0, 400, size=(13, 64, 64)) + 500 * ci + 37 * np.arange(13)[:, None, None]).astype(np.uint16)
        for b in range(13):
            ds.GetRasterBand(b + 1).WriteArray(data[b])
        ds = None
        files.append({"path": os.path.relpath(path, root), "class": cls, "label": ci,
                      "mean": [float(v) for v in data.reshape(13, -1).mean(axis=1)],
                      "first": [int(data[b, 0, 0]) for b in range(13)]})
bad = os.path.join(root, "Forest", "Forest_999.tif")
with open(os.path.join(root, "Forest", "Forest_1.tif"), "rb") as f:
    head = f.read(200)
with open(bad, "wb") as f:
    f.write(head)

os.makedirs(os.path.join(out, "so2sat"), exist_ok=True)
N = 40
sen1 = rng.normal(0, 0.1, size=(N, 32, 32, 8))
sen2 = rng.uniform(0, 0.5, size=(N, 32, 32, 10))
labels = rng.randint(0, 17, size=N)
onehot = np.zeros((N, 17))
onehot[np.arange(N), labels] = 1
with h5py.File(os.path.join(out, "so2sat", "training.h5"), "w") as f:
    f.create_dataset("sen1", data=sen1)
    f.create_dataset("sen2", data=sen2)
    f.create_dataset("label", data=onehot)
json.dump({"eurosat": {"root": root, "files": files, "bad": os.path.relpath(bad, root)},
           "so2sat": {"path": os.path.join(out, "so2sat", "training.h5"), "labels": labels.tolist(),
                      "sen2_sample3_pixel_5_7": sen2[3, 5, 7].tolist(), "sen1_sample0_pixel_0_1": sen1[0, 0, 1].tolist(),
                      "sen2_mean": sen2.mean(axis=(0, 1, 2)).tolist(), "sen2_std": sen2.std(axis=(0, 1, 2)).tolist()}},
          open(os.path.join(out, "fixtures.json"), "w"))
