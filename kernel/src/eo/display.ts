/**
 * Rich display for notebooks, without importing the kernel.
 *
 * `display(...)` forwards mime bundles to the display host that the running kernel installs on
 * `globalThis[Symbol.for("ai4eo.displayHost")]`. In plain Node (no kernel) it prints the
 * `text/plain` form to stdout instead, so library code can call it unconditionally.
 *
 * Objects display themselves by implementing `[Symbol.for("Jupyter.display")]()` and returning a
 * mime bundle (`{ "text/html": "...", "text/plain": "..." }`).
 *
 * @example
 * ```ts
 * import { display } from "ai4eo";
 * display.html("<b>NDVI</b> ready");
 * const h = display.markdown("step 1 of 3", { displayId: true });
 * h.update.markdown("step 2 of 3");
 * display.clear({ wait: true });
 * ```
 * @module
 */
import { inspect } from "node:util";
import { randomUUID } from "node:crypto";

/** A Jupyter mime bundle: mime type → data (strings, or JSON for `application/json` and `*+json`). */
export type MimeBundle = Record<string, unknown>;

/** Where the kernel installs its {@link DisplayHost}. */
export const DISPLAY_HOST_KEY: unique symbol = Symbol.for("ai4eo.displayHost") as never;

/** The method by which an object returns its own mime bundle (the convention Deno and others use). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** The kernel side of display: what the engine installs on `globalThis[DISPLAY_HOST_KEY]`. */
export interface DisplayHost {
  /**
   * Sends `display_data` (or `update_display_data` when `update` is true) for the current cell.
   * @param data the mime bundle
   * @param metadata per-mime metadata
   * @param displayId the display id to put in `transient.display_id`, if any
   * @param update true for update_display_data
   */
  display(data: MimeBundle, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean): void;
  /** Sends `clear_output` for the current cell. */
  clear(wait: boolean): void;
}

/**
 * An optional async step an object runs before it is displayed (e.g. a raster source reads its
 * preview pixels only when it is shown, so opening stays lazy). The kernel awaits it for a cell's
 * value; `display(value)` awaits it before the output is sent.
 */
export const PREPARE_DISPLAY: unique symbol = Symbol.for("ai4eo.prepareDisplay") as never;

/**
 * Runs a value's {@link PREPARE_DISPLAY} step when it has one; a failing step is ignored (the
 * value then displays what it has).
 * @example
 * ```ts
 * await prepareDisplay(source); // reads the quicklook pixels
 * toMimeBundle(source);
 * ```
 */
export async function prepareDisplay(value: unknown): Promise<void> {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return;
  const prepare = (value as { [PREPARE_DISPLAY]?: () => Promise<void> })[PREPARE_DISPLAY];
  if (typeof prepare !== "function") return;
  try {
    await prepare.call(value);
  } catch {
    // displaying what the value has is better than failing the display
  }
}

function needsPreparing(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { [PREPARE_DISPLAY]?: unknown })[PREPARE_DISPLAY] === "function";
}

/** An object that displays itself. */
export interface SelfDisplaying {
  [JUPYTER_DISPLAY](): MimeBundle;
}

/** Options of every display call. */
export interface DisplayOptions {
  /**
   * Give the output a display id so it can be updated later. `true` (or any handle-returning use)
   * makes a fresh random id; a string uses that id. Default: a fresh id (every call returns a handle).
   */
  displayId?: string | true;
  /** Per-mime metadata, e.g. `{ "image/png": { width: 256 } }`. Default `{}`. */
  metadata?: Record<string, unknown>;
}

/** Functions that each build one kind of bundle; `update` on a handle has the same shape. */
export interface DisplayKinds<R> {
  /** Displays HTML. */
  html(html: string, options?: DisplayOptions): R;
  /** Displays Markdown. */
  markdown(markdown: string, options?: DisplayOptions): R;
  /** Displays LaTeX, e.g. `"$\\sigma^2$"`. */
  latex(latex: string, options?: DisplayOptions): R;
  /** Displays SVG markup. */
  svg(svg: string, options?: DisplayOptions): R;
  /** Displays JSON (front ends show it as a tree). */
  json(value: unknown, options?: DisplayOptions): R;
  /** Displays PNG bytes (or a base64 string). */
  png(bytes: Uint8Array | string, options?: DisplayOptions): R;
  /** Displays JPEG bytes (or a base64 string). */
  jpeg(bytes: Uint8Array | string, options?: DisplayOptions): R;
  /** Displays plain text. */
  text(text: string, options?: DisplayOptions): R;
  /** Displays an arbitrary mime bundle. */
  mime(bundle: MimeBundle, options?: DisplayOptions): R;
}

/** A display output that can be replaced in place (`update_display_data`). */
export interface DisplayHandle {
  /** The display id (`transient.display_id`). */
  readonly displayId: string;
  /** Replaces the output with a new value (same rules as `display(value)`), or with a bundle via `update.html(...)` etc. */
  readonly update: ((value: unknown, options?: Omit<DisplayOptions, "displayId">) => void) & DisplayKinds<void>;
}

/** The `display` function with its helpers. */
export interface DisplayFunction extends DisplayKinds<DisplayHandle> {
  /** Displays any value: self-displaying objects with their bundle, others as Node would print them. */
  (value: unknown, options?: DisplayOptions): DisplayHandle;
  /** Clears the cell's output; with `wait: true` (default false) only when new output arrives. */
  clear(options?: { wait?: boolean }): void;
}

/** The current display host, or `undefined` in plain Node. */
export function currentDisplayHost(): DisplayHost | undefined {
  return (globalThis as Record<symbol, unknown>)[DISPLAY_HOST_KEY] as DisplayHost | undefined;
}

/**
 * The `text/plain` form of a value as Node's `util.inspect` prints it, without ANSI colours.
 * @example
 * ```ts
 * plainText("ab".repeat(2)); // "'abab'"
 * ```
 */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000 });
}

/**
 * The mime bundle of a value: its own `[Symbol.for("Jupyter.display")]()` bundle (with a
 * `text/plain` added when it has none; an empty bundle `{}` stays empty and means "show nothing"),
 * or `{ "text/plain": plainText(value) }`.
 * @example
 * ```ts
 * toMimeBundle({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>" }) });
 * // { "text/html": "<b>x</b>", "text/plain": "..." }
 * ```
 */
export function toMimeBundle(value: unknown): MimeBundle {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const fn = (value as Partial<SelfDisplaying>)[JUPYTER_DISPLAY];
    const viaFallback = typeof fn === "function" ? undefined : fallbackBundle(value);
    if (viaFallback) return viaFallback;
    if (typeof fn === "function") {
      const bundle = fn.call(value);
      if (bundle !== null && typeof bundle === "object") {
        // an empty bundle means "show nothing" (display handles use it)
        if (Object.keys(bundle).length === 0) return {};
        const out: MimeBundle = { ...bundle };
        if (!("text/plain" in out)) out["text/plain"] = plainTextWithoutDisplay(value);
        return out;
      }
    }
  }
  return { "text/plain": plainText(value) };
}

/** Displays for values of other libraries (which get no display method), tried in order. */
const displayFallbacks: ((value: object) => MimeBundle | undefined)[] = [];

/**
 * Adds a display for objects that have no `Symbol.for("Jupyter.display")` method — another
 * library's values, recognised by shape, without importing that library (the widgets use it to
 * show arquero tables as interactive tables). `display` returns undefined for values it does not
 * take.
 * @example
 * ```ts
 * registerDisplayFallback((v) => v instanceof URL ? { "text/html": `<a href="${v}">${v}</a>` } : undefined);
 * ```
 */
export function registerDisplayFallback(display: (value: object) => MimeBundle | undefined): void {
  if (!displayFallbacks.includes(display)) displayFallbacks.push(display);
}

/**
 * The rich display of `value` — from its `Symbol.for("Jupyter.display")` method or a registered
 * fallback — or undefined when it has none (then only plain text describes it).
 * @example
 * ```ts
 * richBundle(aq.table({ a: [1] })); // the interactive table's bundle (with ai4eo's widgets loaded)
 * richBundle(42); // undefined
 * ```
 */
export function richBundle(value: unknown): MimeBundle | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  // (a fallback is asked once: the table one makes a widget each time)
  return typeof (value as Partial<SelfDisplaying>)[JUPYTER_DISPLAY] === "function" ? toMimeBundle(value) : fallbackBundle(value);
}

function fallbackBundle(value: object): MimeBundle | undefined {
  for (const f of displayFallbacks) {
    let bundle: MimeBundle | undefined;
    try {
      bundle = f(value);
    } catch {
      continue; // a failing fallback leaves the value to the others (or its plain text)
    }
    if (bundle) return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainTextWithoutDisplay(value) };
  }
  return undefined;
}

function plainTextWithoutDisplay(value: unknown): string {
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `<${name}>` : plainText(value);
}

function toBase64(bytes: Uint8Array | string): string {
  return typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function emit(bundle: MimeBundle, metadata: Record<string, unknown>, displayId: string | undefined, update: boolean): void {
  const host = currentDisplayHost();
  if (host) {
    host.display(bundle, metadata, displayId, update);
    return;
  }
  const text = bundle["text/plain"];
  process.stdout.write(`${typeof text === "string" ? text : plainText(text ?? bundle)}\n`);
}

type BundleMaker = (input: never) => MimeBundle;

const makers = {
  html: (s: string) => ({ "text/html": s, "text/plain": s }),
  markdown: (s: string) => ({ "text/markdown": s, "text/plain": s }),
  latex: (s: string) => ({ "text/latex": s, "text/plain": s }),
  svg: (s: string) => ({ "image/svg+xml": s, "text/plain": "<SVG image>" }),
  json: (v: unknown) => ({ "application/json": v, "text/plain": plainText(v) }),
  png: (b: Uint8Array | string) => ({ "image/png": toBase64(b), "text/plain": "<PNG image>" }),
  jpeg: (b: Uint8Array | string) => ({ "image/jpeg": toBase64(b), "text/plain": "<JPEG image>" }),
  text: (s: string) => ({ "text/plain": s }),
  mime: (bundle: MimeBundle) => ({ ...bundle }),
} satisfies Record<keyof DisplayKinds<unknown>, BundleMaker>;

function makeUpdate(displayId: string): DisplayHandle["update"] {
  const update = ((value: unknown, options?: Omit<DisplayOptions, "displayId">) =>
    emit(toMimeBundle(value), options?.metadata ?? {}, displayId, true)) as DisplayHandle["update"];
  for (const [name, make] of Object.entries(makers)) {
    (update as unknown as Record<string, unknown>)[name] = (input: never, options?: DisplayOptions) =>
      emit((make as BundleMaker)(input), options?.metadata ?? {}, displayId, true);
  }
  return update;
}

function show(bundle: MimeBundle, options: DisplayOptions | undefined): DisplayHandle {
  const displayId = typeof options?.displayId === "string" ? options.displayId : randomUUID();
  emit(bundle, options?.metadata ?? {}, displayId, false);
  // A handle shows nothing when it is a cell's last value (like IPython's display() returning None).
  return { displayId, update: makeUpdate(displayId), [JUPYTER_DISPLAY]: () => ({}) } as DisplayHandle;
}

function buildDisplay(): DisplayFunction {
  const fn = ((value: unknown, options?: DisplayOptions) => {
    if (!needsPreparing(value)) return show(toMimeBundle(value), options);
    // prepare first (e.g. read preview pixels), then send; the handle is usable at once
    const displayId = typeof options?.displayId === "string" ? options.displayId : randomUUID();
    void prepareDisplay(value).then(() => emit(toMimeBundle(value), options?.metadata ?? {}, displayId, false));
    return { displayId, update: makeUpdate(displayId), [JUPYTER_DISPLAY]: () => ({}) } as DisplayHandle;
  }) as DisplayFunction;
  for (const [name, make] of Object.entries(makers)) {
    (fn as unknown as Record<string, unknown>)[name] = (input: never, options?: DisplayOptions) =>
      show((make as BundleMaker)(input), options);
  }
  fn.clear = (options?: { wait?: boolean }) => {
    const host = currentDisplayHost();
    if (host) host.clear(options?.wait ?? false);
  };
  return fn;
}

/**
 * Displays a value in the notebook (or prints its text form in plain Node). Returns a handle whose
 * `update` replaces this output in place. Also the global `display` of every kernel cell.
 *
 * @param value any value; objects with `[Symbol.for("Jupyter.display")]()` show their own bundle
 * @param options {@link DisplayOptions}
 * @example
 * ```ts
 * const h = display("loading…");
 * h.update("done");
 * display.png(pngBytes, { metadata: { "image/png": { width: 256 } } });
 * display.mime({ "text/html": "<i>hi</i>", "text/plain": "hi" });
 * ```
 */
export const display: DisplayFunction = buildDisplay();
