// Minimal typing of the plotly.js cartesian dist bundle (what the views use).
declare module "plotly.js-cartesian-dist-min" {
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: string, handler: (ev: any) => void): void;
    removeAllListeners?(event: string): void;
  }
  export function newPlot(el: HTMLElement, data: unknown[], layout?: unknown, config?: unknown): Promise<PlotlyHTMLElement>;
  export function react(el: HTMLElement, data: unknown[], layout?: unknown, config?: unknown): Promise<PlotlyHTMLElement>;
  export function purge(el: HTMLElement): void;
  export const Plots: { resize(el: HTMLElement): void };
  export const version: string;
}
