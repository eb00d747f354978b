/**
 * Make arquero tables display themselves as a {@link DataTable} widget (paged, sortable) when they are
 * the value of a cell: a display fallback that recognises arquero tables by shape, so neither this
 * module nor `import "ai4eo"` loads arquero (about 0.2–0.3 s), and tables of any arquero instance
 * (a cell's own `import "arquero"` included) display alike.
 * @module
 */
import { registerDisplayFallback, type MimeBundle } from "../eo/display.js";
import { DataTable, type TableLike } from "./table.js";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** True for an arquero table (a ColumnTable: rows, column names, typed column access). */
export function isArqueroTable(value: unknown): value is TableLike {
  if (value === null || typeof value !== "object") return false;
  const t = value as Record<string, unknown>;
  return typeof t.numRows === "function" && typeof t.columnNames === "function" && typeof t.column === "function" &&
    typeof t.array === "function" && typeof t.isFiltered === "function" && typeof t.isOrdered === "function";
}

function tableBundle(value: object): MimeBundle | undefined {
  if (!isArqueroTable(value)) return undefined;
  return (new DataTable(value) as unknown as Record<symbol, () => MimeBundle>)[JUPYTER_DISPLAY]!();
}

/**
 * Show arquero tables as interactive tables when displayed (idempotent; done when "ai4eo" loads).
 * @example
 * ```ts
 * installTableDisplay();
 * aq.table({ a: [1, 2] }); // as a cell's value: an interactive table
 * ```
 */
export function installTableDisplay(): void {
  registerDisplayFallback(tableBundle);
}
