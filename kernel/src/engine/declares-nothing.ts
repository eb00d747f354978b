/**
 * Whether a cell declares nothing that a later cell could see: no top-level names (`var` hoisted
 * out of blocks and loops counts), no import, export or ambient module, no triple-slash reference;
 * only statements such as expressions, loops, `if`, `try` and blocks, and `export {};` (which
 * tslab puts before every cell to make it a module). Such a cell's declaration file
 * is empty, and the declarations it was given are all still valid after it, as they were.
 *
 * The file must have been bound (its `locals` set): an unbound file is never said to declare nothing.
 *
 * @example
 * ```ts
 * const declaresNothing = declaresNothingTest(ts);
 * declaresNothing(program.getSourceFile("__tslab__.ts")); // true for `1 + 1`, false for `const x = 1`
 * ```
 * @module
 */

/** The part of TypeScript used here. */
export interface DeclaresNothingTs {
  SyntaxKind: Record<string, number | string>;
}

/** The fields of a bound SourceFile read here. */
export interface BoundFileLike {
  statements: readonly StatementLike[];
  locals?: { size: number };
  referencedFiles?: readonly unknown[];
  typeReferenceDirectives?: readonly unknown[];
  libReferenceDirectives?: readonly unknown[];
}

/** The fields of a statement read here. */
export interface StatementLike {
  kind: number;
  moduleSpecifier?: unknown;
  exportClause?: { kind: number; elements?: readonly unknown[] };
}

/** Statements that declare nothing at the top level of a file (names inside them are their own). */
export const QUIET_STATEMENTS = [
  "ExpressionStatement",
  "IfStatement",
  "DoStatement",
  "WhileStatement",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
  "Block",
  "TryStatement",
  "SwitchStatement",
  "LabeledStatement",
  "EmptyStatement",
  "ThrowStatement",
  "BreakStatement",
  "ContinueStatement",
  "DebuggerStatement",
] as const;

/** A test for files that declare nothing, with the syntax kinds of the given TypeScript. */
export function declaresNothingTest(ts: DeclaresNothingTs): (file: BoundFileLike) => boolean {
  const quiet = new Set(QUIET_STATEMENTS.map((name) => ts.SyntaxKind[name]));
  const { ExportDeclaration, NamedExports } = ts.SyntaxKind;
  /** `export {};` */
  const exportsNothing = (s: StatementLike) =>
    s.kind === ExportDeclaration && s.moduleSpecifier === undefined && s.exportClause?.kind === NamedExports && s.exportClause.elements?.length === 0;
  return (file) =>
    file.locals !== undefined &&
    file.locals.size === 0 &&
    !file.referencedFiles?.length &&
    !file.typeReferenceDirectives?.length &&
    !file.libReferenceDirectives?.length &&
    file.statements.every((s) => quiet.has(s.kind) || exportsNothing(s));
}
