// Sizes the figure helpers allocate from are checked before anything is built: a histogram's or a
// reliability diagram's bins, a density scatter's bins per axis, a confusion matrix's number of
// classes. Before, bins 1e9 ran out of memory, a scatter's bins 3e4 (9e8 cells) or a confusion
// matrix of 3e4 distinct float values hung, and a reliability diagram with 1e5 bins scanned every
// bin for every sample. An image plot's maxSize below 1 is named instead of reported as a bad heatmap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Raster } from "../../kernel/src/eo/raster/raster.js";
import { plots, WidgetPropertyError } from "../../kernel/src/widgets/index.js";

const raster = new Raster({ width: 8, height: 4, dtype: "float32", bands: [Float32Array.from({ length: 32 }, (_, i) => i * 0.25)] });

function propertyError(widget: string, field: string, expected: string, got: string): (e: unknown) => boolean {
  return (e) => e instanceof WidgetPropertyError &&
    e.message === `${widget}.${field} must be ${expected}, got ${got}. Set ${field} to ${expected}.`;
}

test("histogram bins must be a whole number from 1 to MAX_HISTOGRAM_BINS", { timeout: 60_000 }, () => {
  const expected = `a whole number of bins from 1 to ${plots.MAX_HISTOGRAM_BINS} (MAX_HISTOGRAM_BINS), e.g. 256`;
  for (const bins of [1e9, plots.MAX_HISTOGRAM_BINS + 1, 0, -3, 2.5, Number.NaN, Infinity]) {
    assert.throws(() => plots.histogram(raster, { bins }), propertyError("histogram", "bins", expected, String(bins)), String(bins));
  }
  assert.equal(plots.histogram(raster, { bins: 4 }).stats.counts[0]!.length, 4);
});

test("reliabilityDiagram bins must be a whole number from 1 to MAX_RELIABILITY_BINS; many bins stay fast and exact", { timeout: 60_000 }, () => {
  const expected = `a whole number of bins from 1 to ${plots.MAX_RELIABILITY_BINS} (MAX_RELIABILITY_BINS), e.g. 10 or 15`;
  for (const bins of [1e9, plots.MAX_RELIABILITY_BINS + 1, 0, Number.NaN]) {
    assert.throws(() => plots.reliabilityDiagram([0.5], [1], { bins }), propertyError("reliabilityDiagram", "bins", expected, String(bins)), String(bins));
  }
  // 1e5 bins × 2e5 samples: a per-sample scan of the bins would take 1e10 steps.
  const n = 200_000;
  const conf = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const fig = plots.reliabilityDiagram(conf, new Uint8Array(n), { bins: 100_000 });
  assert.deepEqual([...fig.stats.counts.subarray(0, 3)], [2, 2, 2]);
  // Bin b holds (b/bins, (b+1)/bins]; 0 and edge values go left, as sklearn's searchsorted.
  const edge = plots.reliabilityDiagram([0, 0.25, 0.2500001, 0.5, 1], [1, 1, 1, 1, 1], { bins: 4 });
  assert.deepEqual([...edge.stats.counts], [2, 2, 0, 1]);
});

test("scatter density bins must be a whole number from 1 to MAX_DENSITY_BINS", { timeout: 60_000 }, () => {
  const expected = `a whole number of bins per axis from 1 to ${plots.MAX_DENSITY_BINS} (MAX_DENSITY_BINS; the density has bins × bins cells), e.g. 128`;
  for (const bins of [30_000, 1e5, 0, Number.NaN]) {
    assert.throws(() => plots.scatter([1, 2, 3], [3, 1, 2], { density: true, bins }), propertyError("scatter", "bins", expected, String(bins)), String(bins));
  }
  assert.equal(plots.scatter([1, 2, 3], [3, 1, 2], { density: true, bins: 2 }).stats.counts!.length, 4);
});

test("confusionMatrix of more than MAX_CONFUSION_CLASSES classes says to pass class ids", { timeout: 60_000 }, () => {
  const max = plots.MAX_CONFUSION_CLASSES;
  // A probability map passed as predictions and truth: every value is its own "class".
  const probs = Float64Array.from({ length: 30_000 }, (_, i) => i / 30_000);
  const hint = "pass class ids (e.g. an argmax map, not probabilities or reflectances), or the classes to show as labels";
  assert.throws(() => plots.confusionMatrix(probs, probs),
    propertyError("confusionMatrix", "yTrue/yPred", `at most ${max} classes (MAX_CONFUSION_CLASSES), but yTrue and yPred hold 30000 distinct values: ${hint}`, "30000"));
  const labels = Array.from({ length: max + 1 }, (_, i) => i);
  assert.throws(() => plots.confusionMatrix([1], [1], { labels }),
    propertyError("confusionMatrix", "labels", `at most ${max} classes (MAX_CONFUSION_CLASSES), but labels has ${max + 1} distinct values: ${hint}`, `an array of ${max + 1} ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …])`));
  assert.equal(plots.confusionMatrix([1], [1], { labels: labels.slice(0, max) }).stats.labels.length, max);
});

test("imagePlot maxSize must be ≥ 1 (before: 0 and NaN were reported as a heatmap of 0×0 or NaN×NaN values, -1 was ignored)", { timeout: 60_000 }, () => {
  const expected = "a number of pixels ≥ 1 (the longest side sent; default 1024)";
  for (const maxSize of [0, -1, Number.NaN]) {
    assert.throws(() => plots.imagePlot(raster, { maxSize }), propertyError("imagePlot", "maxSize", expected, String(maxSize)), String(maxSize));
  }
  assert.equal(plots.imagePlot(raster, { maxSize: 4 }).stats.step, 2);
  assert.equal(plots.imagePlot(raster, { maxSize: Infinity }).stats.step, 1);
});

test("histogram range must be two finite numbers with min < max (before: [0, Infinity] gave NaN bin edges, [1, 0] and [NaN, 1] blamed the bands)", () => {
  const expected = "[min, max] of two finite numbers with min < max, e.g. [0, 1]";
  const ranges = [[0, Infinity], [-Infinity, 0], [Number.NaN, 1], [0, Number.NaN], [1, 0], [2, 2], [-1.7e308, 1.7e308], [0], [0, "1"], "0,1"];
  for (const range of ranges) {
    assert.throws(() => plots.histogram(raster, { range: range as [number, number] }),
      (e: unknown) => e instanceof WidgetPropertyError && e.field === "range" && e.message.startsWith(`histogram.range must be ${expected}, got `),
      String(range));
  }
  assert.throws(() => plots.histogram(raster, { range: [0, Infinity] }), (e: unknown) => e instanceof WidgetPropertyError &&
    e.message === `histogram.range must be ${expected}, got an array of 2 ([0, Infinity]). Set range to ${expected}.`);
  const h = plots.histogram(raster, { range: [0, 8], bins: 4 });
  assert.deepEqual([...h.stats.edges], [0, 2, 4, 6, 8]);
  assert.deepEqual([...h.stats.counts[0]!], [8, 8, 8, 8]);
});

test("heatmap and imagePlot zmin/zmax must be finite numbers with zmin < zmax (before: NaN was dropped on the wire and garbled the PNG fallback, a string or an inverted range went to plotly as is)", () => {
  const values = new Float32Array([1, 2, 3, 4, 5, 6]);
  for (const [field, v] of [["zmin", Number.NaN], ["zmax", Infinity], ["zmin", "0"], ["zmax", null]] as const) {
    assert.throws(() => plots.heatmap(values, 2, 3, { [field]: v } as never), (e: unknown) => e instanceof WidgetPropertyError && e.field === field &&
      e.message.startsWith(`heatmap.${field} must be a finite number (the value drawn at that end of the colour scale), got `), `${field} ${String(v)}`);
  }
  for (const [zmin, zmax] of [[2, 1], [1, 1]]) {
    assert.throws(() => plots.heatmap(values, 2, 3, { zmin, zmax }), (e: unknown) => e instanceof WidgetPropertyError && e.field === "zmax" &&
      e.message.startsWith(`heatmap.zmax must be a number above zmin (${zmin}): zmin is the low end of the colour scale`), `${zmin} ${zmax}`);
  }
  assert.throws(() => plots.imagePlot(raster, { zmin: -1, zmax: -2 }), (e: unknown) => e instanceof WidgetPropertyError && e.field === "zmax");
  // valid ranges, and one end alone, are kept as given
  const trace = (f: { data: unknown[] }) => f.data[0] as Record<string, unknown>;
  const t = trace(plots.heatmap(values, 2, 3, { zmin: -1, zmax: 1 }));
  assert.deepEqual([t["zmin"], t["zmax"]], [-1, 1]);
  const u = trace(plots.heatmap(values, 2, 3, { zmin: 0 }));
  assert.deepEqual([u["zmin"], u["zmax"]], [0, 6]);
  // one end alone with every value beyond it, or a constant grid: one unit from the given end
  // (before: the data's extreme made an inverted or empty range that went to plotly as is)
  const range = (f: { data: unknown[] }) => [trace(f)["zmin"], trace(f)["zmax"]];
  assert.deepEqual(range(plots.heatmap(values, 2, 3, { zmin: 10 })), [10, 11]);
  assert.deepEqual(range(plots.heatmap(values, 2, 3, { zmax: 1 })), [0, 1]);
  assert.deepEqual(range(plots.heatmap(values, 2, 3, { zmax: -2 })), [-3, -2]);
  assert.deepEqual(range(plots.heatmap(new Float32Array(6).fill(4), 2, 3)), [4, 5]);
  assert.deepEqual(range(plots.heatmap(new Float32Array(6).fill(Number.NaN), 2, 3)), [undefined, undefined]);
});

test("the PNG fallback of a heatmap draws the range the plotly trace has (one end given, every value beyond it)", async () => {
  const { decode } = await import("fast-png");
  const png = (options: { zmin?: number; zmax?: number }) => {
    const fig = plots.heatmap(new Float32Array([1, 2, 3, 4]), 2, 2, { colorscale: "Greys", ...options });
    const img = decode(Buffer.from(String((fig as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]!()["image/png"]), "base64"));
    return [[10, 10], [200, 10], [10, 200], [200, 200]].map(([x, y]) => Array.from(img.data.slice((y! * img.width + x!) * 4, (y! * img.width + x!) * 4 + 4)));
  };
  // every value above zmax = 0: all white (before: the range became [1, 2] and the cells were shaded)
  for (const p of png({ zmax: 0 })) assert.deepEqual(p, [255, 255, 255, 255]);
  // every value below zmin = 10: all black
  for (const p of png({ zmin: 10 })) assert.deepEqual(p, [0, 0, 0, 255]);
  // no end given: the data's range, black to white
  const auto = png({});
  assert.deepEqual([auto[0], auto[3]], [[0, 0, 0, 255], [255, 255, 255, 255]]);
});
