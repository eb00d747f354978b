/**
 * The JavaScript of a cell written in plain JavaScript, made from the cell's own text.
 *
 * tslab's converter runs TypeScript's emitter over every cell: the TypeScript and CommonJS
 * transforms, tslab's own transform (an identifier that names an earlier cell's declaration becomes
 * `exports.name`, the last expression statement is stored in `exports.tsLastExpr`) and the printer.
 * For a cell that declares nothing (see declares-nothing.ts) and uses no TypeScript syntax (no type
 * annotation, assertion, `!`, generic argument, enum, class, decorator) and nothing the module
 * transform rewrites (`import(…)`, `import.meta`, `this` and `super`, which are left to it), those
 * transforms change only the identifiers and the last statement. The same JavaScript is then made
 * by editing the cell's text in those places, which is what this module does: the type checker,
 * which has already checked the cell for its diagnostics, says which identifiers name earlier
 * declarations, exactly as tslab's transform asks it. The printer would only have re-spaced the code.
 *
 * That is most quick cells: `1 + 1`, `display(map)`, `map.addLayer(ndvi)`, `console.log(x)`, a loop,
 * an arrow function without annotations. The emitter took ~0.7 ms of a ~2.8 ms `1 + 1` cell in the
 * kernel. For any other cell {@link VerbatimEmit} returns undefined and the emitter runs as before.
 *
 * @example
 * ```ts
 * const verbatim = verbatimEmitter(ts);
 * // after the program has checked "export {};\nx + 1" (x declared in the earlier cells' file)
 * verbatim(program.getTypeChecker(), cellFile, declsFile)?.output;
 * // 'Object.defineProperty(exports, "__esModule", { value: true });\nexports.tsLastExpr = void 0;\n\nexports.tsLastExpr = exports.x + 1'
 * ```
 * @module
 */

import { earlierDeclarationTest, type DeclarationLike } from "./earlier-declaration.js";
import { QUIET_STATEMENTS } from "./declares-nothing.js";

/** The part of TypeScript used here. */
export interface VerbatimEmitTs {
  SyntaxKind: Record<string, number | string>;
  forEachChild<T>(node: EmitNode, cb: (child: EmitNode) => T | undefined): T | undefined;
}

/** The fields of a syntax node read here (a TypeScript `Node`). */
export interface EmitNode {
  kind: number;
  end: number;
  getStart(file?: EmitFile): number;
  name?: EmitNode;
  propertyName?: EmitNode;
  expression?: EmitNode;
  operatorToken?: EmitNode;
  body?: EmitNode;
  escapedText?: string;
}

/** The fields of a parsed, checked file read here. */
export interface EmitFile extends EmitNode {
  text: string;
  statements: readonly EmitNode[];
}

/** The type checker's one method used here. */
export interface EmitChecker {
  getSymbolAtLocation(node: EmitNode): { declarations?: readonly { getSourceFile(): unknown }[] } | undefined;
}

/** A cell's JavaScript as tslab's converter returns it. */
export interface VerbatimOutput {
  /** CommonJS for the engine's cell wrapper. */
  output: string;
  /** The `exports` field holding the last expression statement's value, when the cell ends with one. */
  lastExpressionVar?: string;
}

/**
 * Makes a cell's JavaScript from its text, or returns undefined when the cell needs TypeScript's
 * emitter. The caller checks that the cell declares nothing and has no dependencies of its own.
 * @param checker the checker of the program that checked `file`
 * @param file the cell's source file (tslab's `export {};` line first)
 * @param declsFile the file of the earlier cells' declarations
 */
export type VerbatimEmit = (checker: EmitChecker, file: EmitFile, declsFile: unknown) => VerbatimOutput | undefined;

/** The variable tslab's transform stores the last expression in (its `createLastExprVar` for a cell without top-level names). */
export const LAST_EXPRESSION_VAR = "tsLastExpr";

/** What TypeScript's CommonJS transform puts first in every module. */
const ES_MODULE_MARK = 'Object.defineProperty(exports, "__esModule", { value: true });\n';

/**
 * The syntax kinds that plain JavaScript cells are made of, which TypeScript emits for an ES2022
 * target exactly as written. Tokens (operators, punctuation) are allowed separately.
 */
const PLAIN_KINDS = [
  // literals and names
  "Identifier",
  "NumericLiteral",
  "BigIntLiteral",
  "StringLiteral",
  "RegularExpressionLiteral",
  "NoSubstitutionTemplateLiteral",
  "TemplateHead",
  "TemplateMiddle",
  "TemplateTail",
  "TrueKeyword",
  "FalseKeyword",
  "NullKeyword",
  // expressions
  "ArrayLiteralExpression",
  "ObjectLiteralExpression",
  "PropertyAssignment",
  "SpreadAssignment",
  "ComputedPropertyName",
  "PropertyAccessExpression",
  "ElementAccessExpression",
  "CallExpression",
  "NewExpression",
  "TaggedTemplateExpression",
  "TemplateExpression",
  "TemplateSpan",
  "ParenthesizedExpression",
  "FunctionExpression",
  "ArrowFunction",
  "DeleteExpression",
  "TypeOfExpression",
  "VoidExpression",
  "AwaitExpression",
  "YieldExpression",
  "PrefixUnaryExpression",
  "PostfixUnaryExpression",
  "BinaryExpression",
  "ConditionalExpression",
  "SpreadElement",
  "OmittedExpression",
  // statements (those that declare nothing at top level, and inside blocks and functions the others) and their parts
  ...QUIET_STATEMENTS,
  "VariableStatement",
  "VariableDeclarationList",
  "VariableDeclaration",
  "FunctionDeclaration",
  "Parameter",
  "ObjectBindingPattern",
  "ArrayBindingPattern",
  "BindingElement",
  "ReturnStatement",
  "CaseBlock",
  "CaseClause",
  "DefaultClause",
  "CatchClause",
  // modifiers: `async`, and the `await` of `for await`; the operators that are keywords
  "AsyncKeyword",
  "AwaitKeyword",
  "InKeyword",
  "InstanceOfKeyword",
] as const;

/** Makes the {@link VerbatimEmit} for the given TypeScript's syntax kinds. */
export function verbatimEmitter(ts: VerbatimEmitTs): VerbatimEmit {
  const K = ts.SyntaxKind as Record<string, number>;
  const plain = new Set<number>(PLAIN_KINDS.map((name) => K[name]!));
  const firstToken = K["FirstPunctuation"]!;
  const lastToken = K["LastPunctuation"]!;
  const isEarlier = earlierDeclarationTest(ts);
  return (checker, file, declsFile) => {
    const text = file.text;
    // [start, end, replacement], in text order
    const edits: [number, number, string][] = [];
    /** Whether `node` and everything in it is plain JavaScript; records the identifiers to rewrite. */
    const visit = (node: EmitNode, parent: EmitNode): boolean => {
      const kind = node.kind;
      if (kind === K["Identifier"]) {
        // tslab's rule (wrapPrevIdentifier): not a name after a dot, nor (patched) a property name in a pattern
        if ((parent.kind === K["PropertyAccessExpression"] && parent.name === node) || (parent.kind === K["BindingElement"] && parent.propertyName === node)) return true;
        const declarations = checker.getSymbolAtLocation(node)?.declarations;
        if (declarations?.some((d) => isEarlier(d as unknown as DeclarationLike, declsFile))) {
          const start = node.getStart(file);
          edits.push([start, node.end, `exports.${text.slice(start, node.end)}`]);
        }
        return true;
      }
      if (kind >= firstToken && kind <= lastToken) {
        // `?` is a TypeScript optional marker anywhere but in `a ? b : c`; `!` a definite-assignment one
        if (kind === K["QuestionToken"]) return parent.kind === K["ConditionalExpression"];
        return kind !== K["ExclamationToken"];
      }
      if (!plain.has(kind)) return false;
      // an overload signature (a function without a body) is TypeScript; so is a `this` parameter
      if (kind === K["FunctionDeclaration"] && node.body === undefined) return false;
      if (kind === K["Parameter"] && node.name?.escapedText === "this") return false;
      return ts.forEachChild(node, (child) => (visit(child, node) ? undefined : true)) === undefined;
    };
    let last: EmitNode | undefined;
    for (const statement of file.statements) {
      if (statement.kind === K["ExportDeclaration"]) {
        // tslab's `export {};` (a cell that declares nothing has no other export)
        edits.push([statement.getStart(file), statement.end, ""]);
        continue;
      }
      if (!visit(statement, file)) return undefined;
      last = statement;
    }
    let output = ES_MODULE_MARK;
    let lastExpressionVar: string | undefined;
    const expression = last?.kind === K["ExpressionStatement"] ? last.expression : undefined;
    if (expression) {
      lastExpressionVar = LAST_EXPRESSION_VAR;
      output += `exports.${LAST_EXPRESSION_VAR} = void 0;\n`;
      // `a, b` would store a: the printer parenthesizes a comma expression there
      const comma = expression.kind === K["BinaryExpression"] && expression.operatorToken?.kind === K["CommaToken"];
      const start = expression.getStart(file);
      edits.push([start, start, `exports.${LAST_EXPRESSION_VAR} = ${comma ? "(" : ""}`]);
      if (comma) edits.push([expression.end, expression.end, ")"]);
    }
    // an insertion goes before a replacement that starts where it is
    edits.sort((a, b) => a[0] - b[0] || a[1] - a[0] - (b[1] - b[0]));
    let at = 0;
    for (const [start, end, replacement] of edits) {
      output += text.slice(at, start) + replacement;
      at = end;
    }
    return { output: output + text.slice(at), lastExpressionVar };
  };
}
