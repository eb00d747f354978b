"""The synthetic Sentinel-2-like band the raster and map benchmarks share.

10980x10980 UInt16 (smooth fields plus sensor noise, seeded), DEFLATE with PREDICTOR=2, 512-pixel
tiles, 10 m pixels from (600000, 5000000); optionally an EPSG code as its CRS.
"""
from osgeo import gdal, osr


def write_band(path, epsg=None):
    import numpy as np  # only to make the data: readers in a fresh process load osgeo alone

    n = 10980
    rng = np.random.default_rng(1)
    ds = gdal.GetDriverByName("GTiff").Create(path, n, n, 1, gdal.GDT_UInt16,
                                               ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2"])
    ds.SetGeoTransform((600000, 10, 0, 5000000, 0, -10))
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    x = np.arange(n)
    for r0 in range(0, n, 1098):
        y = np.arange(r0, r0 + 1098)[:, None]
        v = 800 + 600 * np.sin(x / 300.0) * np.cos(y / 410.0) + 300 * np.sin(x / 37.0 + y / 53.0) + rng.normal(0, 40, (1098, n))
        band.WriteArray(np.clip(v, 0, 10000).astype(np.uint16), 0, r0)
    ds = None
