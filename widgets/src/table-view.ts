/**
 * The Table model and view: a paged, sortable HTML table; number columns arrive as typed arrays.
 * @module
 */
import { DOMWidgetModel, DOMWidgetView, type ISerializers } from "@jupyter-widgets/base";
import type { TableColumn, TableState } from "./contract.js";
import { decodeDeep } from "./serializers.js";
import { MODULE_NAME, MODULE_VERSION } from "./version.js";

const TABLE_DEFAULTS: Omit<TableState, "layout"> = {
  _model_name: "TableModel", _model_module: MODULE_NAME, _model_module_version: MODULE_VERSION,
  _view_name: "TableView", _view_module: MODULE_NAME, _view_module_version: MODULE_VERSION,
  columns: [], num_rows: 0, page_size: 10, page: 0, sort_by: "", sort_descending: false, precision: 4,
};

/** The browser-side Table model. */
export class TableModel extends DOMWidgetModel {
  override defaults(): Record<string, unknown> {
    return { ...super.defaults(), ...TABLE_DEFAULTS };
  }

  static override serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    columns: { deserialize: (v: unknown) => decodeDeep(v) },
  };
}

type Col = Omit<TableColumn, "values"> & { values: ArrayLike<unknown> };

function fmt(v: unknown, kind: string, precision: number): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  if (kind === "number" && typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(precision);
  return String(v);
}

function compare(a: unknown, b: unknown): number {
  const na = a === null || a === undefined || (typeof a === "number" && Number.isNaN(a));
  const nb = b === null || b === undefined || (typeof b === "number" && Number.isNaN(b));
  if (na || nb) return na === nb ? 0 : na ? 1 : -1; // missing values last
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

/** The browser-side Table view. */
export class TableView extends DOMWidgetView {
  override render(): void {
    this.el.classList.add("ai4eo-table-widget");
    this.listenTo(this.model, "change", () => this.#draw());
    this.#draw();
  }

  #order(cols: Col[], n: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    const by = this.model.get("sort_by") as string;
    const col = cols.find((c) => c.name === by);
    if (!col) return idx;
    const desc = this.model.get("sort_descending") as boolean;
    idx.sort((i, j) => {
      const c = compare(col.values[i], col.values[j]);
      return (desc ? -c : c) || i - j;
    });
    return idx;
  }

  #draw(): void {
    const cols = this.model.get("columns") as Col[];
    const n = this.model.get("num_rows") as number;
    const size = this.model.get("page_size") as number;
    const pages = Math.max(1, Math.ceil(n / size));
    const page = Math.min(this.model.get("page") as number, pages - 1);
    const precision = this.model.get("precision") as number;
    const by = this.model.get("sort_by") as string;
    const desc = this.model.get("sort_descending") as boolean;
    const order = this.#order(cols, n).slice(page * size, (page + 1) * size);

    const table = document.createElement("table");
    table.className = "ai4eo-table";
    const head = table.createTHead().insertRow();
    for (const c of cols) {
      const th = document.createElement("th");
      th.textContent = c.name + (c.name === by ? (desc ? " ▼" : " ▲") : "");
      th.title = `sort by ${c.name}`;
      th.style.cursor = "pointer";
      th.addEventListener("click", () => {
        if (by === c.name) this.model.set({ sort_descending: !desc, page: 0 });
        else this.model.set({ sort_by: c.name, sort_descending: false, page: 0 });
        this.model.save_changes();
      });
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const i of order) {
      const tr = body.insertRow();
      tr.addEventListener("click", () => this.send({ event: "row_click", row: i }));
      for (const c of cols) {
        const td = tr.insertCell();
        td.textContent = fmt(c.values[i], c.kind, precision);
        if (c.kind === "number") td.style.textAlign = "right";
      }
    }
    const nav = document.createElement("div");
    nav.className = "ai4eo-table-nav";
    const btn = (label: string, to: number, disabled: boolean): HTMLButtonElement => {
      const b = document.createElement("button");
      b.textContent = label;
      b.disabled = disabled;
      b.addEventListener("click", () => { this.model.set("page", to); this.model.save_changes(); });
      return b;
    };
    const info = document.createElement("span");
    info.textContent = ` page ${page + 1} of ${pages} · ${n} rows `;
    nav.append(btn("«", 0, page === 0), btn("‹", page - 1, page === 0), info, btn("›", page + 1, page >= pages - 1), btn("»", pages - 1, page >= pages - 1));
    this.el.replaceChildren(table, nav);
    this.el.dataset["ai4eoRendered"] = "table";
  }
}
