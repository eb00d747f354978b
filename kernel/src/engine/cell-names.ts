/**
 * The names a cell declares at top level, read from its syntax tree: what TypeScript's binder puts
 * in the cell file's `locals`, in the binder's order (function declarations first, then the other
 * statements), without running the binder over the cell.
 *
 * tslab's converter needs these names to export every top-level declaration of a cell. Binding the
 * cell for them is a tenth of a typed cell's conversion while the compiler's code is still cold,
 * and the program binds the cell again anyway. The walk covers the statements notebook cells are
 * made of; for anything it does not model exactly (an `export` or `default` modifier, `export =`,
 * ambient `declare module "x"` / `declare global`, a `var` nested in a block, which hoists) it
 * returns undefined and the caller binds the cell as before.
 *
 * @example
 * ```ts
 * const file = ts.createSourceFile("cell.ts", "export {};\nconst a = 1;\nfunction f() {}", ts.ScriptTarget.Latest);
 * [...(cellNames(ts, file)?.keys() ?? [])]; // ["f", "a"]
 * ```
 * @module
 */

/** The parts of TypeScript the walk uses. */
export interface CellNamesTs {
  SyntaxKind: {
    Identifier: number;
    ObjectBindingPattern: number;
    ArrayBindingPattern: number;
    BindingElement: number;
    OmittedExpression: number;
    VariableStatement: number;
    FunctionDeclaration: number;
    ClassDeclaration: number;
    InterfaceDeclaration: number;
    TypeAliasDeclaration: number;
    EnumDeclaration: number;
    ModuleDeclaration: number;
    ImportDeclaration: number;
    ImportEqualsDeclaration: number;
    ExportDeclaration: number;
    ExportAssignment: number;
    NamespaceImport: number;
    ExportKeyword: number;
    DefaultKeyword: number;
  };
}

interface Node {
  kind: number;
  pos: number;
  end: number;
  escapedText?: string;
  name?: Node;
  modifiers?: readonly Node[];
  elements?: readonly Node[];
  declarationList?: { declarations: readonly Node[] };
  importClause?: Node & { namedBindings?: Node };
  flags?: number;
}

/** The fields of binding names and patterns read by {@link boundNames} (TypeScript nodes). */
export interface BindingLike {
  kind: number;
  escapedText?: string;
  name?: BindingLike;
  elements?: readonly BindingLike[];
}

/**
 * The names a binding (an identifier or a destructuring pattern) declares, in source order and
 * escaped as the binder escapes them, or undefined for a form not known here.
 * @example
 * ```ts
 * // the name of `const { a, b: [c, , ...d] } = obj`
 * boundNames(declaration.name, ts.SyntaxKind); // ["a", "c", "d"]
 * ```
 */
export function boundNames(
  binding: BindingLike,
  kinds: { Identifier: number; ObjectBindingPattern: number; ArrayBindingPattern: number; BindingElement: number; OmittedExpression: number },
): string[] | undefined {
  if (binding.kind === kinds.Identifier) return binding.escapedText === undefined ? undefined : [binding.escapedText];
  if (binding.kind !== kinds.ObjectBindingPattern && binding.kind !== kinds.ArrayBindingPattern) return undefined;
  // binding elements (`{ a, b: c = 1, ...rest }`, `[d, , e]`): each element's own name; holes have none
  const names: string[] = [];
  for (const element of binding.elements ?? []) {
    if (element.kind === kinds.OmittedExpression) continue;
    if (element.kind !== kinds.BindingElement || !element.name) return undefined;
    const inner = boundNames(element.name, kinds);
    if (!inner) return undefined;
    names.push(...inner);
  }
  return names;
}

/** NodeFlags.GlobalAugmentation (`declare global { }`). */
export const GLOBAL_AUGMENTATION = 1024;

/**
 * The cell's top-level names (escaped as TypeScript's binder escapes them: a leading `__` gains
 * one more `_`), in the binder's order, or undefined when the cell needs the binder itself.
 * @param file the cell parsed by TypeScript (`createSourceFile`; parent pointers not needed)
 */
export function cellNames(ts: CellNamesTs, file: { statements: readonly unknown[]; text: string }): Map<string, true> | undefined {
  const K = ts.SyntaxKind;
  const functions = new Map<string, true>();
  const others = new Map<string, true>();
  const add = (to: Map<string, true>, name: Node | undefined): boolean => {
    // (a string-literal or computed name: the binder's business)
    const names = name && boundNames(name, K);
    for (const n of names ?? []) to.set(n, true);
    return names !== undefined;
  };
  for (const s of file.statements as readonly Node[]) {
    if (s.modifiers?.some((m) => m.kind === K.ExportKeyword || m.kind === K.DefaultKeyword)) return undefined;
    switch (s.kind) {
      case K.FunctionDeclaration:
        if (!add(functions, s.name)) return undefined;
        break;
      case K.VariableStatement:
        for (const d of s.declarationList?.declarations ?? []) if (!add(others, d.name)) return undefined;
        break;
      case K.ClassDeclaration:
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
      case K.EnumDeclaration:
      case K.ImportEqualsDeclaration:
        if (!add(others, s.name)) return undefined;
        break;
      case K.ModuleDeclaration:
        // `declare global {}` names nothing of the cell's (the binder's local for it, `__global`, is
        // no value: exported with the cell's names it failed with "Cannot find name '__global'")
        if ((s.flags ?? 0) & GLOBAL_AUGMENTATION) break;
        // `namespace N {}` (also N.M); not `declare module "x"`
        if (s.name?.kind !== K.Identifier) return undefined;
        add(others, s.name);
        break;
      case K.ImportDeclaration: {
        const clause = s.importClause;
        if (!clause) break;
        if (clause.name) add(others, clause.name);
        const nb = clause.namedBindings;
        if (nb?.kind === K.NamespaceImport) add(others, nb.name);
        else for (const e of nb?.elements ?? []) add(others, e.name);
        break;
      }
      case K.ExportDeclaration:
        break; // `export { a }`, `export * from`: module exports, never locals
      case K.ExportAssignment:
        return undefined;
      default:
        // Expressions, loops, blocks …: their let/const/class/function are block-scoped in a module;
        // only a `var` inside would hoist to the cell's top level.
        if (/\bvar\b/.test(file.text.slice(s.pos, s.end))) return undefined;
    }
  }
  for (const k of others.keys()) functions.set(k, true);
  return functions;
}
