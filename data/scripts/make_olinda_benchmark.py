#!/usr/bin/python3
"""Build the small labelled Olinda benchmark from the shipped Landsat-7 ETM+ scene.

Run from the repository root with Debian's Python (python3-gdal, python3-numpy):

    /usr/bin/python3 data/scripts/make_olinda_benchmark.py

Writes, under data/olinda-bench/:
  classes.json         the class list (index, name, colour, description)
  labels.geojson       reference polygons (photo-interpretation, method below), SIRGAS 2000 / UTM 25S
  labels.tif           the polygons rasterized on the scene grid (uint8, 255 = unlabelled)
  blocks.csv           the 32x32-pixel blocks of the scene and the split each belongs to
  patches.csv          8x8 patch manifest (path, label, split, window, bounds) for the patch classifier
  dem_l7grid.tif       the shipped DEM resampled (bilinear) onto the scene grid, for the regression net
  ood_le07_195025.tif  6-band stack of the Landsat-7 scene 195/025 (Germany, 2001) from r-cran-satellite
  ood.csv              8x8 patches of that scene: out-of-distribution (a scene the models never saw)

Labelling method: the scene was displayed as true colour (B3/B2/B1) and false colour (B4/B5/B3) at
4x zoom with a 10-pixel grid; polygons were drawn only over areas whose class is unambiguous in both
composites (open ocean well away from the coast line, closed forest, dense built-up blocks of
Olinda/Recife, bare/cleared soil and quarries). Vertices are pixel corners (column, row) of the scene
and converted to map coordinates with the scene's geotransform. Mixed suburbs, the beach, rivers
and lakes are left unlabelled on purpose. No field data were used: this is photo-interpretation by
one person and the labels are a demonstration, not ground truth.

Splits are spatially disjoint: the scene is cut into 32x32-pixel blocks; each block (and every
patch and pixel in it) belongs to exactly one of train/val/test. Blocks holding the rare class
(bare soil) are dealt round-robin to test, val, train so each split sees it; the rest are assigned
by a seeded shuffle (60/20/20).
"""
import csv
import json
import os

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENE = os.path.join(ROOT, "olinda", "L7_ETMs.tif")
OUT = os.path.join(ROOT, "olinda-bench")
SEED = 20240607
BLOCK = 32
PATCH = 8
STRIDE = 4

CLASSES = [
    {"index": 0, "name": "water", "color": "#1f4e9c", "description": "open ocean"},
    {"index": 1, "name": "vegetation", "color": "#2e8b3a", "description": "closed forest / dense tree cover"},
    {"index": 2, "name": "urban", "color": "#c8553d", "description": "dense built-up area"},
    {"index": 3, "name": "bare soil", "color": "#d9b26f", "description": "bare or cleared soil, quarries"},
]

# Polygons in pixel-corner coordinates (column, row) of L7_ETMs.tif, by class index.
POLYGONS = {
    0: [
        [(338, 100), (349, 100), (349, 352), (218, 352), (232, 302), (256, 284), (286, 254), (306, 205), (314, 160), (330, 140)],
    ],
    1: [
        [(10, 10), (90, 10), (90, 90), (10, 90)],
        [(110, 110), (165, 110), (165, 165), (110, 165)],
        [(200, 1), (250, 1), (250, 20), (200, 20)],
        [(205, 76), (245, 76), (245, 100), (205, 100)],
        [(200, 190), (232, 190), (232, 212), (200, 212)],
        [(150, 45), (180, 45), (180, 70), (150, 70)],
        [(287, 16), (328, 16), (328, 36), (287, 36)],
    ],
    2: [
        [(262, 72), (300, 72), (300, 138), (262, 138)],
        [(255, 150), (298, 150), (298, 195), (255, 195)],
        [(102, 305), (140, 305), (140, 345), (102, 345)],
    ],
    3: [
        [(197, 67), (217, 67), (217, 77), (197, 77)],
        [(242, 100), (252, 100), (252, 115), (242, 115)],
        [(178, 75), (200, 75), (200, 92), (178, 92)],
    ],
}


def pix2map(gt, c, r):
    return (gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5])


def write_geojson(ds, path):
    gt = ds.GetGeoTransform()
    feats = []
    for cls, polys in POLYGONS.items():
        for i, poly in enumerate(polys):
            ring = [list(pix2map(gt, c, r)) for c, r in poly]
            ring.append(ring[0])
            feats.append({
                "type": "Feature",
                "properties": {"class": cls, "name": CLASSES[cls]["name"], "polygon": f"{CLASSES[cls]['name']}-{i}",
                               "method": "photo-interpretation of true and false colour composites"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
    fc = {"type": "FeatureCollection", "name": "olinda_labels",
          "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31985"}}, "features": feats}
    with open(path, "w") as f:
        json.dump(fc, f, indent=1)


def rasterize(ds, geojson, path):
    mem = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte)
    mem.SetGeoTransform(ds.GetGeoTransform())
    mem.SetProjection(ds.GetProjection())
    mem.GetRasterBand(1).Fill(255)
    src = ogr.Open(geojson)
    gdal.RasterizeLayer(mem, [1], src.GetLayer(0), options=["ATTRIBUTE=class"])
    mem.GetRasterBand(1).SetNoDataValue(255)
    mem.GetRasterBand(1).SetDescription("class")
    gdal.GetDriverByName("GTiff").CreateCopy(path, mem, options=["COMPRESS=DEFLATE"])
    return mem.GetRasterBand(1).ReadAsArray()


def assign_blocks(labels, rng):
    h, w = labels.shape
    blocks = []
    for br in range(0, h, BLOCK):
        for bc in range(0, w, BLOCK):
            win = labels[br:br + BLOCK, bc:bc + BLOCK]
            blocks.append({"block": len(blocks), "col": bc, "row": br,
                           "width": min(BLOCK, w - bc), "height": min(BLOCK, h - br),
                           "rare": bool((win == 3).any())})
    rare = [b for b in blocks if b["rare"]]
    rest = [b for b in blocks if not b["rare"]]
    for i, b in enumerate(rare):
        b["split"] = ["test", "val", "train"][i % 3]
    order = rng.permutation(len(rest))
    n = len(rest)
    for k, idx in enumerate(order):
        rest[idx]["split"] = "train" if k < 0.6 * n else ("val" if k < 0.8 * n else "test")
    return blocks


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(SEED)
    ds = gdal.Open(SCENE)
    gt = ds.GetGeoTransform()
    gj = os.path.join(OUT, "labels.geojson")
    write_geojson(ds, gj)
    with open(os.path.join(OUT, "classes.json"), "w") as f:
        json.dump(CLASSES, f, indent=1)
        f.write("\n")
    labels = rasterize(ds, gj, os.path.join(OUT, "labels.tif"))
    blocks = assign_blocks(labels, rng)
    with open(os.path.join(OUT, "blocks.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["block", "col", "row", "width", "height", "split"])
        for b in blocks:
            wr.writerow([b["block"], b["col"], b["row"], b["width"], b["height"], b["split"]])

    # Patches: 8x8 windows at stride 4 inside one block; kept when >= 50% of pixels are labelled and
    # >= 90% of the labelled pixels share one class.
    rows = []
    for b in blocks:
        for r in range(b["row"], b["row"] + b["height"] - PATCH + 1, STRIDE):
            for c in range(b["col"], b["col"] + b["width"] - PATCH + 1, STRIDE):
                win = labels[r:r + PATCH, c:c + PATCH]
                lab = win[win != 255]
                if lab.size < PATCH * PATCH * 0.5:
                    continue
                counts = np.bincount(lab, minlength=len(CLASSES))
                k = int(counts.argmax())
                if counts[k] < 0.9 * lab.size:
                    continue
                x0, y0 = pix2map(gt, c, r)
                x1, y1 = pix2map(gt, c + PATCH, r + PATCH)
                rows.append([f"olinda-{r:03d}-{c:03d}", "../olinda/L7_ETMs.tif", CLASSES[k]["name"], k, b["split"], b["block"],
                             c, r, PATCH, PATCH, round(min(x0, x1), 3), round(min(y0, y1), 3), round(max(x0, x1), 3), round(max(y0, y1), 3)])
    header = ["id", "path", "label", "class", "split", "block", "col", "row", "width", "height", "minx", "miny", "maxx", "maxy"]
    with open(os.path.join(OUT, "patches.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)

    # DEM on the scene grid (bilinear), nodata outside the DEM's footprint.
    b = ds.RasterXSize, ds.RasterYSize
    x0, y0 = pix2map(gt, 0, 0)
    x1, y1 = pix2map(gt, b[0], b[1])
    gdal.Warp(os.path.join(OUT, "dem_l7grid.tif"), os.path.join(ROOT, "olinda", "olinda_dem_utm25s.tif"),
              outputBounds=(x0, y1, x1, y0), width=b[0], height=b[1], resampleAlg="bilinear",
              dstNodata=-9999, dstSRS=ds.GetProjection(), outputType=gdal.GDT_Float32,
              creationOptions=["COMPRESS=DEFLATE", "PREDICTOR=3"])

    # OOD scene: Landsat-7 ETM+ 195/025 (2001-07-30) bands 1,2,3,4,5,7 from r-cran-satellite.
    base = os.path.join(ROOT, "landsat-mtl", "LE07_L1TP_195025_20010730_20170204_01_T1_B{}.TIF")
    srcs = [gdal.Open(base.format(k)) for k in (1, 2, 3, 4, 5, 7)]
    w, h = srcs[0].RasterXSize, srcs[0].RasterYSize
    ood = gdal.GetDriverByName("GTiff").Create(os.path.join(OUT, "ood_le07_195025.tif"), w, h, 6, gdal.GDT_Byte,
                                               options=["COMPRESS=DEFLATE"])
    ood.SetGeoTransform(srcs[0].GetGeoTransform())
    ood.SetProjection(srcs[0].GetProjection())
    for i, s in enumerate(srcs):
        a = s.GetRasterBand(1).ReadAsArray()
        ood.GetRasterBand(i + 1).WriteArray(np.clip(a, 0, 255).astype(np.uint8))
        ood.GetRasterBand(i + 1).SetDescription(["B1", "B2", "B3", "B4", "B5", "B7"][i])
    ood = None
    with open(os.path.join(OUT, "ood.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["id", "path", "split", "col", "row", "width", "height"])
        for r in range(0, h - PATCH + 1, PATCH):
            for c in range(0, w - PATCH + 1, PATCH):
                wr.writerow([f"le07-195025-{r:03d}-{c:03d}", "ood_le07_195025.tif", "ood", c, r, PATCH, PATCH])

    counts = {}
    for row in rows:
        counts.setdefault(row[4], {}).setdefault(row[2], 0)
        counts[row[4]][row[2]] += 1
    print(json.dumps({"patches": len(rows), "by_split": counts,
                      "blocks": {s: sum(1 for b in blocks if b["split"] == s) for s in ("train", "val", "test")}}))


if __name__ == "__main__":
    main()
