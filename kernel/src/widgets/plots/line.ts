/**
 * Line charts and time series.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure, TRACE_COLORS } from "../figure.js";

/** One line: x values (numbers, ISO date strings or Dates) and y values. */
export interface Series {
  name: string;
  x: ArrayLike<number> | readonly (string | Date)[];
  y: ArrayLike<number>;
  /** Optional ± error per point (drawn as a band). */
  error?: ArrayLike<number>;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title?: string;
  /** Axis titles; default "x"/"y" ("date" when x holds dates). */
  xTitle?: string;
  yTitle?: string;
  /** Draw markers too; default true when a series has ≤ 200 points. */
  markers?: boolean;
}

/**
 * One line per series; x may be numbers or dates (a time series, e.g. NDVI through a season),
 * with optional ± error bands for uncertainty.
 * @example
 * ```ts
 * lineChart([{ name: "NDVI", x: ["2023-01-05", "2023-02-04", "2023-03-06"], y: [0.31, 0.42, 0.57], error: [0.02, 0.03, 0.02] }],
 *           { title: "Field 12", yTitle: "NDVI" });
 * ```
 */
export function lineChart(series: readonly Series[], options: LineChartOptions = {}): Figure<{ dates: boolean }> {
  let dates = false;
  const data: Record<string, unknown>[] = [];
  series.forEach((s, j) => {
    if (s.x.length !== s.y.length) throw new WidgetPropertyError("lineChart", `series[${j}].y`, `${s.x.length} values like x`, s.y);
    const isDate = s.x.length > 0 && (s.x[0] instanceof Date || typeof s.x[0] === "string");
    dates ||= isDate;
    const x = isDate
      ? Array.from(s.x as readonly (string | Date)[], (v) => (v instanceof Date ? v.toISOString() : v))
      : Float64Array.from(s.x as ArrayLike<number>);
    const color = TRACE_COLORS[j % TRACE_COLORS.length]!;
    const y = Float64Array.from(s.y);
    if (s.error) {
      if (s.error.length !== s.y.length) throw new WidgetPropertyError("lineChart", `series[${j}].error`, `${s.y.length} values like y`, s.error);
      const e = Float64Array.from(s.error);
      const up = y.map((v, i) => v + e[i]!), lo = y.map((v, i) => v - e[i]!);
      data.push({ type: "scatter", mode: "lines", x, y: up, line: { width: 0 }, showlegend: false, hoverinfo: "skip", name: `${s.name} +err` });
      data.push({ type: "scatter", mode: "lines", x, y: lo, line: { width: 0 }, fill: "tonexty", fillcolor: color + "33", showlegend: false, hoverinfo: "skip", name: `${s.name} −err` });
    }
    const markers = options.markers ?? s.y.length <= 200;
    data.push({ type: "scatter", mode: markers ? "lines+markers" : "lines", name: s.name, x, y, line: { color } });
  });
  return new Figure({
    data,
    layout: {
      title: options.title ? { text: options.title } : undefined,
      xaxis: { title: { text: options.xTitle ?? (dates ? "date" : "x") }, type: dates ? "date" : "linear" },
      yaxis: { title: { text: options.yTitle ?? "y" } },
      margin: { t: options.title ? 48 : 24, r: 16, b: 48, l: 64 },
    },
  }, { dates });
}
