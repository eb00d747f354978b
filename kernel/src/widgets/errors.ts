/**
 * Errors thrown by the widget runtime. Each names the widget, the field and what to do.
 * @module
 */

/** Base class of widget errors. */
export class WidgetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A synced property was set to a value of the wrong type (thrown in the cell that did it).
 * @example
 * ```ts
 * try { slider.value = "3" as never; } catch (e) { if (e instanceof WidgetPropertyError) console.log(e.field); }
 * ```
 */
export class WidgetPropertyError extends WidgetError {
  constructor(readonly widget: string, readonly field: string, readonly expected: string, readonly got: unknown) {
    super(
      `${widget}.${field} must be ${expected}, got ${describe(got)}. ` +
      `Set ${field} to ${expected}.`,
    );
  }
}

/** A method was used on a closed widget. */
export class WidgetClosedError extends WidgetError {
  constructor(readonly widget: string, readonly modelId: string) {
    super(`${widget} (model ${modelId}) is closed; create a new widget instead of using a closed one.`);
  }
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `"${v.length > 40 ? v.slice(0, 40) + "…" : v}" (string)`;
  if (typeof v === "number" || typeof v === "boolean") return `${v} (${typeof v})`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return `a ${(v as object).constructor?.name ?? typeof v}`;
}
