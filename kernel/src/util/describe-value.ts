/**
 * One way to show a received value in an error message, for every room of the kernel (it imports
 * nothing of ours, so eo/, widgets/ and the rest may all use it).
 * @module
 */

/** Longest string shown before it is cut with "…". */
const STRING_CHARS = 40;

/** Longest preview of an array or object before it is cut with "…" (a geotransform or bounds fit). */
const PREVIEW_CHARS = 80;

/** Levels of nesting shown in a preview; deeper arrays and objects are `[…]` and `{…}`. */
const PREVIEW_DEPTH = 2;

/** Items or entries shown in a preview before "…". */
const PREVIEW_ITEMS = 10;

/**
 * A short description of a value that reads well after "got", for error messages: literals for
 * numbers, booleans, `null` and `undefined`; a kind word where the literal alone could mislead
 * (a string "3" is not the number 3); the length and a short preview for arrays and plain
 * objects; the type and length for typed arrays; the class name with its article for instances.
 *
 * | value                          | description                                |
 * | ------------------------------ | ------------------------------------------ |
 * | `null`, `undefined`            | `null`, `undefined`                        |
 * | `3`, `-0`, `NaN`, `-Infinity`  | `3`, `-0`, `NaN`, `-Infinity`              |
 * | `true`                         | `true`                                     |
 * | `"3"`                          | `the string "3"` (cut after 40 characters) |
 * | `3n`, `Symbol("k")`            | `the bigint 3n`, `the symbol Symbol(k)`    |
 * | `[0, NaN]`, `[]`               | `an array of 2 ([0, NaN])`, `an empty array` |
 * | `new Float32Array(12)`         | `a Float32Array of 12 values`              |
 * | `() => 1`, `Math.max`          | `a function`, `the function max`           |
 * | `Raster` (the class)           | `the class Raster`                         |
 * | `{ a: 1, b: "x" }`             | `an object ({ a: 1, b: "x" })`             |
 * | `new Raster(…)`                | `a Raster`                                 |
 * | `new Date(0)`                  | `a Date (1970-01-01T00:00:00.000Z)`        |
 * | `new Map([[1, 2]])`            | `a Map of 1 entry` (Set: items)            |
 * | `new RangeError("too big")`    | `a RangeError ("too big")`                 |
 * | `fetch(url)`                   | `a Promise (missing an await?)`            |
 *
 * Previews use JavaScript literal notation (as a user types it in a cell) rather than JSON, so
 * NaN, Infinity, -0 and undefined stay what they are; they never throw, even for cyclic values
 * or throwing getters.
 *
 * @param v any value
 * @returns a phrase such as `the string "8"` or `an array of 3 ([1, 2, 3])`
 * @example
 * ```ts
 * throw new RangeError(`bins must be a whole number ≥ 1, got ${describeValue(bins)}.`);
 * // bins must be a whole number ≥ 1, got the string "8".
 * // bins must be a whole number ≥ 1, got an array of 2 ([8, 8]).
 * // bins must be a whole number ≥ 1, got NaN.
 * ```
 */
export function describeValue(v: unknown): string {
  try {
    return describe(v);
  } catch {
    return "a value that cannot be inspected (a revoked Proxy?)";
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return literal(v);
  if (typeof v === "string") return `the string ${quoted(v)}`;
  if (typeof v === "bigint") return `the bigint ${v}n`;
  if (typeof v === "symbol") return `the symbol ${String(v)}`;
  if (typeof v === "function") return describeFunction(v);
  if (Array.isArray(v)) return v.length === 0 ? "an empty array" : `an array of ${v.length} (${preview(v, PREVIEW_DEPTH)})`;
  if (ArrayBuffer.isView(v)) {
    const name = className(v) ?? "typed array";
    return v instanceof DataView ? `${withArticle(name)} of ${plural(v.byteLength, "byte")}` : `${withArticle(name)} of ${plural((v as unknown as ArrayLike<number>).length, "value")}`;
  }
  const name = className(v);
  if (name === undefined || name === "Object") return `an object (${preview(v, PREVIEW_DEPTH)})`;
  return `${withArticle(name)}${instanceDetail(v as object, name)}`;
}

/** A value as a literal inside a preview; containers below `depth` 0 are shortened to `[…]` / `{…}` / their class. */
function preview(v: unknown, depth: number): string {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return literal(v);
  if (typeof v === "string") return quoted(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol") return String(v);
  if (typeof v === "function") return describeFunction(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (depth <= 0) return "[…]";
    return cut(`[${v.slice(0, PREVIEW_ITEMS).map((x) => preview(x, depth - 1)).join(", ")}${v.length > PREVIEW_ITEMS ? ", …" : ""}]`, "]");
  }
  const name = className(v);
  if (ArrayBuffer.isView(v) || (name !== undefined && name !== "Object")) return name ?? "typed array";
  let keys: string[];
  try {
    keys = Object.keys(v);
  } catch {
    return "{…}";
  }
  if (keys.length === 0) return "{}";
  if (depth <= 0) return "{…}";
  const entries = keys.slice(0, PREVIEW_ITEMS).map((k) => {
    let item: string;
    try {
      item = preview((v as Record<string, unknown>)[k], depth - 1);
    } catch {
      item = "?";
    }
    return `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${item}`;
  });
  return cut(`{ ${entries.join(", ")}${keys.length > PREVIEW_ITEMS ? ", …" : ""} }`, " }");
}

function literal(v: null | undefined | number | boolean): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

function quoted(s: string): string {
  return JSON.stringify(s.length > STRING_CHARS ? `${s.slice(0, STRING_CHARS)}…` : s);
}

/** `s` cut to about {@link PREVIEW_CHARS} characters, keeping its closing bracket. */
function cut(s: string, close: string): string {
  return s.length > PREVIEW_CHARS + close.length ? `${s.slice(0, PREVIEW_CHARS - 1)}…${close}` : s;
}

function describeFunction(f: Function): string {
  let source = "";
  try {
    source = Function.prototype.toString.call(f);
  } catch {
    // a revoked proxy: no source to look at
  }
  if (/^class\b/.test(source)) return f.name ? `the class ${f.name}` : "a class";
  return f.name ? `the function ${f.name}` : "a function";
}

/** The constructor's name of an object, `undefined` for a null prototype or when it cannot be read. */
function className(v: object): string | undefined {
  try {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** What is worth adding after the class name of some built-ins. */
function instanceDetail(v: object, name: string): string {
  try {
    if (v instanceof Date) return ` (${Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString()})`;
    if (v instanceof Map || v instanceof Set) return ` of ${plural(v.size, v instanceof Map ? "entry" : "item")}`;
    if (v instanceof ArrayBuffer) return ` of ${plural(v.byteLength, "byte")}`;
    if (v instanceof Promise || name === "Promise") return " (missing an await?)";
    if (v instanceof Error) return ` (${quoted(v.message)})`;
  } catch {
    // an exotic object whose internals cannot be read: the class name says enough
  }
  return "";
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : word === "entry" ? "entries" : `${word}s`}`;
}

/** `a Raster`, `an Int8Array`, `an ArrayBuffer` (not before U: `a Uint8Array`). */
function withArticle(name: string): string {
  return `${/^[AEIO]/i.test(name) ? "an" : "a"} ${name}`;
}
