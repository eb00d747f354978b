#!/usr/bin/python3
"""GDAL side of bench/map-tiles.mts.

make OUT: writes OUT (10980x10980 UInt16 Sentinel-2-like band, UTM 33N / EPSG:32633, DEFLATE,
          PREDICTOR=2, 512-pixel tiles, no overviews)
tiles FILE Z X,Y X,Y ...: warps each Web Mercator tile (256x256, nearest, single-threaded) in one
          process after opening, prints the median seconds per tile
"""
import statistics
import sys
import time

from osgeo import gdal, osr
import numpy as np

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")
M = 20037508.342789244
cmd = sys.argv[1]
if cmd == "make":
    n = 10980
    rng = np.random.default_rng(1)
    ds = gdal.GetDriverByName("GTiff").Create(sys.argv[2], n, n, 1, gdal.GDT_UInt16,
                                               ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2"])
    ds.SetGeoTransform((600000, 10, 0, 5000000, 0, -10))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    x = np.arange(n)
    for r0 in range(0, n, 1098):
        y = np.arange(r0, r0 + 1098)[:, None]
        v = 800 + 600 * np.sin(x / 300.0) * np.cos(y / 410.0) + 300 * np.sin(x / 37.0 + y / 53.0) + rng.normal(0, 40, (1098, n))
        band.WriteArray(np.clip(v, 0, 10000).astype(np.uint16), 0, r0)
    ds = None
elif cmd == "tiles":
    src = gdal.Open(sys.argv[2])
    z = int(sys.argv[3])
    size = 2 * M / 2 ** z
    times = []
    for xy in sys.argv[4:]:
        x, y = map(int, xy.split(","))
        minx, maxy = -M + x * size, M - y * size
        t0 = time.perf_counter()
        out = gdal.Warp("", src, format="MEM", dstSRS="EPSG:3857", outputBounds=(minx, maxy - size, minx + size, maxy),
                        width=256, height=256, resampleAlg="near", multithread=False)
        out.GetRasterBand(1).ReadRaster()
        times.append(time.perf_counter() - t0)
        out = None
    print(statistics.median(times))
