/**
 * The CommonJS export lines TypeScript's module transform writes for a cell's top-level names.
 *
 * tslab's converter appends `export { a, f, … }` (every top-level name) to a cell, and TypeScript's
 * CommonJS transform (TypeScript 5.0, tslab's) turns it into:
 * - a first line `exports.f = exports.a = void 0;` (the exported values, the first one innermost,
 *   50 names per statement), after `Object.defineProperty(exports, "__esModule", …)`;
 * - `exports.a = a;` after the statement that declares `a`, for each name a variable statement binds
 *   (destructuring patterns in order) and after each function declaration.
 * Type-only names (interfaces, type aliases) export nothing. This module writes the same lines for
 * verbatim-emit.ts, which makes a declaring cell's JavaScript from its own text.
 *
 * @example
 * ```ts
 * exportsHeader(["tsLastExpr", "f", "a"]); // 'exports.a = exports.f = exports.tsLastExpr = void 0;\n'
 * exportLines(["a", "bb"]); // '\nexports.a = a;\nexports.bb = bb;'
 * ```
 * @module
 */

/** How many names TypeScript's transform assigns `void 0` to in one statement. */
const HEADER_CHUNK = 50;

/** The `exports.x = … = void 0;` lines for the exported value names, in export order. */
export function exportsHeader(names: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i += HEADER_CHUNK) {
    const chunk = names.slice(i, i + HEADER_CHUNK);
    out += `${chunk.map((n) => `exports.${n} = `).reverse().join("")}void 0;\n`;
  }
  return out;
}

/** The lines after a declaration statement: `exports.name = name;` for each name it binds. */
export function exportLines(names: readonly string[]): string {
  return names.map((n) => `\nexports.${n} = ${n};`).join("");
}
