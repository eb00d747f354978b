/**
 * The kernel-side `Widget` base class: typed, observable synced properties over a Jupyter comm
 * (widget message protocol 2.1.0, target `jupyter.widget`), custom messages, display and close.
 * @module
 */
import { randomUUID } from "node:crypto";
import { currentCommRegistry, type Comm, type CommMessage, type CommRegistry } from "../jupyter/comm-types.js";
import type { Check } from "./checks.js";
import { WidgetClosedError, WidgetPropertyError } from "./errors.js";
import { putBuffers, removeBuffers, toWire, type BufferPath } from "./wire.js";
import { ensureControlTarget, widgetStore } from "./widget-store.js";

/** Version of the Jupyter widget message protocol spoken here. */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The mime type of a widget view in a display output. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** Which front-end classes render a model (the `_model_*`/`_view_*` fields). */
export interface ModelIdentity {
  modelName: string;
  modelModule: string;
  modelModuleVersion: string;
  /** `null` for models without a view of their own (none in controls 5; Layout has "LayoutView"). */
  viewName: string | null;
  viewModule: string;
  viewModuleVersion: string;
}

/** How one synced property is checked and converted to and from its JSON form. */
export interface PropertySpec {
  /** Type check; see kernel/src/widgets/checks.ts. */
  check: Check;
  /** Kernel value → JSON (default: typed arrays become binary buffers, the rest as is). */
  toJson?: (v: unknown) => unknown;
  /** JSON from the browser → kernel value (default: identity). */
  fromJson?: (json: unknown) => unknown;
  /** May the browser set it? Default true. Fields it may not set are ignored with a warning. */
  viewWritable?: boolean;
}

/** A change seen by an observer. */
export interface Change<T, W = Widget<object>> {
  name: string;
  old: T;
  new: T;
  owner: W;
  /** "kernel" when a cell set it, "view" when the browser did. */
  source: "kernel" | "view";
}

/** Options every widget accepts. */
export interface WidgetOptions {
  /**
   * The comm registry to open the widget on. Default: the running kernel's registry
   * (`currentCommRegistry()`); in plain Node there is none and the widget lives detached (state
   * only, displayed through its text/HTML fallback). `null` forces detached.
   */
  registry?: CommRegistry | null;
}

/** The JSON form of `widget`: the `IPY_MODEL_<id>` reference used in containers and links. */
export function widgetRef(widget: Widget<object>): string {
  return `IPY_MODEL_${widget.modelId}`;
}

/** A property spec for a reference to another widget (serialised as `IPY_MODEL_<id>`). */
export function widgetSpec(check: Check, viewWritable = false): PropertySpec {
  return {
    check,
    viewWritable,
    toJson: (v) => (v instanceof Widget ? widgetRef(v) : v === null ? null : v),
    fromJson: (j) => (typeof j === "string" && j.startsWith("IPY_MODEL_") ? widgetStore().get(j.slice(10)) ?? j : j),
  };
}

/** A property spec for a list of widgets. */
export function widgetListSpec(check: Check): PropertySpec {
  return {
    check,
    viewWritable: false,
    toJson: (v) => (v as Widget<object>[]).map(widgetRef),
    fromJson: (j) => (Array.isArray(j) ? j.map((s) => (typeof s === "string" ? widgetStore().get(s.replace(/^IPY_MODEL_/, "")) ?? s : s)) : j),
  };
}

/**
 * Base class of every widget. State lives in the kernel; every change made by a cell is sent to the
 * front ends as an `update`, and every change made in the browser is checked, applied, reported to
 * observers and echoed back (`echo_update`). Properties are accessors named as in ipywidgets.
 *
 * @example
 * ```ts
 * const s = new IntSlider({ value: 3, min: 0, max: 10, description: "k" });
 * s.observe("value", (c) => console.log(`k: ${c.old} → ${c.new}`));
 * s.value = 5;   // sends an update to the browser and calls the observer
 * s;             // the last expression of a cell displays the slider
 * ```
 */
export class Widget<S extends object> {
  /** The model id (also the comm id). */
  readonly modelId: string;
  /** The class name used in messages, e.g. "IntSlider". */
  readonly kind: string;
  readonly #identity: ModelIdentity;
  readonly #specs: Record<string, PropertySpec>;
  readonly #state = new Map<string, unknown>();
  readonly #observers = new Map<string, Set<(c: Change<unknown>) => void>>();
  readonly #customHandlers = new Set<(content: Record<string, unknown>, buffers: Uint8Array[]) => void>();
  readonly #comm: Comm | undefined;
  #closed = false;

  /**
   * @param kind class name used in error messages
   * @param identity model/view names and modules
   * @param specs one spec per synced property
   * @param initial initial values (checked)
   * @param options registry selection
   */
  protected constructor(
    kind: string, identity: ModelIdentity, specs: { [K in keyof S]: PropertySpec }, initial: S, options: WidgetOptions = {},
  ) {
    this.kind = kind;
    this.#identity = identity;
    this.#specs = specs as Record<string, PropertySpec>;
    for (const [k, v] of Object.entries(initial)) {
      this.#checkValue(k, v);
      this.#state.set(k, v);
    }
    for (const k of Object.keys(specs)) {
      if (!this.#state.has(k)) throw new TypeError(`${kind}: internal error, no initial value for "${k}".`);
      Object.defineProperty(this, k, {
        get: () => this.#state.get(k),
        set: (v: unknown) => this.set({ [k]: v } as Partial<S>),
        enumerable: true,
        configurable: true,
      });
    }
    const registry = options.registry === undefined ? currentCommRegistry() : options.registry ?? undefined;
    const { state, buffer_paths, buffers } = removeBuffers(this.#wireState());
    if (registry) {
      ensureControlTarget(registry);
      this.#comm = registry.open(WIDGET_TARGET, { state, buffer_paths }, buffers, { version: WIDGET_PROTOCOL_VERSION });
      this.modelId = this.#comm.commId;
      this.#comm.onMsg((msg) => this.#onMsg(msg));
      this.#comm.onClose(() => this.#markClosed());
    } else {
      this.#comm = undefined;
      this.modelId = randomUUID().replaceAll("-", "");
    }
    widgetStore().set(this.modelId, this as unknown as Widget<object>);
  }

  /** True when this widget talks to a front end (it was created inside a running kernel). */
  get live(): boolean {
    return this.#comm !== undefined && !this.#comm.closed;
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The value of a synced property. */
  get<K extends keyof S & string>(name: K): S[K] {
    return this.#state.get(name) as S[K];
  }

  /**
   * Set synced properties (all checked first; nothing changes if one is wrong), send one update to
   * the front ends, then call observers.
   * @throws {WidgetPropertyError} when a value has the wrong type.
   */
  set(values: Partial<S>): void {
    if (this.#closed) throw new WidgetClosedError(this.kind, this.modelId);
    const entries = Object.entries(values).filter(([, v]) => v !== undefined);
    for (const [k, v] of entries) {
      if (!(k in this.#specs)) throw new WidgetPropertyError(this.kind, k, `one of the synced fields (${Object.keys(this.#specs).join(", ")})`, v);
      this.#checkValue(k, v);
    }
    const changed: [string, unknown, unknown][] = [];
    for (const [k, v] of entries) {
      const old = this.#state.get(k);
      this.#state.set(k, v);
      changed.push([k, old, v]);
    }
    if (changed.length === 0) return;
    this.#send("update", Object.fromEntries(changed.map(([k, , v]) => [k, this.#toJson(k, v)])));
    for (const [k, old, v] of changed) this.#notify(k, old, v, "kernel");
  }

  /**
   * Call `fn` whenever `name` changes (from a cell or from the browser). Returns a function that
   * removes the observer.
   * @example
   * ```ts
   * const stop = slider.observe("value", ({ new: v }) => console.log(v));
   * stop();
   * ```
   */
  observe<K extends keyof S & string>(name: K, fn: (change: Change<S[K], this>) => void): () => void {
    if (!(name in this.#specs)) {
      throw new WidgetPropertyError(this.kind, name, `one of the synced fields (${Object.keys(this.#specs).join(", ")})`, name);
    }
    let set = this.#observers.get(name);
    if (!set) this.#observers.set(name, (set = new Set()));
    const f = fn as unknown as (c: Change<unknown>) => void;
    set.add(f);
    return () => set!.delete(f);
  }

  /** Handle custom messages from the browser (`method: "custom"`). Returns a remover. */
  onCustomMessage(fn: (content: Record<string, unknown>, buffers: Uint8Array[]) => void): () => void {
    this.#customHandlers.add(fn);
    return () => this.#customHandlers.delete(fn);
  }

  /** Send a custom message to the browser views (a no-op when detached). */
  sendCustom(content: Record<string, unknown>, buffers: Uint8Array[] = []): void {
    if (this.#closed) throw new WidgetClosedError(this.kind, this.modelId);
    this.#comm?.send({ method: "custom", content }, buffers);
  }

  /** Close the widget: its comm closes and its views disappear. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#comm && !this.#comm.closed) this.#comm.close();
    this.#markClosed();
  }

  /**
   * The full state in the Jupyter "widget state" form (buffers split out), as saved in notebook
   * metadata (`application/vnd.jupyter.widget-state+json`).
   */
  snapshot(): { model_name: string; model_module: string; model_module_version: string; state: Record<string, unknown>; buffer_paths: BufferPath[]; buffers: Uint8Array[] } {
    const { state, buffer_paths, buffers } = removeBuffers(this.#wireState());
    return {
      model_name: this.#identity.modelName,
      model_module: this.#identity.modelModule,
      model_module_version: this.#identity.modelModuleVersion,
      state, buffer_paths, buffers,
    };
  }

  /** Text fallback for front ends without widget support; subclasses refine it. */
  protected fallbackText(): string {
    const hidden = ["layout", "style", "tooltip", "tabbable", "description_allow_html", "behavior", "readout_format"];
    const keys = Object.keys(this.#specs).filter((k) => !k.startsWith("_") && !hidden.includes(k));
    const parts = [...keys.filter((k) => k === "value"), ...keys.filter((k) => k !== "value")]
      .slice(0, 6)
      .map((k) => `${k}=${short(this.#state.get(k))}`);
    return `${this.kind}(${parts.join(", ")})`;
  }

  /** Extra fallback mime types (text/html, image/png) for previews; default none. */
  protected fallbackBundle(): Record<string, unknown> {
    return {};
  }

  /** The mime bundle shown for this widget: the widget view plus fallbacks. */
  [JUPYTER_DISPLAY](): Record<string, unknown> {
    const bundle: Record<string, unknown> = { "text/plain": this.fallbackText(), ...this.fallbackBundle() };
    if (this.live) bundle[WIDGET_VIEW_MIME] = { version_major: 2, version_minor: 0, model_id: this.modelId };
    return bundle;
  }

  /** Shown by `console.log` and Node's inspector. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.fallbackText();
  }

  #wireState(): Record<string, unknown> {
    const id = this.#identity;
    const out: Record<string, unknown> = {
      _model_name: id.modelName, _model_module: id.modelModule, _model_module_version: id.modelModuleVersion,
      _view_name: id.viewName, _view_module: id.viewModule, _view_module_version: id.viewModuleVersion,
    };
    for (const k of Object.keys(this.#specs)) out[k] = this.#toJson(k, this.#state.get(k));
    return out;
  }

  #toJson(k: string, v: unknown): unknown {
    const spec = this.#specs[k]!;
    return toWire(spec.toJson ? spec.toJson(v) : v);
  }

  #checkValue(k: string, v: unknown): void {
    const spec = this.#specs[k];
    if (!spec) throw new WidgetPropertyError(this.kind, k, `one of the synced fields (${Object.keys(this.#specs).join(", ")})`, v);
    const expected = spec.check(v);
    if (expected !== undefined) throw new WidgetPropertyError(this.kind, k, expected, v);
  }

  #notify(name: string, old: unknown, value: unknown, source: "kernel" | "view"): void {
    const set = this.#observers.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      const change: Change<unknown> = { name, old, new: value, owner: this as unknown as Widget<object>, source };
      if (source === "kernel") fn(change);
      else {
        try {
          fn(change);
        } catch (e) {
          console.error(`ai4eo widgets: an observer of ${this.kind}.${name} threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        }
      }
    }
  }

  #send(method: "update" | "echo_update", state: Record<string, unknown>): void {
    if (!this.#comm || this.#comm.closed) return;
    const split = removeBuffers(state);
    this.#comm.send({ method, state: split.state, buffer_paths: split.buffer_paths }, split.buffers);
  }

  #onMsg(msg: CommMessage): void {
    const data = msg.data ?? {};
    const method = data["method"];
    try {
      switch (method) {
        case "update":
          this.#applyFromView(data, msg.buffers ?? []);
          return;
        case "request_state": {
          this.#send("update", this.#wireState());
          return;
        }
        case "custom": {
          const content = data["content"];
          if (typeof content !== "object" || content === null || Array.isArray(content)) {
            console.warn(`ai4eo widgets: ${this.kind} ${this.modelId} got a custom message whose content is not an object; ignored.`);
            return;
          }
          for (const fn of [...this.#customHandlers]) {
            try {
              fn(content as Record<string, unknown>, msg.buffers ?? []);
            } catch (e) {
              console.error(`ai4eo widgets: a custom-message handler of ${this.kind} threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
            }
          }
          return;
        }
        default:
          console.warn(`ai4eo widgets: ${this.kind} ${this.modelId} got a comm message with unknown method ${JSON.stringify(method)}; ignored.`);
      }
    } catch (e) {
      console.warn(`ai4eo widgets: ${this.kind} ${this.modelId} could not handle a "${String(method)}" message: ${e instanceof Error ? e.message : String(e)}; ignored.`);
    }
  }

  #applyFromView(data: Record<string, unknown>, buffers: Uint8Array[]): void {
    const raw = data["state"];
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      console.warn(`ai4eo widgets: ${this.kind} ${this.modelId} got an update without a state object; ignored.`);
      return;
    }
    const state = putBuffers(structuredCloneJson(raw as Record<string, unknown>), (data["buffer_paths"] ?? []) as BufferPath[], buffers);
    const accepted: [string, unknown, unknown][] = [];
    for (const [k, json] of Object.entries(state)) {
      const spec = this.#specs[k];
      if (!spec || spec.viewWritable === false) {
        console.warn(`ai4eo widgets: the browser tried to set ${this.kind}.${k}, which ${spec ? "only the kernel may set" : "is not a synced field"}; ignored.`);
        continue;
      }
      let v: unknown;
      try {
        v = spec.fromJson ? spec.fromJson(json) : json;
      } catch (e) {
        console.warn(`ai4eo widgets: ${this.kind}.${k} from the browser could not be decoded (${e instanceof Error ? e.message : String(e)}); ignored.`);
        continue;
      }
      const expected = spec.check(v);
      if (expected !== undefined) {
        console.warn(`ai4eo widgets: the browser set ${this.kind}.${k} to a value of the wrong type (expected ${expected}); ignored.`);
        continue;
      }
      accepted.push([k, this.#state.get(k), v]);
      this.#state.set(k, v);
    }
    if (accepted.length === 0) return;
    this.#send("echo_update", Object.fromEntries(accepted.map(([k, , v]) => [k, this.#toJson(k, v)])));
    for (const [k, old, v] of accepted) this.#notify(k, old, v, "view");
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    widgetStore().delete(this.modelId);
  }
}

/** Copy a JSON-ish object (buffers are put in afterwards, so plain JSON suffices). */
function structuredCloneJson(v: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
}

function short(v: unknown): string {
  if (v instanceof Widget) return v.kind;
  if (Array.isArray(v)) return `[${v.slice(0, 4).map(short).join(", ")}${v.length > 4 ? ", …" : ""}]`;
  if (typeof v === "string") return JSON.stringify(v.length > 30 ? v.slice(0, 30) + "…" : v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  return String(v);
}
