/**
 * Tiny HTML/SVG builders for the self-display of uncertainty and explainability results.
 * @module
 */

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Formats a number for tables: 4 significant digits, integers as is. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);
}

/**
 * An HTML table with a caption.
 * @example
 * ```ts
 * htmlTable("ECE", ["metric", "value"], [["ECE", 0.05]]);
 * ```
 */
export function htmlTable(caption: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number, tag: string) => `<${tag} style="text-align:right;padding:2px 8px">${typeof v === "number" ? fmt(v) : escapeHtml(v)}</${tag}>`;
  return `<table style="border-collapse:collapse"><caption style="text-align:left;font-weight:bold">${escapeHtml(caption)}</caption>` +
    `<thead><tr>${header.map((h) => cell(h, "th")).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, "td")).join("")}</tr>`).join("")}</tbody></table>`;
}

/** A plain-text table (for `text/plain`). */
export function textTable(caption: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const all = [header, ...rows.map((r) => r.map((v) => (typeof v === "number" ? fmt(v) : v)))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? "").length)));
  const line = (r: readonly (string | number)[]) => r.map((v, i) => String(v).padStart(widths[i]!)).join("  ");
  return [caption, line(header), ...all.slice(1).map(line)].join("\n");
}

/** A horizontal bar chart as SVG: one bar per label, signed values (negative bars go left). */
export function svgBars(title: string, labels: readonly string[], values: readonly number[], errors?: readonly number[]): string {
  const W = 420, rowH = 18, left = 110, top = 22;
  const H = top + labels.length * rowH + 10;
  const maxAbs = Math.max(1e-12, ...values.map((v, i) => Math.abs(v) + (errors?.[i] ?? 0)));
  const hasNeg = values.some((v) => v < 0);
  const zero = hasNeg ? left + (W - left - 10) / 2 : left;
  const scale = (hasNeg ? (W - left - 10) / 2 : W - left - 60) / maxAbs;
  const bars = labels.map((l, i) => {
    const v = values[i]!;
    const y = top + i * rowH;
    const x = v >= 0 ? zero : zero + v * scale;
    const e = errors?.[i];
    const err = e ? `<line x1="${zero + (v - e) * scale}" x2="${zero + (v + e) * scale}" y1="${y + 7}" y2="${y + 7}" stroke="#000"/>` : "";
    return `<text x="${left - 4}" y="${y + 11}" text-anchor="end" font-size="11">${escapeHtml(l)}</text>` +
      `<rect x="${x}" y="${y + 2}" width="${Math.abs(v) * scale}" height="${rowH - 5}" fill="${v >= 0 ? "#d6604d" : "#4393c3"}"/>${err}` +
      `<text x="${Math.max(x + Math.abs(v) * scale, zero) + 3}" y="${y + 11}" font-size="10">${fmt(v)}</text>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<text x="4" y="14" font-size="12" font-weight="bold">${escapeHtml(title)}</text>` +
    `<line x1="${zero}" x2="${zero}" y1="${top}" y2="${H - 8}" stroke="#888"/>${bars}</svg>`;
}

/** A line chart as SVG with several named series over shared x values in [xMin, xMax]. */
export function svgLines(
  title: string,
  series: readonly { name: string; x: ArrayLike<number>; y: ArrayLike<number>; color?: string; dash?: boolean }[],
  axes: { xLabel: string; yLabel: string; xMin?: number; xMax?: number; yMin?: number; yMax?: number },
): string {
  const W = 320, H = 260, l = 44, r = 10, t = 24, b = 36;
  const allX = series.flatMap((s) => Array.from(s.x));
  const allY = series.flatMap((s) => Array.from(s.y));
  const x0 = axes.xMin ?? Math.min(...allX), x1 = axes.xMax ?? Math.max(...allX);
  const y0 = axes.yMin ?? Math.min(...allY), y1 = axes.yMax ?? Math.max(...allY);
  const sx = (v: number) => l + ((v - x0) / (x1 - x0 || 1)) * (W - l - r);
  const sy = (v: number) => H - b - ((v - y0) / (y1 - y0 || 1)) * (H - t - b);
  const palette = ["#2166ac", "#b2182b", "#1b7837", "#762a83"];
  const paths = series.map((s, i) => {
    const pts = Array.from(s.x, (xv, j) => `${sx(xv).toFixed(1)},${sy(s.y[j]!).toFixed(1)}`).join(" ");
    const c = s.color ?? palette[i % palette.length]!;
    return `<polyline fill="none" stroke="${c}" stroke-width="1.5"${s.dash ? ' stroke-dasharray="4 3"' : ""} points="${pts}"/>` +
      `<text x="${l + 6}" y="${t + 12 + i * 13}" font-size="10" fill="${c}">${escapeHtml(s.name)}</text>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<text x="4" y="14" font-size="12" font-weight="bold">${escapeHtml(title)}</text>` +
    `<rect x="${l}" y="${t}" width="${W - l - r}" height="${H - t - b}" fill="none" stroke="#888"/>` +
    `<text x="${l}" y="${H - b + 12}" font-size="9">${fmt(x0)}</text><text x="${W - r}" y="${H - b + 12}" font-size="9" text-anchor="end">${fmt(x1)}</text>` +
    `<text x="${l - 3}" y="${H - b}" font-size="9" text-anchor="end">${fmt(y0)}</text><text x="${l - 3}" y="${t + 8}" font-size="9" text-anchor="end">${fmt(y1)}</text>` +
    `<text x="${(l + W - r) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${escapeHtml(axes.xLabel)}</text>` +
    `<text x="12" y="${(t + H - b) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(t + H - b) / 2})">${escapeHtml(axes.yLabel)}</text>` +
    `${paths}</svg>`;
}

/** Summary statistics of a typed array: min, mean, max. */
export function stats(a: ArrayLike<number>): { min: number; mean: number; max: number } {
  let mn = Infinity, mx = -Infinity, s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    s += v;
  }
  return { min: mn, mean: s / a.length, max: mx };
}

/** The method name every self-displaying object implements. */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;
