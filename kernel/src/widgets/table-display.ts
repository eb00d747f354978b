/**
 * Make arquero tables display themselves as a {@link DataTable} widget (paged, sortable) when they are
 * the value of a cell, by adding the `Symbol.for("Jupyter.display")` method to arquero's ColumnTable.
 * @module
 */
import { ColumnTable } from "arquero";
import { DataTable, type TableLike } from "./table.js";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * Install the display method on arquero's ColumnTable (idempotent; done when "ai4eo" loads).
 * @example
 * ```ts
 * installTableDisplay();
 * aq.table({ a: [1, 2] }); // as a cell's value: an interactive table
 * ```
 */
export function installTableDisplay(): void {
  const proto = ColumnTable.prototype as unknown as Record<symbol, unknown>;
  if (typeof proto[JUPYTER_DISPLAY] === "function") return;
  Object.defineProperty(proto, JUPYTER_DISPLAY, {
    value: function display(this: TableLike): Record<string, unknown> {
      return (new DataTable(this) as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!();
    },
    configurable: true,
    writable: true,
  });
}
