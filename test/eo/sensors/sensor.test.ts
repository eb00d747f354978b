import { test } from "node:test";
import assert from "node:assert/strict";
import { getSensor, findBand, sensorBandNumbers, addSensor, listSensors, UnknownSensorBandError, UnknownSensorError } from "../../../kernel/src/eo/index.js";

test("Sentinel-2, Landsat 8/9, Landsat 7 and Sentinel-1 as data; bands found by id, common name or alias", () => {
  const s2 = getSensor("s2");
  assert.equal(s2.bands.length, 13);
  assert.deepEqual(s2.bands.map((b) => b.name), ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12"]);
  assert.deepEqual(s2.bands.map((b) => b.resolution), [60, 10, 10, 10, 20, 20, 20, 10, 20, 60, 60, 20, 20]);
  assert.equal(findBand("s2", "swir16").name, "B11");
  assert.equal(findBand("s2", "B4").name, "B04");
  assert.equal(findBand("sentinel-2-msi", "RED").center, 0.665);
  assert.equal(findBand("l8", "nir").name, "B5");
  assert.equal(findBand("l9", "lwir11").resolution, 100);
  assert.equal(findBand("l8", "B4").scale, 2.75e-5);
  assert.equal(findBand("l7", "swir22").name, "B7");
  assert.equal(findBand("s1", "vh").name, "VH");
  assert.deepEqual(sensorBandNumbers("l7", ["red", "nir", "swir22"], ["B1", "B2", "B3", "B4", "B5", "B7"]), [3, 4, 6]);
  assert.deepEqual(sensorBandNumbers("s2", ["B8A", "blue"]), [9, 2]);
  assert.throws(() => findBand("s2", "thermal"), (e: unknown) => e instanceof UnknownSensorBandError && /Sensor "sentinel-2-msi" has no band "thermal"\. Known names: B01, coastal/.test(e.message));
  assert.throws(() => sensorBandNumbers("l7", ["lwir"], ["B1", "B2", "B3", "B4", "B5", "B7"]), /no band "lwir \(B6\) in this file's bands \[B1, B2, B3, B4, B5, B7\]"/);
  assert.throws(() => getSensor("modis"), (e: unknown) => e instanceof UnknownSensorError && /addSensor/.test(e.message));
  addSensor({ id: "test-cam", name: "Test camera", bands: [{ name: "R", commonName: "red", center: 0.65, resolution: 1 }] });
  assert.ok(listSensors().includes("test-cam"));
  assert.deepEqual(sensorBandNumbers("test-cam", ["red"]), [1]);
});
