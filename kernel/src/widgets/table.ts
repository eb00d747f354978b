/**
 * The Table widget: an arquero table as a paged, sortable view in the browser. Typed-array columns
 * stay typed (one binary buffer each); the text/plain and text/html fallbacks show the first rows.
 * @module
 */
import type { TableColumn, TableState } from "../../../widgets/src/contract.js";
import { isBool, isInt, isString, listOf, isObject } from "./checks.js";
import { WidgetPropertyError } from "./errors.js";
import { domInit, domSpecs, DOMWidget, type DOMProps, type DOMWidgetOptions } from "./controls/common.js";
import { AI4EO_MODULE, packageVersion } from "./version.js";
import { dtypeOf, type WireTypedArray } from "./wire.js";

/** What the Table widget needs from an arquero table (arquero 7's ColumnTable fits). */
export interface TableLike {
  numRows(): number;
  columnNames(): string[];
  column(name: string): ArrayLike<unknown> | { length: number; at(i: number): unknown } | undefined;
  array(name: string, constructor?: ArrayConstructor | Float64ArrayConstructor): ArrayLike<unknown>;
  isFiltered(): boolean;
  isOrdered(): boolean;
}

/** Options of {@link Table}. */
export interface TableOptions extends DOMWidgetOptions {
  /** Rows per page; default 10. */
  pageSize?: number;
  /** Decimal places shown for non-integer numbers; default 4. */
  precision?: number;
  /** Most rows sent to the browser (the rest are counted but not shown); default 100000. */
  maxRows?: number;
}

/** Kernel-side synced fields of Table. */
export interface TableProps extends DOMProps {
  columns: TableColumn[];
  num_rows: number;
  page_size: number;
  page: number;
  sort_by: string;
  sort_descending: boolean;
  precision: number;
}

/** Encode the columns of `table` (first `maxRows` rows) for the wire. */
export function tableColumns(table: TableLike, maxRows = 100000): { columns: TableColumn[]; rows: number } {
  const rows = Math.min(table.numRows(), maxRows);
  const plain = !table.isFiltered() && !table.isOrdered();
  const columns = table.columnNames().map((name): TableColumn => {
    const raw = table.column(name);
    let arr: ArrayLike<unknown>;
    if (plain && raw && dtypeOf(raw)) arr = raw as ArrayLike<unknown>;
    else if (raw && dtypeOf(raw)) arr = table.array(name, (raw as object).constructor as Float64ArrayConstructor);
    else arr = table.array(name);
    if (dtypeOf(arr)) {
      const typed = arr as WireTypedArray;
      return { name, kind: "number", values: typed.length > rows ? (typed.subarray(0, rows) as never) : (typed as never) };
    }
    const list = Array.from({ length: rows }, (_, i) => arr[i]);
    const nonNull = list.filter((v) => v !== null && v !== undefined);
    if (nonNull.length > 0 && nonNull.every((v) => typeof v === "number")) {
      return { name, kind: "number", values: Float64Array.from(list, (v) => (typeof v === "number" ? v : NaN)) as never };
    }
    if (nonNull.every((v) => typeof v === "boolean")) return { name, kind: "boolean", values: list.map((v) => (typeof v === "boolean" ? v : null)) };
    if (nonNull.every((v) => v instanceof Date)) return { name, kind: "date", values: list.map((v) => (v instanceof Date ? v.toISOString() : null)) };
    if (nonNull.every((v) => typeof v === "string")) return { name, kind: "string", values: list.map((v) => (typeof v === "string" ? v : null)) };
    return { name, kind: "other", values: list.map((v) => (v === null || v === undefined ? null : typeof v === "object" ? JSON.stringify(v) : String(v))) };
  });
  return { columns, rows };
}

function cell(v: unknown, precision: number): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(precision);
  return String(v);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A paged, sortable table view of an arquero table. Arquero tables display as one automatically
 * (the last expression of a cell); create it yourself to set the page size or react to clicks.
 * @example
 * ```ts
 * import * as aq from "arquero";
 * const t = aq.table({ class: ["water", "urban"], pixels: new Int32Array([5120, 880]) });
 * new DataTable(t, { pageSize: 20 });
 * ```
 */
export class DataTable extends DOMWidget<TableProps> {
  declare page: number;
  declare page_size: number;
  declare sort_by: string;
  declare sort_descending: boolean;
  readonly #total: number;
  readonly #rowClick = new Set<(row: number) => void>();

  constructor(table: TableLike, options: TableOptions = {}) {
    if (!table || typeof table.numRows !== "function" || typeof table.columnNames !== "function") {
      throw new WidgetPropertyError("DataTable", "table", "an arquero table (from aq.table, aq.fromCSV, ...)", table);
    }
    const { columns, rows } = tableColumns(table, options.maxRows ?? 100000);
    const version = packageVersion();
    super("DataTable", {
      modelName: "TableModel" satisfies TableState["_model_name"], modelModule: AI4EO_MODULE, modelModuleVersion: version,
      viewName: "TableView" satisfies TableState["_view_name"], viewModule: AI4EO_MODULE, viewModuleVersion: version,
    }, {
      ...domSpecs(),
      columns: { check: listOf(isObject), viewWritable: false },
      num_rows: { check: isInt, viewWritable: false },
      page_size: { check: (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : "a positive integer") },
      page: { check: (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : "a page number ≥ 0") },
      sort_by: { check: isString },
      sort_descending: { check: isBool },
      precision: { check: isInt, viewWritable: false },
    }, {
      ...domInit(options), columns, num_rows: rows, page_size: options.pageSize ?? 10, page: 0,
      sort_by: "", sort_descending: false, precision: options.precision ?? 4,
    }, options);
    this.#total = table.numRows();
    this.onCustomMessage((c) => {
      if (c["event"] === "row_click" && Number.isInteger(c["row"])) for (const fn of [...this.#rowClick]) fn(c["row"] as number);
      else console.warn(`ai4eo widgets: Table got unknown event ${JSON.stringify(c["event"])}; ignored.`);
    });
  }

  /** Run `fn` with the (0-based, table-order) row index when a row is clicked. */
  onRowClick(fn: (row: number) => void): () => void {
    this.#rowClick.add(fn);
    return () => this.#rowClick.delete(fn);
  }

  protected override fallbackText(): string {
    return tableText(this.get("columns"), this.get("num_rows"), this.#total, this.get("page_size"), this.get("precision"));
  }

  protected override fallbackBundle(): Record<string, unknown> {
    return { "text/html": tableHtml(this.get("columns"), this.#total, this.get("page_size"), this.get("precision")) };
  }
}

function value(col: TableColumn, i: number): unknown {
  return (col.values as ArrayLike<unknown>)[i];
}

/** The first `limit` rows as aligned text. */
export function tableText(columns: TableColumn[], rows: number, total: number, limit: number, precision: number): string {
  const n = Math.min(rows, limit);
  const grid = [columns.map((c) => c.name), ...Array.from({ length: n }, (_, i) => columns.map((c) => cell(value(c, i), precision)))];
  const widths = columns.map((_, j) => Math.max(...grid.map((r) => r[j]!.length)));
  const lines = grid.map((r) => r.map((s, j) => s.padStart(widths[j]!)).join("  "));
  return `${lines.join("\n")}\n(${total} rows × ${columns.length} columns${total > n ? `, first ${n} shown` : ""})`;
}

/** The first `limit` rows as an HTML table. */
export function tableHtml(columns: TableColumn[], total: number, limit: number, precision: number): string {
  const n = Math.min(total, limit, columns[0] ? (columns[0].values as ArrayLike<unknown>).length : 0);
  const head = columns.map((c) => `<th>${esc(c.name)}</th>`).join("");
  const body = Array.from({ length: n }, (_, i) =>
    `<tr>${columns.map((c) => `<td${c.kind === "number" ? ' style="text-align:right"' : ""}>${esc(cell(value(c, i), precision))}</td>`).join("")}</tr>`).join("");
  return `<table class="ai4eo-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<div>${total} rows × ${columns.length} columns${total > n ? `, first ${n} shown` : ""}</div>`;
}
