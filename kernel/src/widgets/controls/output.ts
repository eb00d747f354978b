/**
 * The Output widget (@jupyter-widgets/output): an area whose outputs (text, rich displays) are set
 * from the kernel. Outputs are part of the synced state, so they also survive static export.
 * @module
 */
import { isString, listOf, isObject } from "../checks.js";
import { richBundle } from "../../eo/display.js";
import { OUTPUT_MODULE_VERSION } from "../version.js";
import { domInit, domSpecs, DOMWidget, type DOMProps, type DOMWidgetOptions } from "./common.js";


/** One nbformat output. */
export type OutputItem =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> };

/** Synced fields of Output. */
export interface OutputProps extends DOMProps { msg_id: string; outputs: OutputItem[] }

/**
 * An output area you write to from the kernel.
 * @example
 * ```ts
 * const out = new Output();
 * out.appendStdout("loading…\n");
 * out.appendDisplayData({ "text/html": "<b>done</b>" });
 * await out.capture(async () => console.log("printed into the widget"));
 * ```
 */
export class Output extends DOMWidget<OutputProps> {
  declare outputs: OutputItem[];

  constructor(options: DOMWidgetOptions = {}) {
    super("Output", {
      modelName: "OutputModel", modelModule: "@jupyter-widgets/output", modelModuleVersion: OUTPUT_MODULE_VERSION,
      viewName: "OutputView", viewModule: "@jupyter-widgets/output", viewModuleVersion: OUTPUT_MODULE_VERSION,
    }, {
      ...domSpecs(), msg_id: { check: isString, viewWritable: false }, outputs: { check: listOf(isObject), viewWritable: false },
    }, { ...domInit(options), msg_id: "", outputs: [] }, options);
  }

  /** Append text to stdout (consecutive stdout text is merged, as in Jupyter). */
  appendStdout(text: string): void {
    this.#appendStream("stdout", text);
  }

  /** Append text to stderr. */
  appendStderr(text: string): void {
    this.#appendStream("stderr", text);
  }

  /**
   * Append a rich display: a mime bundle, or any object with a `[Symbol.for("Jupyter.display")]()` method
   * (widgets, tables, plots), or any other value (shown as text).
   */
  appendDisplayData(value: unknown, metadata: Record<string, unknown> = {}): void {
    let data: Record<string, unknown>;
    const rich = richBundle(value);
    if (rich) {
      data = rich;
    } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).some((k) => k.includes("/"))) {
      data = value as Record<string, unknown>;
    } else {
      data = { "text/plain": typeof value === "string" ? value : JSON.stringify(value, null, 1) ?? String(value) };
    }
    this.outputs = [...this.outputs, { output_type: "display_data", data, metadata }];
  }

  /** Remove all outputs. */
  clearOutput(): void {
    this.outputs = [];
  }

  /**
   * Run `fn` with `console.log/info/debug` going to this widget's stdout and `console.warn/error`
   * to its stderr; restores the console afterwards (also when `fn` throws). Returns `fn`'s result.
   */
  async capture<T>(fn: () => T | Promise<T>): Promise<T> {
    const c = globalThis.console as unknown as Record<string, (...a: unknown[]) => void>;
    const saved = { log: c["log"]!, info: c["info"]!, debug: c["debug"]!, warn: c["warn"]!, error: c["error"]! };
    const fmt = (a: unknown[]): string => a.map((x) => (typeof x === "string" ? x : JSON.stringify(x) ?? String(x))).join(" ") + "\n";
    c["log"] = c["info"] = c["debug"] = (...a: unknown[]) => this.appendStdout(fmt(a));
    c["warn"] = c["error"] = (...a: unknown[]) => this.appendStderr(fmt(a));
    try {
      return await fn();
    } finally {
      Object.assign(c, saved);
    }
  }

  #appendStream(name: "stdout" | "stderr", text: string): void {
    const outs = [...this.outputs];
    const last = outs[outs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) outs[outs.length - 1] = { ...last, text: last.text + text };
    else outs.push({ output_type: "stream", name, text });
    this.outputs = outs;
  }
}
