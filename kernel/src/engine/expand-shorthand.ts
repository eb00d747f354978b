/**
 * Expands shorthand properties that name a variable from an earlier cell: `({ std })` becomes
 * `({ std: std })` before tslab's converter sees the cell.
 *
 * tslab's converter rewrites references to earlier cells' declarations into `exports.name`, but it
 * skips shorthand property assignments, so `{ std }` would throw "std is not defined" at run time.
 * Writing the property out in full is the same program in every context (object literals and
 * destructuring assignment targets, with or without a default), so the rewrite is always safe;
 * it is applied only to names declared by earlier cells, which keeps every other column intact.
 *
 * @example
 * ```ts
 * expandShorthand(ts, "({ std, a: 1 })", "declare const std: number;\n"); // "({ std: std, a: 1 })"
 * ```
 * @module
 */

/** The parts of TypeScript this rewrite uses (tslab's TypeScript at run time). */
export interface ShorthandTs {
  createSourceFile(fileName: string, text: string, languageVersion: number, setParentNodes?: boolean, scriptKind?: number): unknown;
  forEachChild(node: unknown, cb: (child: unknown) => unknown): unknown;
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
  SyntaxKind: { Identifier: number; VariableStatement: number; ImportDeclaration: number; ShorthandPropertyAssignment: number };
}

interface AstNode {
  kind: number;
  end: number;
  name?: AstNode & { text?: string };
  text?: string;
}

/** Names that earlier cells declared at top level (what tslab turns into `exports.name`). */
export function declaredNames(ts: ShorthandTs, prevDecl: string): Set<string> {
  const names = new Set<string>();
  if (!prevDecl) return names;
  const K = ts.SyntaxKind;
  const file = ts.createSourceFile("prev.d.ts", prevDecl, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // Identifiers, binding patterns ({ a, b: c }, [d]) and import clauses (x, * as y, { z as w }):
  // the bound name is always `name`; `propertyName` (b, z) is not bound.
  const addBinding = (n: (AstNode & { namedBindings?: AstNode; elements?: AstNode[] }) | undefined): void => {
    if (!n) return;
    if (n.kind === K.Identifier) {
      if (n.text) names.add(n.text);
      return;
    }
    addBinding(n.name);
    addBinding(n.namedBindings);
    n.elements?.forEach((e) => addBinding(e));
  };
  ts.forEachChild(file, (stmt) => {
    const s = stmt as AstNode & {
      declarationList?: { declarations: AstNode[] };
      importClause?: AstNode;
    };
    if (s.kind === K.VariableStatement) s.declarationList?.declarations.forEach((d) => addBinding(d.name));
    else if (s.kind === K.ImportDeclaration) addBinding(s.importClause);
    else if (s.name?.text) names.add(s.name.text); // functions, classes, enums, namespaces
  });
  return names;
}

/**
 * Returns `code` with every shorthand property whose name an earlier cell declared written out
 * in full (`name` → `name: name`). Code without such properties is returned unchanged.
 */
export function expandShorthand(ts: ShorthandTs, code: string, prevDecl: string): string {
  if (!prevDecl || !code.includes("{")) return code;
  // The cell first (small): most cells have no shorthand property at all, and then the earlier
  // cells' declarations (which grow with the notebook) need not be parsed.
  return expandShorthandIn(ts, ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS), code, 0, prevDecl);
}

/**
 * {@link expandShorthand} on a cell already parsed (no parent pointers needed): `file` is the parse
 * of `prefix + code` where `prefix` is `offset` characters long (tslab's converter parses cells
 * behind `export {};`), so the converter's one parse of a cell serves this rewrite too.
 */
export function expandShorthandIn(ts: ShorthandTs, file: unknown, code: string, offset: number, prevDecl: string): string {
  if (!prevDecl || !code.includes("{")) return code;
  const kind = ts.SyntaxKind.ShorthandPropertyAssignment;
  const shorthands: { at: number; name: string }[] = [];
  const visit = (node: unknown): void => {
    const n = node as AstNode;
    if (n.kind === kind && n.name?.text) shorthands.push({ at: n.name.end - offset, name: n.name.text });
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (shorthands.length === 0) return code;
  const declared = declaredNamesCached(ts, prevDecl);
  const inserts = shorthands.filter((s) => declared.has(s.name));
  if (inserts.length === 0) return code;
  let out = code;
  for (const { at, name } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + `: ${name}` + out.slice(at);
  return out;
}

let lastDeclared: { prevDecl: string; names: Set<string> } | undefined;

/** {@link declaredNames} of the last `prevDecl` seen (it changes only when a cell declares something). */
function declaredNamesCached(ts: ShorthandTs, prevDecl: string): Set<string> {
  if (lastDeclared?.prevDecl !== prevDecl) lastDeclared = { prevDecl, names: declaredNames(ts, prevDecl) };
  return lastDeclared.names;
}
