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
 * Other exports are left to the converter: `export default`, re-exports `export … from "m"`, and a
 * list that renames (`export { a as b }`) or names what the cell does not declare.
 *
 * @example
 * ```ts
 * const file = ts.createSourceFile("cell.ts", "export const x = 1;", ts.ScriptTarget.Latest);
 * withoutExports(ts, file, "export const x = 1;", 0); // "       const x = 1;"
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
  moduleSpecifier?: unknown;
  isTypeOnly?: boolean;
  exportClause?: Node & { elements?: readonly (Node & { propertyName?: unknown; name: { text: string } })[] };
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
  for (const s of statements) {
    if (declarations.has(s.kind)) {
      const mods = s.modifiers ?? [];
      // `export default function f` keeps both: a default export is not a plain share
      if (mods.some((m) => m.kind === K["DefaultKeyword"])) continue;
      const exp = mods.find((m) => m.kind === K["ExportKeyword"]);
      if (exp) blanks.push([exp.getStart(file), exp.end]);
    } else if (s.kind === K["ExportDeclaration"] && s.moduleSpecifier === undefined && !s.isTypeOnly) {
      const elements = s.exportClause?.kind === K["NamedExports"] ? s.exportClause.elements : undefined;
      // `export {};` stays (it makes a file a module: harmless); a list of own names without renames goes
      if (elements && elements.length > 0 && elements.every((e) => e.propertyName === undefined && declared.has(e.name.text))) {
        blanks.push([s.getStart(file), s.end]);
      }
    }
  }
  let out = src;
  for (const [start, end] of blanks.reverse()) {
    const a = start - prefixLength;
    const b = end - prefixLength;
    if (a < 0) continue; // in the converter's own prefix
    out = out.slice(0, a) + out.slice(a, b).replace(/[^\n]/g, " ") + out.slice(b);
  }
  return out;
}
