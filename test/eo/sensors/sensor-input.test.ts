import { test } from "node:test";
import assert from "node:assert/strict";
import { addSensor, getSensor, findBand, sensorBandNumbers, listSensors, SensorInputError, type Sensor } from "../../../kernel/src/eo/index.js";

const sensorError = (re: RegExp) => (e: unknown) => e instanceof SensorInputError && re.test(e.message);
const add = (s: unknown) => () => addSensor(s as Sensor);

test("addSensor: definitions that would fail later or pick the wrong band are refused (were accepted)", () => {
  assert.throws(add(null), sensorError(/A sensor must be an object \{ id, name, bands \}, got null/));
  assert.throws(add({ id: "x" }), sensorError(/Sensor definition "x": bands must be a non-empty array/));
  assert.throws(add({ id: "", name: "n", bands: [] }), sensorError(/id must be a non-empty string, got the string ""/));
  assert.throws(add({ id: "x", name: "n", bands: [{ commonName: "red", center: 0.6, resolution: 10 }] }), sensorError(/band 1 needs a name/));
  assert.throws(add({ id: "x", name: "n", bands: [{ name: "B1", center: "0.6", resolution: 10 }] }), sensorError(/band "B1" needs center as a positive number \(micrometres\), got the string "0\.6"/));
  assert.throws(add({ id: "x", name: "n", bands: [{ name: "B1", center: 0.6, resolution: 10, scale: NaN }] }), sensorError(/band "B1" scale must be a finite number or left out, got NaN\./));
  // two bands named B1: sensorBandNumbers("x", ["red", "nir"]) gave [1, 1]
  assert.throws(add({ id: "x", name: "n", bands: [{ name: "B1", commonName: "red", center: 0.6, resolution: 10 }, { name: "b1", commonName: "nir", center: 0.8, resolution: 10 }] }),
    sensorError(/the name "b1" is used by bands 1 \("B1"\) and 2 \("b1"\); band names and aliases must be unique/));
  assert.ok(!listSensors().includes("x"));
});

test("getSensor/findBand/sensorBandNumbers: arguments of the wrong type are SensorInputErrors (were TypeErrors)", () => {
  assert.throws(() => getSensor(null as unknown as string), sensorError(/A sensor is an id such as "s2", "l8", "sentinel-2-msi" or a Sensor object, got null \(registered: sentinel-2-msi/));
  assert.throws(() => findBand({ id: "y" } as Sensor, "red"), sensorError(/Sensor definition "y": bands must be a non-empty array/));
  assert.throws(() => findBand("s2", 4 as unknown as string), sensorError(/Band names are strings such as "B04" or "red", got 4 \(for band numbers in a file, index the raster: raster\.band\(4\)\)/));
  assert.throws(() => sensorBandNumbers("s2", "red" as unknown as string[]), sensorError(/Band names must be an array such as \["red", "nir"\], got "red"/));
  assert.throws(() => sensorBandNumbers("s2", ["red"], [4 as unknown as string]), sensorError(/order must be an array of band names/));
});

test("sensors: full ids are case-insensitive like the short ids; built-in sensors pass the definition checks; valid lookups are unchanged", () => {
  assert.equal(getSensor("Sentinel-2-MSI").id, "sentinel-2-msi");
  for (const id of listSensors()) assert.equal(getSensor(getSensor(id)).id, id);
  assert.deepEqual(sensorBandNumbers("l7", ["red", "nir", "swir22"], ["B1", "B2", "B3", "B4", "B5", "B7"]), [3, 4, 6]);
  assert.deepEqual(sensorBandNumbers("s2", ["red", "nir"]), [4, 8]);
  assert.deepEqual(sensorBandNumbers("s2", ["nir", "red"], ["red", "nir08", "B8"]), [3, 1]);
});
