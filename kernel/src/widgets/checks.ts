/**
 * Type checks for synced widget properties: each returns `undefined` when the value fits, or the
 * expected type in words (used in {@link WidgetPropertyError} messages).
 * @module
 */

/** A property check: `undefined` when `v` fits, else what was expected, in words. */
export type Check = (v: unknown) => string | undefined;

/** Any finite number. */
export const isNumber: Check = (v) => (typeof v === "number" && Number.isFinite(v) ? undefined : "a finite number");
/** An integer. */
export const isInt: Check = (v) => (Number.isInteger(v) ? undefined : "an integer");
/** A string. */
export const isString: Check = (v) => (typeof v === "string" ? undefined : "a string");
/** A boolean. */
export const isBool: Check = (v) => (typeof v === "boolean" ? undefined : "a boolean (true or false)");
/** Anything (JSON-able). */
export const isAny: Check = () => undefined;
/** A plain object. */
export const isObject: Check = (v) =>
  (typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) ? undefined : "an object");

/** `null` or what `c` accepts. */
export function nullable(c: Check): Check {
  return (v) => (v === null ? undefined : (c(v) === undefined ? undefined : `${c(v)} or null`));
}
/** One of the given strings. */
export function oneOf(...values: string[]): Check {
  return (v) => (typeof v === "string" && values.includes(v) ? undefined : `one of ${values.map((s) => JSON.stringify(s)).join(", ")}`);
}
/** A list whose items `c` accepts, optionally of exact length `n`. */
export function listOf(c: Check, n?: number): Check {
  return (v) => {
    const what = `a list of ${n ?? ""}${n ? " " : ""}${c(Symbol()) ?? "values"}`.replace("  ", " ");
    if (!Array.isArray(v) || (n !== undefined && v.length !== n)) return what;
    return v.every((x) => c(x) === undefined) ? undefined : what;
  };
}
