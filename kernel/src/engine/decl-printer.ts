/**
 * The declarations a cell passes on, printed without re-printing the unchanged ones.
 *
 * After every cell tslab's converter prints the declarations of all earlier cells that the cell did
 * not replace (`remainingDecls`: the kept statements of the declarations file, printed with
 * `printer.printFile`), so each cell's cost grew with everything declared before it: after 60
 * cells with a function and an interface each, a `1+1` cell spent ~0.8 ms of its ~3.9 ms there.
 * Statements are printed here one by one, each remembered by what its printed form depends on —
 * its source text with its leading comments and the same-line trailing comment, whether it starts
 * the file, and which of its declarations or import names the converter kept — so a statement
 * carried from cell to cell is printed once. The result is exactly `printFile`'s (tested against
 * tslab's own converter cell after cell); files where the two could differ — no statements,
 * triple-slash directives, a shebang, comments after the last statement — go to `printFile`.
 *
 * @example
 * ```ts
 * import { createRequire } from "node:module";
 * const ts = createRequire(import.meta.url)("typescript");
 * const print = createDeclsPrinter(ts);
 * const file = ts.createSourceFile("decls.d.ts", "declare const a: number;\n", ts.ScriptTarget.ES2022);
 * print(ts.createPrinter(), file); // "declare const a: number;\n"
 * ```
 * @module
 */

/** The TypeScript parts used here. */
export interface DeclsPrinterTs {
  EmitHint: { Unspecified: number };
  SyntaxKind: { VariableStatement: number; ImportDeclaration: number; NamespaceImport: number };
}

/** A node as far as this module reads it. */
interface NodeLike {
  kind: number;
  pos: number;
  end: number;
}
interface StatementLike extends NodeLike {
  declarationList?: { declarations: readonly NodeLike[] };
  importClause?: { name?: NodeLike; namedBindings?: NodeLike & { elements?: readonly NodeLike[] } };
}
/** The declarations file, as far as this module reads it. */
export interface DeclsFileLike {
  text: string;
  statements: readonly NodeLike[];
  referencedFiles?: readonly unknown[];
  typeReferenceDirectives?: readonly unknown[];
  libReferenceDirectives?: readonly unknown[];
}
/** The printer calls used here. */
export interface PrinterLike {
  printFile(file: never): string;
  printNode(hint: number, node: never, file: never): string;
}

/** Prints a declarations file as `printer.printFile(file)` does. */
export type DeclsPrinter = (printer: PrinterLike, file: DeclsFileLike) => string;

/**
 * A printer of declarations files that remembers each statement's printed form (see the module
 * comment); the memory holds the statements of the latest file only.
 * @param ts tslab's TypeScript (or any 5.x)
 */
export function createDeclsPrinter(ts: DeclsPrinterTs): DeclsPrinter {
  let memory = new Map<string, string>();
  return (printer, file) => {
    const { text, statements } = file;
    const last = statements[statements.length - 1];
    if (
      !last ||
      (file.referencedFiles?.length ?? 0) > 0 ||
      (file.typeReferenceDirectives?.length ?? 0) > 0 ||
      (file.libReferenceDirectives?.length ?? 0) > 0 ||
      text.startsWith("#!") ||
      text.slice(lineEnd(text, last.end)).trim() !== ""
    ) {
      memory = new Map();
      return printer.printFile(file as never);
    }
    const next = new Map<string, string>();
    let out = "";
    for (const s of statements) {
      const key = `${s.pos === 0 ? "0" : "1"}${shape(ts, s as StatementLike)}\u0000${text.slice(s.pos, lineEnd(text, s.end))}`;
      let printed = next.get(key) ?? memory.get(key);
      if (printed === undefined) printed = printer.printNode(ts.EmitHint.Unspecified, s as never, file as never);
      next.set(key, printed);
      // a statement whose trailing comment is a line comment ends with the line break already
      out += printed.endsWith("\n") ? printed : `${printed}\n`;
    }
    memory = next;
    return out;
  };
}

/** The offset just past the rest of the line at `pos` (where a same-line trailing comment ends). */
function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? text.length : nl;
}

/**
 * What the converter kept of a statement it trims (variable statements: which declarations;
 * imports: which names), as offsets into the statement; "" for other statements.
 */
function shape(ts: DeclsPrinterTs, s: StatementLike): string {
  const at = (n: NodeLike | undefined): string => (n ? String(n.pos - s.pos) : "-");
  if (s.kind === ts.SyntaxKind.VariableStatement && s.declarationList) {
    return s.declarationList.declarations.map(at).join(",");
  }
  if (s.kind === ts.SyntaxKind.ImportDeclaration && s.importClause) {
    const { name, namedBindings } = s.importClause;
    if (!namedBindings) return `${at(name)};-`;
    if (namedBindings.kind === ts.SyntaxKind.NamespaceImport) return `${at(name)};*${at(namedBindings)}`;
    return `${at(name)};{${(namedBindings.elements ?? []).map(at).join(",")}}`;
  }
  return "";
}
