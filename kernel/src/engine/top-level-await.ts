/**
 * Finds `await` at the top level of a cell (outside any function), including awaits nested in
 * expressions such as `(await (await open(p)).read()).band(1)` and `for await` loops.
 *
 * tslab's converter reports top-level await only for some statement shapes; a cell it misses would
 * run in a plain function, where sloppy-mode JavaScript reads `await (x)` as a call to a function
 * named `await` ("await is not defined"). The engine runs a cell as async when either says so.
 *
 * @example
 * ```ts
 * hasTopLevelAwait(ts, "const w = (await (await open(p)).read()).width;"); // true
 * hasTopLevelAwait(ts, "const f = async () => await g();");               // false
 * ```
 * @module
 */

/** The parts of TypeScript this check uses (tslab's TypeScript at run time). */
export interface AwaitTs {
  createSourceFile(fileName: string, text: string, languageVersion: number, setParentNodes?: boolean, scriptKind?: number): unknown;
  forEachChild(node: unknown, cb: (child: unknown) => unknown): unknown;
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
  SyntaxKind: {
    AwaitExpression: number;
    ForOfStatement: number;
    FunctionDeclaration: number;
    FunctionExpression: number;
    ArrowFunction: number;
    MethodDeclaration: number;
    Constructor: number;
    GetAccessor: number;
    SetAccessor: number;
  };
}

/** The syntax kinds that start a function body (an `await` inside one is not top-level). */
export function functionKinds(ts: AwaitTs): Set<number> {
  const K = ts.SyntaxKind;
  return new Set([K.FunctionDeclaration, K.FunctionExpression, K.ArrowFunction, K.MethodDeclaration, K.Constructor, K.GetAccessor, K.SetAccessor]);
}

/** True when `code` awaits outside every function (so the cell must run as an async function). */
export function hasTopLevelAwait(ts: AwaitTs, code: string): boolean {
  if (!code.includes("await")) return false;
  const K = ts.SyntaxKind;
  const functions = functionKinds(ts);
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (node: unknown): boolean => {
    const n = node as { kind: number; awaitModifier?: unknown };
    if (functions.has(n.kind)) return false;
    if (n.kind === K.AwaitExpression || (n.kind === K.ForOfStatement && n.awaitModifier)) return true;
    return ts.forEachChild(node, visit) === true;
  };
  return ts.forEachChild(file, visit) === true;
}
