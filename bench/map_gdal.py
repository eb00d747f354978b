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

from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")
M = 20037508.342789244
cmd = sys.argv[1]
if cmd == "make":
    from synthetic_band import write_band

    write_band(sys.argv[2], epsg=32633)
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
