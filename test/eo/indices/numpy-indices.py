#!/usr/bin/python3
"""NumPy reference for the spectral indices on the Olinda Landsat-7 scene (bands B1 B2 B3 B4 B5 B7).

Usage: numpy-indices.py OUTDIR  -> OUTDIR/{name}.f32 (float32, NaN where undefined)
Band 1 has pixels set to the nodata value 0 in the test (rows 0-9), as ai4eo sees them.
"""
import os
import sys

import numpy as np
from osgeo import gdal

out = sys.argv[1]
ds = gdal.Open("data/olinda/L7_ETMs.tif")
b = {k: ds.GetRasterBand(i).ReadAsArray().astype(np.float64) for k, i in
     {"blue": 1, "green": 2, "red": 3, "nir": 4, "swir16": 5, "swir22": 6}.items()}
for k in b:
    b[k][0:10, :] = np.nan  # nodata rows
refl = {k: v * 2.75e-5 - 0.2 for k, v in b.items()}


def nd(a, c):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (a - c) / (a + c)
    return r


with np.errstate(divide="ignore", invalid="ignore"):
    res = {
        "ndvi": nd(b["nir"], b["red"]),
        "ndwi": nd(b["green"], b["nir"]),
        "mndwi": nd(b["green"], b["swir16"]),
        "ndbi": nd(b["swir16"], b["nir"]),
        "nbr": nd(b["nir"], b["swir22"]),
        "ndsi": nd(b["green"], b["swir16"]),
        "bsi": ((b["swir16"] + b["red"]) - (b["nir"] + b["blue"])) / ((b["swir16"] + b["red"]) + (b["nir"] + b["blue"])),
        "evi": 2.5 * (refl["nir"] - refl["red"]) / (refl["nir"] + 6 * refl["red"] - 7.5 * refl["blue"] + 1),
        "savi": 1.5 * (refl["nir"] - refl["red"]) / (refl["nir"] + refl["red"] + 0.5),
    }
for k, v in res.items():
    v = np.where(np.isfinite(v), v, np.nan).astype(np.float32)
    v.tofile(os.path.join(out, k + ".f32"))
