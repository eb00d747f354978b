/**
 * `export` in a cell: every top-level declaration of a cell is already shared with the later
 * cells, so `export const x = 1` (as in code pasted from a module) means what `const x = 1` means.
 *
 * tslab's converter appends `export { …names }` to the cell to share its declarations, and a
 * declaration exported twice failed with TypeScript errors about that hidden line ("2:9 Export
 * declaration conflicts with exported declaration of 'T'", "Cannot redeclare exported variable 'x'").
 * So the `export` keyword of a top-level declaration (variables, functions, classes, interfaces,
 * types, enums, namespaces) is blanked out, and so is a statement `export { a, b };` that lists
 * names the cell declares without renaming them. Blanked with spaces: every other column stays
 * where it was, so diagnostics and stack traces still point into the cell as written.
 *
 * The other exports:
 * - `export default function f` / `export default class C` (named) share `f` / `C` as the
 *   declaration without both keywords does (a cell's default export is nothing a later cell can name;
 *   the class was shared as `default` only, so `new C()` type-checked and then failed).
 * - Re-exports that name what they take, `export { a, b as c } from "m"`, `export * as ns from "m"`,
 *   become the import with the same names (`export` and `import` are both six letters): later
 *   cells see `a`, `c`, `ns`, as after an import. (Before, their types were lost: "Cannot find name".)
 * - Exports whose names no later cell could see are a {@link CellExportError} that says what to write
 *   instead: `export default <expression>`, `export =`, an anonymous default function or class,
 *   `export * from "m"`, anything exported `as default`, and a renaming list `export { a as b }`
 *   (`a` is shared already; `b` was silently not). (`export { f as default }` crashed TypeScript's
 *   transform with "Cannot read properties of undefined".)
 * - A list naming what the cell does not declare (`export { earlier }`) is left to the converter.
 *
 * @example
 * ```ts
 * const file = ts.createSourceFile("cell.ts", "export const x = 1;", ts.ScriptTarget.Latest);
 * withoutExports(ts, file, "export const x = 1;", 0); // "       const x = 1;"
 * withoutExports(ts, file2, 'export { join } from "node:path";', 0); // 'import { join } from "node:path";'
 * ```
 * @module
 */

/** The parts of TypeScript used here. */
export interface CellExportsTs {
  SyntaxKind: Record<string, number | string>;
}

interface Node {
  kind: number;
  pos: number;
  end: number;
  getStart(file?: unknown): number;
  modifiers?: readonly Node[];
  moduleSpecifier?: Node & { text?: string };
  isTypeOnly?: boolean;
  isExportEquals?: boolean;
  exportClause?: Node & { elements?: readonly (Node & { propertyName?: { text: string }; name: { text: string } })[]; name?: { text: string } };
  declarationList?: { declarations: readonly { name: Node & { text?: string } }[] };
  name?: Node & { text?: string };
}

/** Declarations whose `export` keyword is blanked. */
const DECLARATIONS = [
  "VariableStatement",
  "FunctionDeclaration",
  "ClassDeclaration",
  "InterfaceDeclaration",
  "TypeAliasDeclaration",
  "EnumDeclaration",
  "ModuleDeclaration",
] as const;

/**
 * The cell's text with the `export` keywords of its top-level declarations, and its plain
 * `export { names }` lists, blanked out (the text itself when there are none).
 * @param file the parsed cell (its text is `prefix + src`)
 * @param src the cell as written
 * @param prefixLength length of the text before `src` in `file`
 */
export function withoutExports(ts: CellExportsTs, file: { statements: readonly unknown[] }, src: string, prefixLength: number): string {
  if (!src.includes("export")) return src;
  /** The error for statement `s`, at its start in the cell. */
  const refuse = (s: Node, message: string): CellExportError => {
    const at = Math.max(0, s.getStart(file) - prefixLength);
    const before = src.slice(0, at);
    const line = before.split("\n").length - 1;
    return new CellExportError(message, line, at - (before.lastIndexOf("\n") + 1));
  };
  const K = ts.SyntaxKind as Record<string, number>;
  const declarations = new Set<number>(DECLARATIONS.map((name) => K[name]!));
  const statements = file.statements as readonly Node[];
  /** Names the cell's own declarations bind at top level (simple names: enough for `export { a }`). */
  const declared = new Set<string>();
  for (const s of statements) {
    if (!declarations.has(s.kind)) continue;
    if (s.name?.text) declared.add(s.name.text);
    for (const d of s.declarationList?.declarations ?? []) if (d.name.text) declared.add(d.name.text);
  }
  const blanks: [number, number][] = [];
  /** Starts of `export` keywords that become `import`. */
  const imports: number[] = [];
  for (const s of statements) {
    if (s.getStart(file) < prefixLength) continue; // the converter's own prefix
    if (declarations.has(s.kind)) {
      const mods = s.modifiers ?? [];
      const exp = mods.find((m) => m.kind === K["ExportKeyword"]);
      if (!exp) continue;
      const dflt = mods.find((m) => m.kind === K["DefaultKeyword"]);
      if (dflt && !s.name?.text) throw refuse(s, `${ANONYMOUS_DEFAULT} ${DEFAULT_HINT}`);
      blanks.push([exp.getStart(file), exp.end]);
      if (dflt) blanks.push([dflt.getStart(file), dflt.end]);
    } else if (s.kind === K["ExportAssignment"]) {
      throw refuse(s, s.isExportEquals ? `\`export =\` in a cell exports nothing a later cell can name. ${DEFAULT_HINT}` : `${ANONYMOUS_DEFAULT} ${DEFAULT_HINT}`);
    } else if (s.kind === K["ExportDeclaration"]) {
      const clause = s.exportClause;
      const elements = clause?.kind === K["NamedExports"] ? clause.elements ?? [] : undefined;
      const from = s.moduleSpecifier ? JSON.stringify(s.moduleSpecifier.text ?? "m") : undefined;
      const asDefault = elements?.find((e) => e.name.text === "default");
      if (asDefault) {
        const what = asDefault.propertyName?.text ?? "default";
        throw refuse(s, `\`export { ${what === "default" ? "default" : `${what} as default`} }\` in a cell exports nothing a later cell can name: ` +
          (from ? `import it under a name, e.g. \`import { ${what} as value } from ${from};\`.` : `later cells see \`${what}\` already.`));
      }
      if (from !== undefined) {
        if (!clause) throw refuse(s, `\`export * from ${from}\` shares no names with later cells: import the ones you need, e.g. \`import { a, b } from ${from};\` or \`import * as m from ${from};\`.`);
        // `export { a } from "m"` / `export * as ns from "m"`: the same names imported
        imports.push(s.getStart(file));
        continue;
      }
      if (!elements) continue;
      const renamed = elements.find((e) => e.propertyName !== undefined && e.propertyName.text !== e.name.text);
      if (renamed) {
        const [a, b] = [renamed.propertyName!.text, renamed.name.text];
        throw refuse(s, `\`export { ${a} as ${b} }\` in a cell: later cells see \`${a}\` already, and would not see \`${b}\`. ` +
          `To share it under the new name, declare it: \`const ${b} = ${a};\` (or \`type ${b} = ${a};\` for a type).`);
      }
      // `export {};` stays (it makes a file a module: harmless); a list of own names goes
      if (!s.isTypeOnly && elements.length > 0 && elements.every((e) => declared.has(e.name.text))) blanks.push([s.getStart(file), s.end]);
    }
  }
  let out = src;
  for (const start of imports) {
    const a = start - prefixLength;
    out = out.slice(0, a) + "import" + out.slice(a + 6);
  }
  for (const [start, end] of blanks.reverse()) {
    const a = start - prefixLength;
    const b = end - prefixLength;
    out = out.slice(0, a) + out.slice(a, b).replace(/[^\n]/g, " ") + out.slice(b);
  }
  return out;
}

const ANONYMOUS_DEFAULT = "A cell has no default export: no later cell could name it.";
const DEFAULT_HINT = "Declare a name instead, e.g. `const value = …;`, `function f() { … }` or `class C { … }` (a cell's declarations are shared with the cells after it).";

/**
 * An export in a cell that no later cell could see (see the module note). `line` and `column`
 * (0-based, in the cell as written) point at the statement.
 * @example
 * ```ts
 * try {
 *   withoutExports(ts, file, "const a = 1;\nexport { a as b };", 0);
 * } catch (e) {
 *   if (e instanceof CellExportError) console.log(e.line, e.column, e.message); // 1 0 "`export { a as b }` in a cell: …"
 * }
 * ```
 */
export class CellExportError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "CellExportError";
  }
}
