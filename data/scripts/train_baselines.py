#!/usr/bin/python3
"""Train the three demonstration baseline models on the Olinda benchmark and export them to ONNX.

Run from the repository root after make_olinda_benchmark.py (Debian's python3-torch, python3-onnx,
python3-gdal, python3-sklearn; about a minute of CPU on one thread):

    /usr/bin/python3 data/scripts/train_baselines.py

Writes, under data/models/, for each model: <name>.onnx (opset 13, the model card JSON in the
metadata_props key "ai4eo.card"), <name>.card.json (the same card as a sidecar) and <name>.pt (the
torch state dict, used by the tests as the reference implementation).

Everything is seeded (SEED below, one torch thread); re-running reproduces the same weights on the
same torch build.
"""
import csv
import json
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from osgeo import gdal
from sklearn import metrics as skm

from olinda_models import ElevationRegressor, PatchClassifier, Segmenter

gdal.UseExceptions()
torch.set_num_threads(1)
SEED = 20240607
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "olinda-bench")
OUT = os.path.join(ROOT, "models")
BANDS = ["B1", "B2", "B3", "B4", "B5", "B7"]
BAND_NAMES = ["blue", "green", "red", "nir", "swir1", "swir2"]
WAVELENGTHS = [0.483, 0.560, 0.662, 0.835, 1.648, 2.206]
with open(os.path.join(BENCH, "classes.json")) as f:
    CLASSES = json.load(f)
DISCLAIMER = ("Demonstration baseline trained on a tiny labelled subset of one scene (Landsat-7 ETM+, "
              "Olinda/Recife, Brazil, labels by photo-interpretation). It shows the ai4eo workflow; it is not "
              "an accurate or general model and must not be used for real mapping.")
SCENE_DESC = ("data/olinda/L7_ETMs.tif (Landsat-7 ETM+ bands 1,2,3,4,5,7 at 28.5 m, digital numbers, from "
              "Debian's r-cran-stars; Landsat data are public domain, courtesy of the U.S. Geological Survey)")


def load():
    ds = gdal.Open(os.path.join(ROOT, "olinda", "L7_ETMs.tif"))
    img = ds.ReadAsArray().astype(np.float32)  # 6 x H x W
    labels = gdal.Open(os.path.join(BENCH, "labels.tif")).ReadAsArray()
    dem = gdal.Open(os.path.join(BENCH, "dem_l7grid.tif")).ReadAsArray().astype(np.float32)
    with open(os.path.join(BENCH, "blocks.csv")) as f:
        blocks = [dict(r, **{k: int(r[k]) for k in ("block", "col", "row", "width", "height")}) for r in csv.DictReader(f)]
    with open(os.path.join(BENCH, "patches.csv")) as f:
        patches = [dict(r, **{k: int(r[k]) for k in ("class", "col", "row", "width", "height")}) for r in csv.DictReader(f)]
    return img, labels, dem, blocks, patches


def band_stats(img, blocks):
    vals = [img[:, b["row"]:b["row"] + b["height"], b["col"]:b["col"] + b["width"]].reshape(6, -1)
            for b in blocks if b["split"] == "train"]
    v = np.concatenate(vals, axis=1).astype(np.float64)
    return v.mean(axis=1), v.std(axis=1)


def norm(x, mean, std):
    return ((x - mean[:, None, None]) / std[:, None, None]).astype(np.float32)


def class_metrics(y, p):
    k = len(CLASSES)
    prec, rec, f1, sup = skm.precision_recall_fscore_support(y, p, labels=list(range(k)), zero_division=0)
    return {
        "overallAccuracy": float(skm.accuracy_score(y, p)),
        "kappa": float(skm.cohen_kappa_score(y, p, labels=list(range(k)))),
        "macroF1": float(skm.f1_score(y, p, labels=list(range(k)), average="macro", zero_division=0)),
        "meanIoU": float(skm.jaccard_score(y, p, labels=list(range(k)), average="macro", zero_division=0)),
        "perClass": [{"class": CLASSES[i]["name"], "precision": float(prec[i]), "recall": float(rec[i]),
                      "f1": float(f1[i]), "iou": float(skm.jaccard_score(y, p, labels=[i], average="macro", zero_division=0)),
                      "support": int(sup[i])} for i in range(k)],
        "confusionMatrix": skm.confusion_matrix(y, p, labels=list(range(k))).tolist(),
        "samples": int(len(y)),
    }


def export(model, name, card, example, dynamic, output_name, mc_dropout=False):
    path = os.path.join(OUT, name + ".onnx")
    model.eval()
    kw = {}
    if mc_dropout:
        model.train()
        kw["training"] = torch.onnx.TrainingMode.TRAINING
    torch.onnx.export(model, example, path, input_names=["input"], output_names=[output_name],
                      dynamic_axes={"input": dynamic, output_name: dynamic if output_name != "logits" or len(dynamic) > 1 else {0: "n"}},
                      opset_version=13, do_constant_folding=not mc_dropout, **kw)
    model.eval()
    m = onnx.load(path)
    if mc_dropout:
        # Route every Dropout's training_mode to a boolean graph input `mc_dropout` (default false), so the
        # same graph runs deterministically or as an MC-dropout sample.
        drops = [n for n in m.graph.node if n.op_type == "Dropout"]
        assert drops, "expected a Dropout node in the exported graph"
        for n in drops:
            while len(n.input) < 3:
                n.input.append("")
            if n.input[1] == "":
                ratio = onnx.helper.make_tensor("dropout_ratio", onnx.TensorProto.FLOAT, [], [model.drop.p])
                m.graph.initializer.append(ratio)
                n.input[1] = "dropout_ratio"
            n.input[2] = "mc_dropout"
        m.graph.input.append(onnx.helper.make_tensor_value_info("mc_dropout", onnx.TensorProto.BOOL, []))
        # Drop now-unused constant nodes that fed the old training_mode.
        used = {i for n in m.graph.node for i in n.input} | {o.name for o in m.graph.output}
        keep = [n for n in m.graph.node if n.op_type != "Constant" or any(o in used for o in n.output)]
        del m.graph.node[:]
        m.graph.node.extend(keep)
    m.doc_string = card["summary"] + " " + DISCLAIMER
    m.producer_name = "ai4eo data/scripts/train_baselines.py"
    del m.metadata_props[:]
    onnx.helper.set_model_props(m, {"ai4eo.card": json.dumps(card, separators=(",", ":"))})
    onnx.checker.check_model(m)
    onnx.save(m, path)
    with open(os.path.join(OUT, name + ".card.json"), "w") as f:
        json.dump(card, f, indent=1)
        f.write("\n")
    torch.save(model.state_dict(), os.path.join(OUT, name + ".pt"))


def base_card(name, task, summary, mean, std):
    return {
        "schema": "ai4eo.model-card/1",
        "name": name,
        "version": "1.0.0",
        "task": task,
        "summary": summary,
        "disclaimer": DISCLAIMER,
        "sensor": "Landsat-7 ETM+",
        "sensorId": "landsat-7-etm",
        "bands": BANDS,
        "bandNames": BAND_NAMES,
        "wavelengths_um": WAVELENGTHS,
        "normalization": {"type": "meanstd", "mean": [round(float(v), 6) for v in mean],
                          "std": [round(float(v), 6) for v in std],
                          "appliesTo": "digital numbers (DN, 0-255) as stored in L7_ETMs.tif: x' = (x - mean) / std per band"},
        "licence": "Apache-2.0",
        "authors": "ai4eo contributors",
        "references": {"torchStateDict": name + ".pt", "definition": "data/scripts/olinda_models.py",
                       "script": "data/scripts/train_baselines.py"},
    }


def train_classifier(img, patches, mean, std):
    torch.manual_seed(SEED)
    xs = {s: [] for s in ("train", "val", "test")}
    ys = {s: [] for s in ("train", "val", "test")}
    for p in patches:
        xs[p["split"]].append(img[:, p["row"]:p["row"] + 8, p["col"]:p["col"] + 8])
        ys[p["split"]].append(p["class"])
    X = {s: torch.from_numpy(((np.stack(xs[s]) - mean[None, :, None, None]) / std[None, :, None, None]).astype(np.float32))
         for s in xs}
    Y = {s: torch.tensor(ys[s]) for s in ys}
    counts = torch.bincount(Y["train"], minlength=len(CLASSES)).float()
    weight = counts.sum() / (len(CLASSES) * counts.clamp(min=1))
    model = PatchClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    epochs = 150
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(Y["train"]))
        for i in range(0, len(perm), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(X["train"][idx]), Y["train"][idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        res = {s: class_metrics(Y[s].numpy(), model(X[s]).argmax(1).numpy()) for s in ("val", "test")}
    card = base_card("olinda-patch-classifier", "classification",
                     "Classifies an 8x8-pixel Landsat-7 ETM+ patch (6 bands) into water, vegetation, urban or bare soil.",
                     mean, std)
    card.update({
        "input": {"name": "input", "dtype": "float32", "layout": "NCHW", "patchSize": [8, 8]},
        "output": {"name": "logits", "kind": "logits", "layout": "NK",
                   "note": "raw logits (apply softmax for probabilities)"},
        "classes": CLASSES,
        "mcDropout": {"input": "mc_dropout", "p": 0.3,
                      "note": "boolean scalar input; true keeps Dropout active (MC-dropout sample), default false"},
        "training": {"data": SCENE_DESC, "labels": "data/olinda-bench/patches.csv (8x8 patches inside labelled polygons)",
                     "split": "spatially disjoint 32x32-pixel blocks (data/olinda-bench/blocks.csv)",
                     "samples": {s: len(ys[s]) for s in ys}, "epochs": epochs, "optimizer": "Adam lr=5e-3, batch 128",
                     "loss": "class-weighted cross entropy", "seed": SEED},
        "evaluation": {"split": "test", "unit": "patch", "protocol": "argmax of logits with mc_dropout=false on every test patch of patches.csv"},
        "metrics": res["test"], "validationMetrics": res["val"],
    })
    export(model, "olinda-patch-classifier", card, (torch.zeros(2, 6, 8, 8),), {0: "n"}, "logits", mc_dropout=True)
    return res


def tiles(img, blocks, split):
    return [b for b in blocks if b["split"] == split]


def crop(a, b):
    return a[..., b["row"]:b["row"] + b["height"], b["col"]:b["col"] + b["width"]]


def train_segmenter(img, labels, blocks, mean, std):
    torch.manual_seed(SEED)
    nimg = norm(img, mean, std)
    lab = labels.astype(np.int64)
    lab[labels == 255] = -100
    train = [b for b in tiles(img, blocks, "train") if b["width"] == 32 and b["height"] == 32]
    X = torch.from_numpy(np.stack([crop(nimg, b) for b in train]))
    Y = torch.from_numpy(np.stack([crop(lab, b) for b in train]))
    counts = torch.bincount(Y[Y >= 0], minlength=len(CLASSES)).float()
    weight = counts.sum() / (len(CLASSES) * counts.clamp(min=1))
    model = Segmenter()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    steps = 300
    for _ in range(steps):
        loss = F.cross_entropy(model(X), Y, weight=weight, ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    res = {}
    with torch.no_grad():
        for s in ("val", "test"):
            yt, yp = [], []
            for b in tiles(img, blocks, s):
                pred = model(torch.from_numpy(crop(nimg, b))[None]).argmax(1)[0].numpy()
                t = crop(labels, b)
                yt.append(t[t != 255])
                yp.append(pred[t != 255])
            res[s] = class_metrics(np.concatenate(yt), np.concatenate(yp))
    card = base_card("olinda-segmenter", "segmentation",
                     "Fully convolutional per-pixel classifier (water, vegetation, urban, bare soil) for Landsat-7 ETM+ scenes.",
                     mean, std)
    card.update({
        "input": {"name": "input", "dtype": "float32", "layout": "NCHW", "patchSize": None, "halo": 3,
                  "note": "any tile size; the receptive field is 7x7 pixels, so overlap tiles by at least 2*halo"},
        "output": {"name": "logits", "kind": "logits", "layout": "NKHW", "note": "raw per-pixel logits"},
        "classes": CLASSES,
        "mcDropout": None,
        "training": {"data": SCENE_DESC, "labels": "data/olinda-bench/labels.tif (rasterized labels.geojson)",
                     "split": "spatially disjoint 32x32-pixel blocks (data/olinda-bench/blocks.csv)",
                     "samples": {"trainTiles": len(train), "trainPixels": int((Y >= 0).sum())}, "steps": steps,
                     "optimizer": "Adam lr=1e-2, full batch of 32x32 train tiles", "loss": "class-weighted cross entropy, unlabelled ignored",
                     "seed": SEED},
        "evaluation": {"split": "test", "unit": "pixel",
                       "protocol": "each test block of blocks.csv run as one tile (zero padding at its edges); argmax; labelled pixels only"},
        "metrics": res["test"], "validationMetrics": res["val"],
    })
    export(model, "olinda-segmenter", card, (torch.zeros(1, 6, 32, 32),), {0: "n", 2: "h", 3: "w"}, "logits")
    return res


def reg_metrics(y, mu, logvar):
    sd = np.exp(0.5 * logvar)
    return {"rmse": float(np.sqrt(skm.mean_squared_error(y, mu))), "mae": float(skm.mean_absolute_error(y, mu)),
            "r2": float(skm.r2_score(y, mu)), "meanPredictedStd": float(sd.mean()),
            "coverage95": float((np.abs(y - mu) <= 1.959964 * sd).mean()), "samples": int(len(y))}


def train_regressor(img, dem, blocks, mean, std):
    torch.manual_seed(SEED)
    nimg = norm(img, mean, std)
    train = [b for b in tiles(img, blocks, "train") if b["width"] == 32 and b["height"] == 32]
    valid_all = dem != -9999
    tvals = np.concatenate([crop(dem, b)[crop(valid_all, b)] for b in train])
    tm, ts = float(tvals.mean()), float(tvals.std())
    X = torch.from_numpy(np.stack([crop(nimg, b) for b in train]))
    T = torch.from_numpy(np.stack([(crop(dem, b) - tm) / ts for b in train]))[:, None]
    M = torch.from_numpy(np.stack([crop(valid_all, b) for b in train]))[:, None]
    model = ElevationRegressor(tm, ts)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    steps = 400
    for _ in range(steps):
        mu, logvar = model.forward_normalized(X)
        nll = 0.5 * (logvar + (T - mu) ** 2 / torch.exp(logvar))
        loss = nll[M].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    res = {}
    with torch.no_grad():
        for s in ("val", "test"):
            ys, mus, lvs = [], [], []
            for b in tiles(img, blocks, s):
                o = model(torch.from_numpy(crop(nimg, b))[None])[0].numpy()
                v = crop(valid_all, b)
                ys.append(crop(dem, b)[v])
                mus.append(o[0][v])
                lvs.append(o[1][v])
            res[s] = reg_metrics(np.concatenate(ys), np.concatenate(mus), np.concatenate(lvs))
    card = base_card("olinda-elevation-regressor", "regression",
                     "Per-pixel elevation (m) with a variance head from Landsat-7 ETM+ bands (im2height-style, fully convolutional).",
                     mean, std)
    card.update({
        "input": {"name": "input", "dtype": "float32", "layout": "NCHW", "patchSize": None, "halo": 7,
                  "note": "any tile size; the receptive field is 15x15 pixels, so overlap tiles by at least 2*halo"},
        "output": {"name": "mean_logvar", "kind": "mean-logvar", "layout": "N2HW", "quantity": "elevation", "unit": "m",
                   "note": "channel 0: predicted mean elevation in m; channel 1: natural log of the predictive variance in m^2"},
        "mcDropout": None,
        "training": {"data": SCENE_DESC + "; target: data/olinda-bench/dem_l7grid.tif (the r-cran-stars Olinda DEM, 90 m, "
                     "resampled bilinearly to the 28.5 m scene grid)",
                     "split": "spatially disjoint 32x32-pixel blocks (data/olinda-bench/blocks.csv)",
                     "samples": {"trainTiles": len(train), "trainPixels": int(M.sum())}, "steps": steps,
                     "optimizer": "Adam lr=5e-3, full batch", "loss": "Gaussian negative log-likelihood", "seed": SEED,
                     "targetMean_m": tm, "targetStd_m": ts},
        "evaluation": {"split": "test", "unit": "pixel",
                       "protocol": "each test block of blocks.csv run as one tile (zero padding at its edges); pixels with a valid DEM value"},
        "metrics": res["test"], "validationMetrics": res["val"],
    })
    export(model, "olinda-elevation-regressor", card, (torch.zeros(1, 6, 32, 32),), {0: "n", 2: "h", 3: "w"}, "mean_logvar")
    return res


def main():
    os.makedirs(OUT, exist_ok=True)
    img, labels, dem, blocks, patches = load()
    mean, std = band_stats(img, blocks)
    out = {"classifier": train_classifier(img, patches, mean, std)["test"]}
    out["segmenter"] = train_segmenter(img, labels, blocks, mean, std)["test"]
    out["regressor"] = train_regressor(img, dem, blocks, mean, std)["test"]
    for k, v in out.items():
        v = {a: b for a, b in v.items() if a not in ("perClass", "confusionMatrix")}
        print(k, json.dumps(v))


if __name__ == "__main__":
    main()
