/**
 * Whether a declaration is one of the earlier cells' shared variables, which the cell's JavaScript
 * reads as `exports.name`.
 *
 * tslab's transform rewrote an identifier as `exports.name` whenever one of its declarations was in
 * the earlier cells' declarations file. A `var` or `function` declared inside `declare global {}`
 * (or an ambient `declare module "x" {}`) is in that file too, but it is a global of the runtime,
 * not a cell's export: `sceneCount` became `exports.sceneCount`, undefined. Those declarations are
 * told apart by the ambient module block around them.
 *
 * @example
 * ```ts
 * const isEarlier = earlierDeclarationTest(ts);
 * isEarlier(symbol.declarations[0], declsFile); // true for `declare const x: number;`, false inside `declare global {}`
 * ```
 * @module
 */

import { GLOBAL_AUGMENTATION } from "./cell-names.js";

/** The part of TypeScript used here. */
export interface EarlierDeclarationTs {
  SyntaxKind: Record<string, number | string>;
}

/** The fields of a declaration read here. */
export interface DeclarationLike {
  kind: number;
  flags: number;
  parent?: DeclarationLike;
  name?: { kind: number };
  getSourceFile(): unknown;
}

/** Makes the test for the given TypeScript's syntax kinds. */
export function earlierDeclarationTest(ts: EarlierDeclarationTs): (decl: DeclarationLike, declsFile: unknown) => boolean {
  const K = ts.SyntaxKind as Record<string, number>;
  const moduleDeclaration = K["ModuleDeclaration"]!;
  const stringLiteral = K["StringLiteral"]!;
  return (decl, declsFile) => {
    if (decl.getSourceFile() !== declsFile) return false;
    for (let node = decl.parent; node && node !== declsFile; node = node.parent) {
      if (node.kind === moduleDeclaration && (node.flags & GLOBAL_AUGMENTATION || node.name?.kind === stringLiteral)) return false;
    }
    return true;
  };
}
