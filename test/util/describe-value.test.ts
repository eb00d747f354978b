// describeValue: one description of a received value for every error message, reading well after
// "got" for every kind of value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeValue } from "../../kernel/src/util/describe-value.js";

class Raster { width = 1; }
class AbortThing {}

test("primitives: literals for numbers, booleans, null and undefined; a kind word for strings, bigints and symbols", () => {
  const cases: [unknown, string][] = [
    [null, "null"], [undefined, "undefined"],
    [3, "3"], [-1.5, "-1.5"], [0, "0"], [-0, "-0"], [Number.NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"], [1e21, "1e+21"],
    [true, "true"], [false, "false"],
    ["3", 'the string "3"'], ["", 'the string ""'], ['say "hi"\n', 'the string "say \\"hi\\"\\n"'],
    ["x".repeat(41), `the string "${"x".repeat(40)}…"`], ["x".repeat(40), `the string "${"x".repeat(40)}"`],
    [3n, "the bigint 3n"], [Symbol("k"), "the symbol Symbol(k)"],
  ];
  for (const [v, want] of cases) assert.equal(describeValue(v), want, String(v));
});

test("arrays: length and a short preview in literal notation (NaN, -0 and undefined kept), two levels deep, cut after 80 characters", () => {
  assert.equal(describeValue([]), "an empty array");
  assert.equal(describeValue([0, Number.NaN]), "an array of 2 ([0, NaN])");
  assert.equal(describeValue([-0, undefined, null, "a", 2n, true]), 'an array of 6 ([-0, undefined, null, "a", 2n, true])');
  assert.equal(describeValue([[1, 2], { a: 1 }, new Float32Array(2), new Raster()]), "an array of 4 ([[1, 2], { a: 1 }, Float32Array, Raster])");
  assert.equal(describeValue(Array.from({ length: 1000 }, (_, i) => i)), "an array of 1000 ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …])");
  assert.equal(describeValue([[[1]], { a: { b: 1 } }]), "an array of 2 ([[[…]], { a: {…} }])");
  assert.equal(describeValue(Array.from({ length: 20 }, () => 123456.789)),
    "an array of 20 ([123456.789, 123456.789, 123456.789, 123456.789, 123456.789, 123456.789, 123456…])");
  assert.equal(describeValue([500000, 30, 0, 9100000, 0, -30]), "an array of 6 ([500000, 30, 0, 9100000, 0, -30])");
  const cyclic: unknown[] = [1];
  cyclic.push(cyclic);
  assert.equal(describeValue(cyclic), "an array of 2 ([1, [1, […]]])");
});

test("typed arrays, DataViews, ArrayBuffers: type and length with the right article", () => {
  assert.equal(describeValue(new Float32Array(12)), "a Float32Array of 12 values");
  assert.equal(describeValue(new Uint8Array(1)), "a Uint8Array of 1 value");
  assert.equal(describeValue(new Int8Array(0)), "an Int8Array of 0 values");
  assert.equal(describeValue(new BigInt64Array(2)), "a BigInt64Array of 2 values");
  assert.equal(describeValue(new DataView(new ArrayBuffer(8))), "a DataView of 8 bytes");
  assert.equal(describeValue(new ArrayBuffer(16)), "an ArrayBuffer of 16 bytes");
});

test("functions and classes: named where they have a name", () => {
  assert.equal(describeValue(() => 1), "a function");
  assert.equal(describeValue(Math.max), "the function max");
  assert.equal(describeValue(function histogram() {}), "the function histogram");
  assert.equal(describeValue(Raster), "the class Raster");
  assert.equal(describeValue(class {}), "a class");
});

test("plain objects: a short preview (strings in it cut after 40 characters); class instances: the class name with its article", () => {
  assert.equal(describeValue({}), "an object ({})");
  assert.equal(describeValue({ a: 1, b: "x", "c-d": [1, 2] }), 'an object ({ a: 1, b: "x", "c-d": [1, 2] })');
  assert.equal(describeValue({ minX: 500000, minY: 9099640, maxX: Number.NaN, maxY: 9100000 }), "an object ({ minX: 500000, minY: 9099640, maxX: NaN, maxY: 9100000 })");
  assert.equal(describeValue({ aborted: false }), "an object ({ aborted: false })");
  assert.equal(describeValue(Object.create(null)), "an object ({})");
  assert.equal(describeValue({ long: "y".repeat(60) }), `an object ({ long: "${"y".repeat(40)}…" })`);
  const cyclic: Record<string, unknown> = { n: 1 };
  cyclic["self"] = cyclic;
  assert.equal(describeValue(cyclic), "an object ({ n: 1, self: { n: 1, self: {…} } })");
  assert.equal(describeValue({ get boom() { throw new Error("no"); } }), "an object ({ boom: ? })");
  assert.equal(describeValue(new Raster()), "a Raster");
  assert.equal(describeValue(new AbortThing()), "an AbortThing");
  assert.equal(describeValue(new Date(0)), "a Date (1970-01-01T00:00:00.000Z)");
  assert.equal(describeValue(new Date(Number.NaN)), "a Date (Invalid Date)");
  assert.equal(describeValue(new Map([[1, 2]])), "a Map of 1 entry");
  assert.equal(describeValue(new Set([1, 2])), "a Set of 2 items");
  assert.equal(describeValue(Promise.resolve(1)), "a Promise (missing an await?)");
  assert.equal(describeValue(new RangeError("too big")), 'a RangeError ("too big")');
  assert.equal(describeValue(/x/), "a RegExp");
});

test("never throws, even for proxies that throw on every trap", () => {
  const hostile = new Proxy({}, { get() { throw new Error("get"); }, ownKeys() { throw new Error("keys"); }, getPrototypeOf() { throw new Error("proto"); } });
  assert.equal(describeValue(hostile), "an object ({…})");
  const { proxy, revoke } = Proxy.revocable(() => 1, {});
  revoke();
  assert.equal(describeValue(proxy), "a value that cannot be inspected (a revoked Proxy?)");
});

test("reads as a sentence after 'got'", () => {
  const msg = (v: unknown) => `bins must be a whole number ≥ 1, got ${describeValue(v)}.`;
  assert.equal(msg("8"), 'bins must be a whole number ≥ 1, got the string "8".');
  assert.equal(msg([8, 8]), "bins must be a whole number ≥ 1, got an array of 2 ([8, 8]).");
  assert.equal(msg(Number.NaN), "bins must be a whole number ≥ 1, got NaN.");
});
