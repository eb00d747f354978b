/**
 * `Figure`: a plotly figure as plain data (what the plot helpers return). Displaying it creates an
 * interactive {@link Plot}; `show()` returns that Plot so a cell can attach event handlers.
 * @module
 */
import { Plot, type FigureSpec, type PlotOptions, type Trace } from "./plot.js";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * A plotly figure (traces, layout, config) plus numbers the helper computed (`stats`).
 * @example
 * ```ts
 * const fig = plots.histogram(raster, { bands: [4] });
 * fig;                         // displays an interactive plot
 * const plot = fig.show();     // or get the Plot widget to react to clicks
 * plot.onClick((pts) => console.log(pts));
 * ```
 */
export class Figure<Stats = Record<string, unknown>> implements FigureSpec {
  data: Trace[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  /** Numbers the helper computed (bin edges, counts, ECE, ...), for tests and for cells. */
  readonly stats: Stats;

  constructor(spec: FigureSpec, stats: Stats = {} as Stats) {
    this.data = spec.data ?? [];
    this.layout = spec.layout ?? {};
    this.config = spec.config ?? { responsive: true, displaylogo: false };
    this.stats = stats;
  }

  /** Create the interactive Plot widget for this figure. */
  show(options: PlotOptions = {}): Plot {
    return new Plot({ data: this.data, layout: this.layout, config: this.config }, options);
  }

  /** Displays as an interactive Plot (or its fallback outside a kernel). */
  [JUPYTER_DISPLAY](): Record<string, unknown> {
    return (this.show() as unknown as Record<symbol, () => Record<string, unknown>>)[JUPYTER_DISPLAY]!();
  }
}

/** Default colours (Tableau 10), used by the helpers for traces in order. */
export const TRACE_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
