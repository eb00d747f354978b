/**
 * Turns known internal failures of tslab's converter (its TypeScript 5.0 fork) into errors that
 * say what to change in the cell.
 *
 * Known case: a declaration whose inferred type lives in a module the cell did not import, made
 * by awaiting twice in one expression (`const r = await (await openRaster(p)).read()`), makes the
 * converter assert "Debug Failure. False expression: Paths must either both be absolute or both
 * be relative" while it writes the cell's declarations.
 *
 * @example
 * ```ts
 * explainConverterFailure(new Error("Debug Failure. False expression: Paths must either both be absolute or both be relative"));
 * // { ename: "TypeScriptLimitation", evalue: "…split the nested awaits…", traceback: [...] }
 * ```
 * @module
 */
import type { ErrorFields } from "./diagnostics.js";
import { CellExportError } from "./cell-exports.js";

/**
 * Error fields for a converter failure we know how to explain, or `undefined` for any other.
 * @param code the cell, for the excerpt under a {@link CellExportError}
 */
export function explainConverterFailure(error: unknown, code = ""): ErrorFields | undefined {
  if (error instanceof CellExportError) {
    const where = `${error.line + 1}:${error.column + 1}`;
    const line = code.split("\n")[error.line];
    return {
      ename: error.name,
      evalue: `${where} ${error.message}`,
      traceback: [`\x1b[31m${where} - ${error.name}:\x1b[0m ${error.message}`, ...(line === undefined ? [] : [line, `${" ".repeat(error.column)}^`])],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (!/Paths must either both be absolute or both be relative/.test(message)) return undefined;
  const evalue =
    "TypeScript could not write the type of a variable declared in this cell (a limitation of the TypeScript 5.0 " +
    "fork that checks cells). It happens when one expression awaits twice and the result's type comes from a module " +
    "the cell does not import. Split the nested awaits into statements, e.g. `const src = await openRaster(p); " +
    "const r = await src.read();`, or annotate the variable with a type you import, e.g. `const r: Raster = …`.";
  return { ename: "TypeScriptLimitation", evalue, traceback: [`\x1b[31mTypeScriptLimitation\x1b[0m: ${evalue}`] };
}
