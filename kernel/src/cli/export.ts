/**
 * `ai4eo export NOTEBOOK.ipynb --html OUT.html`: one self-contained interactive HTML page with the
 * notebook's code, markdown, outputs and every widget with its saved state (rendered by the
 * static-export bundle inlined into the page — no CDN, no kernel, opens from disk offline).
 *
 * Size budget: the page runtime (plotly.js cartesian + html-manager + controls + our views) is
 * about 3 MB; the whole page should stay under 20 MB to be shareable by mail or chat. Above
 * `maxBytes` (default 20 MiB) the export still succeeds and warns with the biggest contributors.
 *
 * @example
 * ```sh
 * ai4eo export notebooks/intro.ipynb --html intro.html
 * ```
 * @module
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { marked } from "marked";
import { packageRoot, packageVersion } from "../widgets/version.js";
import { WIDGET_STATE_MIME } from "../widgets/notebook-state.js";

/** The default size budget of an exported page (bytes). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** Thrown for unusable input (not a notebook, missing bundle); the message says what to do. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}

/** Options of {@link exportNotebookHtml}. */
export interface ExportOptions {
  /** Page title; default the notebook's file name. */
  title?: string;
  /** Size budget in bytes; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /** Where the built bundles are; default `<package>/dist/widgets`. */
  bundleDir?: string;
  /** Include code cells' source; default true. */
  includeCode?: boolean;
}

/** What an export did. */
export interface ExportReport {
  html: string;
  bytes: number;
  /** Widget views embedded with their saved state. */
  widgets: number;
  /** Widget views without saved state (their text/HTML fallback is shown), with their cell. */
  missingWidgets: { cell: number; modelId: string }[];
  /** Size of the page runtime (scripts and styles) and of the widget state, in bytes. */
  runtimeBytes: number;
  stateBytes: number;
  overBudget: boolean;
  warnings: string[];
}

interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: NbOutput[];
  execution_count?: number | null;
}
interface Notebook {
  cells: NbCell[];
  metadata?: Record<string, unknown>;
  nbformat?: number;
}

const joinText = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
/** Keep JSON inside <script> from closing the tag. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/<\//g, "<\\/").replace(/<!--/g, "<\\!--");

/** Parse and check a notebook's JSON. */
export function parseNotebookJson(text: string, file: string): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new ExportError(`${file} is not valid JSON (${(e as Error).message}); export needs a .ipynb notebook file.`);
  }
  if (!nb || typeof nb !== "object" || !Array.isArray((nb as Notebook).cells)) {
    throw new ExportError(`${file} has no "cells" list; export needs a Jupyter notebook (nbformat 4).`);
  }
  return nb as Notebook;
}

function renderOutput(o: NbOutput, cellIndex: number, stateIds: Set<string>, report: ExportReport): string {
  switch (o.output_type) {
    case "stream":
      return `<pre class="out-stream ${o.name === "stderr" ? "stderr" : ""}">${esc(stripAnsi(joinText(o.text)))}</pre>`;
    case "error":
      return `<pre class="out-error">${esc(stripAnsi((o.traceback ?? []).join("\n") || `${o.ename}: ${o.evalue}`))}</pre>`;
    case "execute_result":
    case "display_data": {
      const d = o.data ?? {};
      const fallback = renderMime(d);
      const view = d["application/vnd.jupyter.widget-view+json"] as { model_id?: string } | undefined;
      if (view?.model_id) {
        const known = stateIds.has(view.model_id);
        if (known) report.widgets++;
        else report.missingWidgets.push({ cell: cellIndex, modelId: view.model_id });
        return `<div class="out-widget"><script type="application/vnd.jupyter.widget-view+json">${scriptJson({ version_major: 2, version_minor: 0, model_id: view.model_id })}</script>` +
          `<div class="ai4eo-fallback">${fallback}${known ? "" : `<div class="missing-state">This widget's state was not saved in the notebook, so only its static fallback is shown. Run the notebook with <code>ai4eo run</code> (or save widget state in JupyterLab) and export again.</div>`}</div></div>`;
      }
      return fallback;
    }
    default:
      return "";
  }
}

function renderMime(d: Record<string, unknown>): string {
  const text = (k: string): string => joinText(d[k] as string | string[]);
  if (d["text/html"] !== undefined) return `<div class="out-html">${text("text/html")}</div>`;
  if (d["image/svg+xml"] !== undefined) return `<div class="out-svg">${text("image/svg+xml")}</div>`;
  for (const m of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    if (d[m] !== undefined) return `<img class="out-img" alt="output image" src="data:${m};base64,${text(m).replace(/\s+/g, "")}">`;
  }
  if (d["text/markdown"] !== undefined) return `<div class="out-md">${marked.parse(text("text/markdown"), { async: false })}</div>`;
  if (d["application/json"] !== undefined) return `<pre class="out-json">${esc(JSON.stringify(d["application/json"], null, 2))}</pre>`;
  if (d["text/plain"] !== undefined) return `<pre class="out-text">${esc(stripAnsi(text("text/plain")))}</pre>`;
  return "";
}

const PAGE_CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#fafafa;color:#222}
main{max-width:1100px;margin:0 auto;padding:16px 24px 64px}
header.nb-head{border-bottom:1px solid #ddd;margin-bottom:16px;color:#555;font-size:13px}
.cell{margin:12px 0}
.cell-code .src{background:#f3f5f7;border:1px solid #e1e4e8;border-radius:4px;padding:8px 10px;overflow-x:auto;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;margin:0}
.cell-code .prompt{color:#888;font:12px ui-monospace,monospace}
.outputs{margin:6px 0 0 0}
.outputs pre{margin:4px 0;padding:4px 8px;overflow-x:auto;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap}
.out-stream.stderr,.out-error{background:#fdecea;color:#8a1c12}
.out-img{max-width:100%}
.missing-state{font-size:12px;color:#8a5a00;background:#fff6e0;padding:4px 8px;margin-top:4px}
.out-widget{margin:6px 0}
`;

/**
 * Build the self-contained HTML page of a notebook. Works with or without saved widget state: views
 * without state fall back to their text/HTML/PNG outputs and are listed in `missingWidgets`.
 * @example
 * ```ts
 * const r = exportNotebookHtml(JSON.parse(readFileSync("nb.ipynb", "utf8")), { title: "NDVI study" });
 * writeFileSync("nb.html", r.html);
 * ```
 */
export function exportNotebookHtml(nb: Notebook, options: ExportOptions = {}): ExportReport {
  const dir = options.bundleDir ?? join(packageRoot(), "dist", "widgets");
  const jsFile = join(dir, "embed.js"), cssFile = join(dir, "embed.css");
  if (!existsSync(jsFile) || !existsSync(cssFile)) {
    throw new ExportError(`The static-export bundle is missing (${jsFile}); build it with "npm run build" (or "node widgets/build.mjs").`);
  }
  const js = readFileSync(jsFile, "utf8").replace(/<\/script/gi, "<\\/script");
  const css = readFileSync(cssFile, "utf8").replace(/<\/style/gi, "<\\/style");
  const report: ExportReport = {
    html: "", bytes: 0, widgets: 0, missingWidgets: [], runtimeBytes: js.length + css.length, stateBytes: 0, overBudget: false, warnings: [],
  };
  const widgetMeta = (nb.metadata?.["widgets"] as Record<string, unknown> | undefined)?.[WIDGET_STATE_MIME] as { state?: Record<string, unknown> } | undefined;
  const state = widgetMeta?.state && typeof widgetMeta.state === "object" ? widgetMeta : undefined;
  const stateIds = new Set(Object.keys(state?.state ?? {}));
  const lang = ((nb.metadata?.["kernelspec"] as { language?: string } | undefined)?.language ?? "typescript");

  const cells = nb.cells.map((c, i) => {
    const src = joinText(c.source);
    if (c.cell_type === "markdown") return `<section class="cell cell-md">${marked.parse(src, { async: false })}</section>`;
    if (c.cell_type === "raw") return `<section class="cell cell-raw"><pre>${esc(src)}</pre></section>`;
    const outs = (c.outputs ?? []).map((o) => renderOutput(o, i, stateIds, report)).join("\n");
    const code = options.includeCode === false ? "" :
      `<div class="prompt">[${c.execution_count ?? " "}]</div><pre class="src"><code class="language-${esc(lang)}">${esc(src)}</code></pre>`;
    return `<section class="cell cell-code">${code}<div class="outputs">${outs}</div></section>`;
  }).join("\n");

  const stateJson = state ? scriptJson(state) : "";
  report.stateBytes = stateJson.length;
  const title = options.title ?? "notebook";
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ai4eo ${esc(packageVersion())}">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
<style>${css}</style>
</head><body><main>
<header class="nb-head">${esc(title)} · exported by ai4eo ${esc(packageVersion())} · interactive widgets work offline</header>
${cells}
</main>
${state ? `<script type="${WIDGET_STATE_MIME}">${stateJson}</script>` : ""}
<script>${js}</script>
</body></html>
`;
  report.html = html;
  report.bytes = Buffer.byteLength(html);
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (report.bytes > max) {
    report.overBudget = true;
    report.warnings.push(
      `The page is ${(report.bytes / 2 ** 20).toFixed(1)} MiB, over the ${(max / 2 ** 20).toFixed(0)} MiB budget ` +
      `(runtime ${(report.runtimeBytes / 2 ** 20).toFixed(1)} MiB, widget state ${(report.stateBytes / 2 ** 20).toFixed(1)} MiB, ` +
      `outputs ${((report.bytes - report.runtimeBytes - report.stateBytes) / 2 ** 20).toFixed(1)} MiB). ` +
      `Plot fewer points (helpers bin large data) or subsample images before displaying them.`,
    );
  }
  if (report.missingWidgets.length > 0) {
    report.warnings.push(
      `${report.missingWidgets.length} widget(s) have no saved state and are shown as static fallbacks: ` +
      report.missingWidgets.map((m) => `cell ${m.cell + 1} (model ${m.modelId})`).join(", ") +
      `. Run the notebook with "ai4eo run" to save widget state, then export again.`,
    );
  }
  return report;
}

function usage(): string {
  return "usage: ai4eo export NOTEBOOK.ipynb --html OUT.html [--title TITLE] [--max-mb N] [--no-code]\n";
}

/** CLI entry: `ai4eo export NOTEBOOK.ipynb --html OUT.html`. */
export async function main(args: string[]): Promise<number> {
  let input: string | undefined, out: string | undefined, title: string | undefined, maxMb: number | undefined, includeCode = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--html") out = args[++i];
    else if (a === "--title") title = args[++i];
    else if (a === "--max-mb") maxMb = Number(args[++i]);
    else if (a === "--no-code") includeCode = false;
    else if (a === "-h" || a === "--help") { process.stdout.write(usage()); return 0; }
    else if (a.startsWith("-")) { process.stderr.write(`ai4eo export: unknown option ${a}\n${usage()}`); return 2; }
    else if (!input) input = a;
    else { process.stderr.write(`ai4eo export: unexpected argument ${a}\n${usage()}`); return 2; }
  }
  if (!input || !out) {
    process.stderr.write(`ai4eo export: need a notebook and --html OUT.html\n${usage()}`);
    return 2;
  }
  if (maxMb !== undefined && !(maxMb > 0)) {
    process.stderr.write(`ai4eo export: --max-mb needs a positive number\n`);
    return 2;
  }
  try {
    if (!existsSync(input)) throw new ExportError(`${input} does not exist; give the path of a .ipynb notebook.`);
    const nb = parseNotebookJson(readFileSync(input, "utf8"), input);
    const t0 = Date.now();
    const r = exportNotebookHtml(nb, { title: title ?? basename(input).replace(/\.ipynb$/, ""), includeCode, ...(maxMb ? { maxBytes: maxMb * 2 ** 20 } : {}) });
    writeFileSync(out, r.html);
    for (const w of r.warnings) process.stderr.write(`ai4eo export: warning: ${w}\n`);
    process.stdout.write(`ai4eo export: wrote ${out} (${(r.bytes / 2 ** 20).toFixed(2)} MiB, ${r.widgets} widget view(s), ${Date.now() - t0} ms)\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExportError) {
      process.stderr.write(`ai4eo export: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
