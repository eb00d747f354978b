#!/usr/bin/python3
"""Write a synthetic single-look complex (CFloat32) GeoTIFF with GDAL and NumPy references for
amplitude, intensity, phase, dB and the Lee filter (7×7 window clipped at edges, ENL 1).

Usage: numpy-sar.py OUTDIR
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

out = sys.argv[1]
rng = np.random.default_rng(7)
H, W = 48, 64
yy, xx = np.mgrid[0:H, 0:W]
sigma = 1.0 + 4.0 * (xx > 30) + 2.0 * np.sin(yy / 5.0) ** 2
z = (rng.normal(size=(H, W)) + 1j * rng.normal(size=(H, W))) * np.sqrt(sigma / 2)
z = z.astype(np.complex64)
ds = gdal.GetDriverByName("GTiff").Create(os.path.join(out, "slc.tif"), W, H, 1, gdal.GDT_CFloat32)
ds.SetGeoTransform((500000, 10, 0, 9000000, 0, -10))
srs = osr.SpatialReference()
srs.ImportFromEPSG(32725)
ds.SetSpatialRef(srs)
ds.GetRasterBand(1).WriteArray(z)
ds = None
zr = z.astype(np.complex128)
I = (zr.real ** 2 + zr.imag ** 2)
np.abs(zr).astype(np.float32).tofile(os.path.join(out, "amplitude.f32"))
I.astype(np.float32).tofile(os.path.join(out, "intensity.f32"))
np.angle(zr).astype(np.float32).tofile(os.path.join(out, "phase.f32"))
(10 * np.log10(I)).astype(np.float32).tofile(os.path.join(out, "db.f32"))
I32 = I.astype(np.float32).astype(np.float64)
lee = np.empty_like(I32)
half = 3
for y in range(H):
    for x in range(W):
        win = I32[max(0, y - half):y + half + 1, max(0, x - half):x + half + 1]
        m = win.mean()
        v = max(0.0, (win ** 2).mean() - m * m)
        k = min(1.0, max(0.0, (v - m * m * 1.0) / (v * 2.0))) if v > 0 else 0.0
        lee[y, x] = m + k * (I32[y, x] - m)
lee.astype(np.float32).tofile(os.path.join(out, "lee.f32"))
