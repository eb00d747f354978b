/**
 * The JavaScript of a cell made from the cell's own text, its types erased.
 *
 * tslab's converter runs TypeScript's emitter over every cell: the TypeScript and CommonJS
 * transforms, tslab's own transform (an identifier that names an earlier cell's declaration becomes
 * `exports.name`, the last expression statement is stored in `exports.tsLastExpr`) and the printer.
 * For most cells those transforms only
 * - erase types: annotations (`: T` of variables, parameters and return types), `as T`,
 *   `satisfies T`, a non-null `!`, an optional parameter's `?`, a definite assignment's `!`, generic
 *   parameters and arguments (`<T>`), interfaces and type aliases;
 * - rewrite identifiers naming earlier declarations and store the last expression;
 * - in a cell that declares (tslab appends `export { …names }`), add the CommonJS export lines:
 *   `exports.a = … = void 0;` first and `exports.a = a;` after each declaration (cell-commonjs.ts).
 * The same JavaScript is then made by editing the cell's text in those places, which is what this
 * module does: the type checker, which has already checked the cell for its diagnostics, says which
 * identifiers name earlier declarations, exactly as tslab's transform asks it. The printer would
 * only have re-spaced the code. Where an erased type ended a statement that had no `;` (or a whole
 * erased statement followed one), a `;` keeps the statements apart as the TypeScript parse had them
 * (`x as T\n[0].f()` is two statements; `x\n[0].f()` would be one).
 *
 * Every other cell goes through the emitter as before ({@link VerbatimEmit} returns undefined):
 * classes, enums, namespaces, decorators, overloads, `this` and `super`, `import`, `import(…)`
 * and `import.meta`, `<T>x` assertions, `declare`, an instantiation expression (`f<T>`), an arrow
 * function whose return type spans lines, and a cell that writes one of its own top-level names
 * after declaring it (`let n = 0; n++`: the module transform rewrites every such write) or declares
 * a name where this module does not look (`var` in a block).
 *
 * That is most cells: `1 + 1`, `display(map)`, a loop, and the typed functions, interfaces and
 * constants of a notebook. The emitter took ~0.7 ms of a ~2.8 ms `1 + 1` cell in the kernel, and
 * ~5 ms of a 50-line typed function cell (bench/kernel.mjs).
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
import { exportLines, exportsHeader } from "./cell-commonjs.js";
import { boundNames, type BindingLike } from "./cell-names.js";

/** The part of TypeScript used here. */
export interface VerbatimEmitTs {
  SyntaxKind: Record<string, number | string>;
  forEachChild<T>(node: EmitNode, cb: (child: EmitNode) => T | undefined): T | undefined;
  /** The position of the next token at or after `pos` (TypeScript's internal `skipTrivia`). */
  skipTrivia(text: string, pos: number): number;
}

/** A list of syntax nodes (a TypeScript `NodeArray`): `pos` and `end` exclude its brackets. */
export interface EmitNodeArray extends ReadonlyArray<EmitNode> {
  pos: number;
  end: number;
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
  left?: EmitNode;
  operand?: EmitNode;
  initializer?: EmitNode;
  body?: EmitNode;
  escapedText?: string;
  modifiers?: EmitNodeArray;
  type?: EmitNode;
  typeParameters?: EmitNodeArray;
  typeArguments?: EmitNodeArray;
  questionToken?: EmitNode;
  exclamationToken?: EmitNode;
  parameters?: EmitNodeArray;
  equalsGreaterThanToken?: EmitNode;
  declarationList?: EmitNode;
  declarations?: EmitNodeArray;
  statements?: EmitNodeArray;
}

/** The fields of a parsed, checked file read here. */
export interface EmitFile extends EmitNode {
  text: string;
  statements: EmitNodeArray;
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
export type VerbatimEmit = (checker: EmitChecker, file: EmitFile, declsFile: unknown, names?: ReadonlySet<string>) => VerbatimOutput | undefined;

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
  "ShorthandPropertyAssignment",
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


/** Statements that may end without `;` (automatic semicolon insertion). */
const ASI_STATEMENTS = ["ExpressionStatement", "VariableStatement", "ReturnStatement", "ThrowStatement", "BreakStatement", "ContinueStatement", "DoStatement", "DebuggerStatement"] as const;

/** Nodes whose `type` (after a `:`) is a type annotation, erased. */
const ANNOTATED = ["VariableDeclaration", "Parameter", "FunctionDeclaration", "FunctionExpression", "ArrowFunction"] as const;

/** Expressions `expression as T`, `expression satisfies T`, `expression!`: the part after the expression is erased. */
const TYPE_SUFFIXED = ["AsExpression", "SatisfiesExpression", "NonNullExpression"] as const;

/** Statements that are only types: erased whole. */
const TYPE_STATEMENTS = ["InterfaceDeclaration", "TypeAliasDeclaration"] as const;

/** Makes the {@link VerbatimEmit} for the given TypeScript's syntax kinds. */
export function verbatimEmitter(ts: VerbatimEmitTs): VerbatimEmit {
  const K = ts.SyntaxKind as Record<string, number>;
  const kinds = (names: readonly string[]) => new Set<number>(names.map((name) => K[name]!));
  const plain = kinds(PLAIN_KINDS);
  const asi = kinds(ASI_STATEMENTS);
  const annotated = kinds(ANNOTATED);
  const typeSuffixed = kinds(TYPE_SUFFIXED);
  const typeStatements = kinds(TYPE_STATEMENTS);
  const firstToken = K["FirstPunctuation"]!;
  const lastToken = K["LastPunctuation"]!;
  const firstAssignment = K["FirstAssignment"]!;
  const lastAssignment = K["LastAssignment"]!;
  const bindingKinds = {
    Identifier: K["Identifier"]!,
    ObjectBindingPattern: K["ObjectBindingPattern"]!,
    ArrayBindingPattern: K["ArrayBindingPattern"]!,
    BindingElement: K["BindingElement"]!,
    OmittedExpression: K["OmittedExpression"]!,
  };
  const isEarlier = earlierDeclarationTest(ts);
  return (checker, file, declsFile, names = new Set()) => {
    const text = file.text;
    // [start, end, replacement], in text order
    const edits: [number, number, string][] = [];
    // where an erased range ends (a statement ending there needs its `;`)
    const erasedEnds = new Set<number>();
    // where a `;` is added: after a statement whose last tokens were erased, or that is followed by
    // an erased statement or by export lines (automatic semicolon insertion saw the erased tokens)
    const semicolons = new Set<number>();
    const needsSemicolon = (statement: EmitNode) => asi.has(statement.kind) && text[statement.end - 1] !== ";";
    const erase = (start: number, end: number) => {
      edits.push([start, end, ""]);
      erasedEnds.add(end);
    };
    /** Erases `<…>` around a list of type parameters or arguments; false when the text is not as expected. */
    const eraseAngles = (list: EmitNodeArray): boolean => {
      const open = list.pos - 1;
      const close = ts.skipTrivia(text, list.end);
      if (text[open] !== "<" || text[close] !== ">") return false;
      erase(open, close + 1);
      return true;
    };
    /** Whether `target` (an assignment's left side, an operand of ++/--) may write one of the cell's names. */
    const writesName = (target: EmitNode): boolean => {
      if (names.size === 0) return false;
      if (target.kind === K["Identifier"]) return names.has(target.escapedText ?? "");
      if (target.kind === K["PropertyAccessExpression"] || target.kind === K["ElementAccessExpression"]) return false;
      // a parenthesized or destructuring target: any name in it
      return ts.forEachChild(target, (child) => (child.kind === K["Identifier"] ? names.has(child.escapedText ?? "") : writesName(child)) || undefined) === true;
    };
    /** Whether `node` and everything in it is plain JavaScript once its types are erased; records the edits. */
    const visit = (node: EmitNode, parent: EmitNode): boolean => {
      const kind = node.kind;
      if (kind === K["Identifier"]) {
        // tslab's rule (wrapPrevIdentifier): not a name after a dot, nor (patched) a property name in a pattern
        if ((parent.kind === K["PropertyAccessExpression"] && parent.name === node) || (parent.kind === K["BindingElement"] && parent.propertyName === node)) return true;
        const declarations = checker.getSymbolAtLocation(node)?.declarations;
        if (declarations?.some((d) => isEarlier(d as unknown as DeclarationLike, declsFile))) {
          // `{ x }` naming an earlier cell's x is written out before conversion (expand-shorthand.ts)
          if (parent.kind === K["ShorthandPropertyAssignment"]) return false;
          const start = node.getStart(file);
          edits.push([start, node.end, `exports.${text.slice(start, node.end)}`]);
        }
        return true;
      }
      if (kind >= firstToken && kind <= lastToken) {
        if (kind === K["QuestionToken"]) {
          // `a ? b : c`; an optional parameter's `?` is erased
          if (parent.kind === K["ConditionalExpression"]) return true;
          if (parent.kind !== K["Parameter"]) return false;
          erase(node.getStart(file), node.end);
          return true;
        }
        if (kind === K["ExclamationToken"]) {
          // a definite assignment (`let x!: number`) is erased
          if (parent.kind !== K["VariableDeclaration"]) return false;
          erase(node.getStart(file), node.end);
          return true;
        }
        return true;
      }
      if (typeStatements.has(kind)) {
        if (node.modifiers?.length) return false;
        erase(node.getStart(file), node.end);
        const siblings = parent.statements;
        const before = siblings?.[siblings.indexOf(node) - 1];
        if (before && needsSemicolon(before)) semicolons.add(before.end);
        return true;
      }
      if (typeSuffixed.has(kind)) {
        const expression = node.expression!;
        if (kind === K["NonNullExpression"] && text.slice(expression.end, node.end).trim() !== "!") return false;
        erase(expression.end, node.end);
        return visit(expression, node);
      }
      if (!plain.has(kind)) return false;
      // an overload signature (a function without a body) is TypeScript; so is a `this` parameter
      if (kind === K["FunctionDeclaration"] && node.body === undefined) return false;
      if (kind === K["Parameter"] && node.name?.escapedText === "this") return false;
      if (kind === K["BinaryExpression"] && node.operatorToken!.kind >= firstAssignment && node.operatorToken!.kind <= lastAssignment && writesName(node.left!)) return false;
      if ((kind === K["PrefixUnaryExpression"] || kind === K["PostfixUnaryExpression"]) && writesName(node.operand!)) return false;
      if ((kind === K["ForInStatement"] || kind === K["ForOfStatement"]) && node.initializer!.kind !== K["VariableDeclarationList"] && writesName(node.initializer!)) return false;
      const type = annotated.has(kind) ? node.type : undefined;
      if (type) {
        // the `:` follows the name (and its `?` or `!`), or the parameter list's `)`
        let after: number;
        if (kind === K["VariableDeclaration"]) after = (node.exclamationToken ?? node.name!).end;
        else if (kind === K["Parameter"]) after = (node.questionToken ?? node.name!).end;
        else {
          const paren = ts.skipTrivia(text, node.parameters!.end);
          if (text[paren] !== ")") return false;
          after = paren + 1;
        }
        const colon = ts.skipTrivia(text, after);
        if (text[colon] !== ":") return false;
        // `(a)\n=> a` is not an arrow function: a return type over lines stays with the emitter
        if (kind === K["ArrowFunction"] && /[\n\r\u2028\u2029]/.test(text.slice(after, node.equalsGreaterThanToken!.getStart(file)))) return false;
        erase(colon, type.end);
      }
      const typeList = node.typeParameters ?? node.typeArguments;
      if (typeList && !eraseAngles(typeList)) return false;
      const ok =
        ts.forEachChild(node, (child) => {
          if (child === type || typeList?.includes(child)) return undefined;
          return visit(child, node) ? undefined : true;
        }) === undefined;
      if (ok && erasedEnds.has(node.end) && needsSemicolon(node)) semicolons.add(node.end);
      return ok;
    };
    // the values the cell exports, and its statements that declare them
    const values: string[] = [];
    const types = new Set<string>();
    const exportEdits: [number, number, string][] = [];
    let last: EmitNode | undefined;
    for (const statement of file.statements) {
      if (statement.kind === K["ExportDeclaration"]) {
        // tslab's `export {};` first and its `export { …names }` last
        edits.push([statement.getStart(file), statement.end, ""]);
        continue;
      }
      if (!visit(statement, file)) return undefined;
      // (an erased statement is last too: TypeScript leaves a NotEmittedStatement where it was, which
      // tslab's transform sees, and stores no value)
      last = statement;
      if (names.size === 0) continue;
      let declared: string[] | undefined;
      if (statement.kind === K["VariableStatement"]) {
        declared = [];
        for (const declaration of statement.declarationList!.declarations!) {
          const bound = boundNames(declaration.name! as BindingLike, bindingKinds);
          if (!bound) return undefined;
          declared.push(...bound);
        }
      } else if (statement.kind === K["FunctionDeclaration"] && statement.name) {
        declared = [statement.name.escapedText ?? ""];
      } else if (typeStatements.has(statement.kind) && statement.name) {
        types.add(statement.name.escapedText ?? "");
      }
      if (!declared) continue;
      values.push(...declared);
      if (needsSemicolon(statement)) semicolons.add(statement.end);
      exportEdits.push([statement.end, statement.end, exportLines(declared)]);
    }
    // every name of the cell declared by a statement above, once (else: var in a block, a redeclaration…)
    const valueSet = new Set(values);
    if (valueSet.size !== values.length || values.some((n) => !names.has(n) || n.startsWith("__"))) return undefined;
    for (const name of names) if (!valueSet.has(name) && !types.has(name)) return undefined;
    if (names.has(LAST_EXPRESSION_VAR)) return undefined;
    let lastExpressionVar: string | undefined;
    let storeLast: [number, number, string] | undefined;
    const expression = last?.kind === K["ExpressionStatement"] ? last.expression : undefined;
    if (expression) {
      lastExpressionVar = LAST_EXPRESSION_VAR;
      // `a, b` would store a: the printer parenthesizes a comma expression there
      const comma = expression.kind === K["BinaryExpression"] && expression.operatorToken?.kind === K["CommaToken"];
      const start = expression.getStart(file);
      storeLast = [start, start, `exports.${LAST_EXPRESSION_VAR} = ${comma ? "(" : ""}`];
      if (comma) edits.push([expression.end, expression.end, ")"]);
    }
    // exported in this order: the last expression's variable, then the names of tslab's `export { … }`
    const exported = [...(lastExpressionVar ? [lastExpressionVar] : []), ...[...names].filter((n) => valueSet.has(n))];
    let output = ES_MODULE_MARK + exportsHeader(exported);
    // Insertions at one place stay in the order pushed (the sort below is stable): a comma
    // expression's `)`, a `;`, export lines, the store of the last expression (which may start where
    // the statement before it ends: `const a = 1\n;(a)`).
    for (const at of semicolons) edits.push([at, at, ";"]);
    edits.push(...exportEdits);
    if (storeLast) edits.push(storeLast);
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
