#!/usr/bin/python3
"""GDAL side of bench/raster-decode.mts.

make OUTDIR: writes OUTDIR/band.tif (10980x10980 UInt16, DEFLATE, PREDICTOR=2, 512 tiles) and OUTDIR/band-cog.tif (COG)
full FILE: single-threaded full decode of band 1, prints "wall_s cpu_s" of open + read
window FILE COL ROW W H: open + read a window, prints "wall_s cpu_s"
warm FILE N: N unaligned 1024x1024 windows, each opened afresh, after a first one: median "wall_s cpu_s" per window
(numpy is imported only to make the data: a fresh process for a read loads osgeo alone.)
"""
import sys
import time

from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "1")
cmd = sys.argv[1]
if cmd == "make":
    from synthetic_band import write_band

    out = sys.argv[2]
    write_band(out + "/band.tif")
    gdal.Translate(out + "/band-cog.tif", out + "/band.tif", format="COG", creationOptions=["BLOCKSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=YES"])
elif cmd == "full":
    t0, c0 = time.perf_counter(), time.process_time()
    ds = gdal.Open(sys.argv[2])
    buf = ds.GetRasterBand(1).ReadRaster()
    print(time.perf_counter() - t0, time.process_time() - c0)
elif cmd == "window":
    c, r, w, h = map(int, sys.argv[3:7])
    t0, c0 = time.perf_counter(), time.process_time()
    ds = gdal.Open(sys.argv[2])
    buf = ds.GetRasterBand(1).ReadRaster(c, r, w, h)
    print(time.perf_counter() - t0, time.process_time() - c0)
elif cmd == "warm":
    n = int(sys.argv[3])
    walls, cpus = [], []
    for k in range(n + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        ds = gdal.Open(sys.argv[2])
        buf = ds.GetRasterBand(1).ReadRaster(37 + (k * 1733) % 9000, 59 + (k * 2711) % 9000, 1024, 1024)
        ds = None
        if k > 0:
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
    print(sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2])
