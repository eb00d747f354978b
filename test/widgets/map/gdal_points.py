"""Reference values for the map tests, from GDAL (python3-gdal).

stdin: {"file": path, "pixels": [[col, row], ...], "lonlat": [[lon, lat], ...]}
stdout: {"pixels": [{"col", "row", "lon", "lat", "x", "y", "values": [...]}, ...],
         "lonlat": [{"lon", "lat", "col", "row", "x", "y", "values": [...] | null}, ...]}
Pixel centres go to lon/lat with OSR (traditional GIS axis order); values are GDAL's band values.
"""
import json
import math
import sys

from osgeo import gdal, osr

gdal.UseExceptions()
req = json.load(sys.stdin)
ds = gdal.Open(req["file"])
gt = ds.GetGeoTransform()
srs = osr.SpatialReference(wkt=ds.GetProjection())
srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
wgs = osr.SpatialReference()
wgs.ImportFromEPSG(4326)
wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_ll = osr.CoordinateTransformation(srs, wgs)
from_ll = osr.CoordinateTransformation(wgs, srs)
arrays = [ds.GetRasterBand(i + 1).ReadAsArray() for i in range(ds.RasterCount)]


def values(col, row):
    if col < 0 or row < 0 or col >= ds.RasterXSize or row >= ds.RasterYSize:
        return None
    return [float(a[row, col]) for a in arrays]


out = {"pixels": [], "lonlat": []}
for col, row in req.get("pixels", []):
    x = gt[0] + (col + 0.5) * gt[1] + (row + 0.5) * gt[2]
    y = gt[3] + (col + 0.5) * gt[4] + (row + 0.5) * gt[5]
    lon, lat, _ = to_ll.TransformPoint(x, y)
    out["pixels"].append({"col": col, "row": row, "lon": lon, "lat": lat, "x": x, "y": y, "values": values(col, row)})
inv = gdal.InvGeoTransform(gt)
for lon, lat in req.get("lonlat", []):
    x, y, _ = from_ll.TransformPoint(lon, lat)
    c = inv[0] + x * inv[1] + y * inv[2]
    r = inv[3] + x * inv[4] + y * inv[5]
    col, row = int(math.floor(c)), int(math.floor(r))
    out["lonlat"].append({"lon": lon, "lat": lat, "col": col, "row": row, "x": x, "y": y, "values": values(col, row)})
json.dump(out, sys.stdout)
