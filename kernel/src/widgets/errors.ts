/**
 * Errors thrown by the widget runtime. Each names the widget, the field and what to do.
 * @module
 */
import { describeValue } from "../util/describe-value.js";

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
      `${widget}.${field} must be ${expected}, got ${describeValue(got)}. ` +
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
