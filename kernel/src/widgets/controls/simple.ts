/**
 * Simple controls: Checkbox, Button, Text, Textarea, Label, HTML (@jupyter-widgets/controls 5).
 * @module
 */
import { isBool, isInt, isString, nullable, oneOf } from "../checks.js";
import {
  controlIdentity, descriptionInit, descriptionSpecs, type DescriptionOptions, type DescriptionProps, DescriptionWidget,
} from "./common.js";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Synced fields of Checkbox. */
export interface CheckboxProps extends DescriptionProps { value: boolean; disabled: boolean; indent: boolean }

/**
 * A checkbox.
 * @example
 * ```ts
 * const mask = new Checkbox({ value: true, description: "mask clouds" });
 * ```
 */
export class Checkbox extends DescriptionWidget<CheckboxProps> {
  declare value: boolean;
  declare disabled: boolean;

  /** @param options `value` default false; `indent` (align with other descriptions) default true. */
  constructor(options: DescriptionOptions & { value?: boolean; disabled?: boolean; indent?: boolean } = {}) {
    super("Checkbox", controlIdentity("CheckboxModel", "CheckboxView"),
      { ...descriptionSpecs(), value: { check: isBool }, disabled: { check: isBool }, indent: { check: isBool } },
      { ...descriptionInit(options, "CheckboxStyleModel"), value: options.value ?? false, disabled: options.disabled ?? false, indent: options.indent ?? true },
      options);
  }
}

/** Synced fields of Button. */
export interface ButtonProps extends DescriptionProps { disabled: boolean; icon: string; button_style: string }

/**
 * A push button; `onClick` runs in the kernel when it is clicked in the browser.
 * @example
 * ```ts
 * const run = new Button({ description: "Run model", button_style: "primary", icon: "play" });
 * run.onClick(() => console.log("running"));
 * ```
 */
export class Button extends DescriptionWidget<ButtonProps> {
  declare disabled: boolean;
  declare icon: string;
  declare button_style: string;
  readonly #handlers = new Set<(b: Button) => void>();

  /** @param options `button_style` one of "", "primary", "success", "info", "warning", "danger" (default ""); `icon` a Font Awesome name (default none). */
  constructor(options: DescriptionOptions & { disabled?: boolean; icon?: string; button_style?: "" | "primary" | "success" | "info" | "warning" | "danger" } = {}) {
    super("Button", controlIdentity("ButtonModel", "ButtonView"), {
      ...descriptionSpecs(), disabled: { check: isBool }, icon: { check: isString },
      button_style: { check: oneOf("", "primary", "success", "info", "warning", "danger") },
    }, { ...descriptionInit(options, "ButtonStyleModel"), disabled: options.disabled ?? false, icon: options.icon ?? "", button_style: options.button_style ?? "" }, options);
    this.onCustomMessage((content) => {
      if (content["event"] === "click") this.click();
      else console.warn(`ai4eo widgets: Button got unknown event ${JSON.stringify(content["event"])}; ignored.`);
    });
  }

  /** Run `fn` on every click. Returns a remover. */
  onClick(fn: (button: Button) => void): () => void {
    this.#handlers.add(fn);
    return () => this.#handlers.delete(fn);
  }

  /** Click the button from the kernel (runs the click handlers). */
  click(): void {
    for (const fn of [...this.#handlers]) fn(this);
  }
}

/** Synced fields of Text. */
export interface TextProps extends DescriptionProps { value: string; placeholder: string; disabled: boolean; continuous_update: boolean }

/** Options of Text and Textarea. */
export interface TextOptions extends DescriptionOptions {
  /** Default "". */
  value?: string;
  /** Grey hint shown when empty; default "". */
  placeholder?: string;
  /** Default false. */
  disabled?: boolean;
  /** Send every keystroke (true) or on blur/enter (false); default true. */
  continuous_update?: boolean;
}

/**
 * A one-line text field; `onSubmit` runs when the user presses Enter.
 * @example
 * ```ts
 * const q = new Text({ placeholder: "scene id", description: "scene" });
 * q.onSubmit((t) => console.log(t.value));
 * ```
 */
export class Text extends DescriptionWidget<TextProps> {
  declare value: string;
  declare placeholder: string;
  readonly #submit = new Set<(t: Text) => void>();

  constructor(options: TextOptions = {}) {
    super("Text", controlIdentity("TextModel", "TextView"), {
      ...descriptionSpecs(), value: { check: isString }, placeholder: { check: isString },
      disabled: { check: isBool }, continuous_update: { check: isBool },
    }, {
      ...descriptionInit(options, "TextStyleModel"), value: options.value ?? "", placeholder: options.placeholder ?? "",
      disabled: options.disabled ?? false, continuous_update: options.continuous_update ?? true,
    }, options);
    this.onCustomMessage((c) => {
      if (c["event"] === "submit") for (const fn of [...this.#submit]) fn(this);
    });
  }

  /** Run `fn` when the user presses Enter. Returns a remover. */
  onSubmit(fn: (text: Text) => void): () => void {
    this.#submit.add(fn);
    return () => this.#submit.delete(fn);
  }
}

/** Synced fields of Textarea. */
export interface TextareaProps extends TextProps { rows: number | null }

/**
 * A multi-line text field.
 * @example
 * ```ts
 * const notes = new Textarea({ rows: 4, placeholder: "observations" });
 * ```
 */
export class Textarea extends DescriptionWidget<TextareaProps> {
  declare value: string;
  declare rows: number | null;

  /** @param options as {@link TextOptions}, plus `rows` (visible lines; default the browser's). */
  constructor(options: TextOptions & { rows?: number | null } = {}) {
    super("Textarea", controlIdentity("TextareaModel", "TextareaView"), {
      ...descriptionSpecs(), value: { check: isString }, placeholder: { check: isString },
      disabled: { check: isBool }, continuous_update: { check: isBool }, rows: { check: nullable(isInt) },
    }, {
      ...descriptionInit(options, "TextStyleModel"), value: options.value ?? "", placeholder: options.placeholder ?? "",
      disabled: options.disabled ?? false, continuous_update: options.continuous_update ?? true, rows: options.rows ?? null,
    }, options);
  }
}

/** Synced fields of Label and HTML. */
export interface LabelProps extends DescriptionProps { value: string; placeholder: string }

/**
 * A line of plain text.
 * @example
 * ```ts
 * const status = new Label({ value: "ready" });
 * status.value = "3 tiles done";
 * ```
 */
export class Label extends DescriptionWidget<LabelProps> {
  declare value: string;

  /** @param options `value` default "". */
  constructor(options: DescriptionOptions & { value?: string } = {}) {
    super("Label", controlIdentity("LabelModel", "LabelView"),
      { ...descriptionSpecs(), value: { check: isString }, placeholder: { check: isString } },
      { ...descriptionInit(options, "LabelStyleModel"), value: options.value ?? "", placeholder: "" }, options);
  }

  protected override fallbackBundle(): Record<string, unknown> {
    return { "text/html": `<span>${escapeHtml(this.value)}</span>` };
  }
}

/**
 * A block of HTML.
 * @example
 * ```ts
 * const legend = new HTML({ value: "<b>Water</b> in blue" });
 * ```
 */
export class HTML extends DescriptionWidget<LabelProps> {
  declare value: string;

  /** @param options `value` (HTML) default "". */
  constructor(options: DescriptionOptions & { value?: string; placeholder?: string } = {}) {
    super("HTML", controlIdentity("HTMLModel", "HTMLView"),
      { ...descriptionSpecs(), value: { check: isString }, placeholder: { check: isString } },
      { ...descriptionInit(options, "HTMLStyleModel"), value: options.value ?? "", placeholder: options.placeholder ?? "" }, options);
  }

  protected override fallbackBundle(): Record<string, unknown> {
    return { "text/html": this.value };
  }
}
