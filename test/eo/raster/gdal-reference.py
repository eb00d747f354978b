#!/usr/bin/python3
"""Dump what GDAL reads from GeoTIFF files, as the reference for the ai4eo raster tests.

Usage: gdal-reference.py OUTDIR FILE [FILE ...]
For each FILE (k = its index) writes OUTDIR/k/info.json and raw little-endian band data:
  b{band}.bin (full resolution), o{ovr}_b{band}.bin (overviews), mask.bin, o{ovr}_mask.bin
"""
import json
import os
import sys

from osgeo import gdal, osr

gdal.UseExceptions()

TYPES = {gdal.GDT_Byte: "uint8", gdal.GDT_UInt16: "uint16", gdal.GDT_Int16: "int16", gdal.GDT_UInt32: "uint32",
         gdal.GDT_Int32: "int32", gdal.GDT_Float32: "float32", gdal.GDT_Float64: "float64",
         gdal.GDT_CInt16: "cint16", gdal.GDT_CInt32: "cint32", gdal.GDT_CFloat32: "cfloat32", gdal.GDT_CFloat64: "cfloat64"}


def dump(path, out):
    os.makedirs(out, exist_ok=True)
    ds = gdal.Open(path)
    b1 = ds.GetRasterBand(1)
    dtype = TYPES[b1.DataType]
    if dtype == "uint8" and b1.GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE") == "SIGNEDBYTE":
        dtype = "int8"
    srs = ds.GetSpatialRef()
    epsg = None
    if srs is not None:
        srs.AutoIdentifyEPSG()
        code = srs.GetAuthorityCode(None)
        epsg = int(code) if code else None
    info = {
        "width": ds.RasterXSize, "height": ds.RasterYSize, "count": ds.RasterCount, "dtype": dtype,
        "transform": list(ds.GetGeoTransform()), "epsg": epsg,
        "proj4": srs.ExportToProj4() if srs is not None else None,
        "nodata": [], "descriptions": [], "scales": [], "offsets": [], "colorinterp": [],
        "overviews": [[b1.GetOverview(i).XSize, b1.GetOverview(i).YSize] for i in range(b1.GetOverviewCount())],
        "mask": b1.GetMaskFlags() == gdal.GMF_PER_DATASET,
        "compression": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
    }
    for i in range(1, ds.RasterCount + 1):
        b = ds.GetRasterBand(i)
        nd = b.GetNoDataValue()
        info["nodata"].append("nan" if nd is not None and nd != nd else nd)
        info["descriptions"].append(b.GetDescription() or None)
        info["scales"].append(b.GetScale() if b.GetScale() is not None else 1)
        info["offsets"].append(b.GetOffset() if b.GetOffset() is not None else 0)
        info["colorinterp"].append(gdal.GetColorInterpretationName(b.GetColorInterpretation()).lower())
        with open(os.path.join(out, f"b{i}.bin"), "wb") as f:
            f.write(b.ReadRaster())
        for k in range(b.GetOverviewCount()):
            with open(os.path.join(out, f"o{k + 1}_b{i}.bin"), "wb") as f:
                f.write(b.GetOverview(k).ReadRaster())
    if info["mask"]:
        m = b1.GetMaskBand()
        with open(os.path.join(out, "mask.bin"), "wb") as f:
            f.write(m.ReadRaster())
        for k in range(m.GetOverviewCount()):
            with open(os.path.join(out, f"o{k + 1}_mask.bin"), "wb") as f:
                f.write(m.GetOverview(k).ReadRaster())
    with open(os.path.join(out, "info.json"), "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    outdir = sys.argv[1]
    for k, p in enumerate(sys.argv[2:]):
        dump(p, os.path.join(outdir, str(k)))
