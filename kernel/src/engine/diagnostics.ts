/**
 * Turns TypeScript diagnostics and runtime errors into Jupyter error fields that point to the
 * cell's own lines.
 *
 * @example
 * ```ts
 * formatDiagnostics("let x: number = 'a';", diags);
 * // { ename: "TypeScriptError", evalue: "1:5 Type 'string' is not assignable to type 'number'.", traceback: [...] }
 * ```
 * @module
 */

/** A diagnostic as tslab's converter reports it (zero-based line and character). */
export interface CellDiagnostic {
  start: { offset: number; line: number; character: number };
  end: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

/** The fields of a Jupyter `error` message. */
export interface ErrorFields {
  ename: string;
  evalue: string;
  traceback: string[];
}

const RED = "\x1b[31m";
const CYAN = "\x1b[36m";
const RESET = "\x1b[0m";

/** A source line with a caret line under `character..endCharacter`. */
function excerpt(lines: string[], line: number, character: number, endCharacter: number): string[] {
  const text = lines[line];
  if (text === undefined) return [];
  const width = Math.max(1, (endCharacter > character ? endCharacter : character + 1) - character);
  const gutter = `${line + 1} | `;
  return [`${CYAN}${gutter}${RESET}${text}`, `${" ".repeat(gutter.length + character)}${RED}${"~".repeat(Math.min(width, Math.max(1, text.length - character)))}${RESET}`];
}

/**
 * Error fields for type-check diagnostics: each one as `line:col - error TSnnnn: message` with
 * the offending cell line underneath.
 */
export function formatDiagnostics(code: string, diagnostics: CellDiagnostic[]): ErrorFields {
  const lines = code.split("\n");
  const traceback: string[] = [];
  const first = diagnostics[0]!;
  for (const d of diagnostics) {
    const where = d.fileName ? `${d.fileName}:${d.start.line + 1}:${d.start.character + 1}` : `${d.start.line + 1}:${d.start.character + 1}`;
    traceback.push(`${RED}${where} - error TS${d.code}:${RESET} ${d.messageText}`);
    if (!d.fileName) traceback.push(...excerpt(lines, d.start.line, d.start.character, d.start.line === d.end.line ? d.end.character : d.start.character + 1));
  }
  const firstWhere = first.fileName ? `${first.fileName}:${first.start.line + 1}:${first.start.character + 1}` : `${first.start.line + 1}:${first.start.character + 1}`;
  return {
    ename: "TypeScriptError",
    evalue: `${firstWhere} ${first.messageText}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ""}`,
    traceback,
  };
}

/** Maps a position in the executed JavaScript to the cell's TypeScript (1-based line/column), if known. */
export type PositionMapper = (line: number, column: number) => { line: number; column: number } | undefined;

/**
 * Error fields for a runtime error: the stack reduced to frames in cells (with cell line numbers)
 * and in user files, dropping kernel, tslab and Node internals.
 */
export function formatRuntimeError(error: unknown, cells: Map<string, { code: string; map?: PositionMapper }>): ErrorFields {
  if (!(error instanceof Error)) {
    const evalue = typeof error === "string" ? error : safeString(error);
    return { ename: "Error", evalue, traceback: [`${RED}Uncaught${RESET} ${evalue}`] };
  }
  const ename = error.name || "Error";
  const evalue = error.message;
  const traceback = [`${RED}${ename}${RESET}: ${evalue}`];
  const stack = typeof error.stack === "string" ? error.stack.split("\n").slice(1) : [];
  let shownSource = false;
  for (const raw of stack) {
    const frame = raw.trim();
    if (!frame.startsWith("at ")) continue;
    const m = /(cell-\d+(?:-[a-z]+)?):(\d+):(\d+)/.exec(frame);
    if (m) {
      const cell = cells.get(m[1]!);
      const pos = cell?.map?.(Number(m[2]), Number(m[3]));
      // the wrapper around the cell (its first and last line) does not map: leave it out
      if (!pos) continue;
      const fn = /^at (?:async )?([^\s(]+) \(/.exec(frame)?.[1];
      const name = fn && !fn.startsWith("eval") && fn !== "Object.<anonymous>" ? `${fn} ` : "";
      traceback.push(`    at ${name}(${m[1]} line ${pos.line}:${pos.column})`);
      if (!shownSource && cell) {
        shownSource = true;
        traceback.push(...excerpt(cell.code.split("\n"), pos.line - 1, pos.column - 1, pos.column).map((l) => `      ${l}`));
      }
      continue;
    }
    if (/\(node:|at node:|node_modules[\\/](tslab|@tslab)[\\/]|[\\/]kernel[\\/]src[\\/](engine|jupyter|cli)[\\/]|[\\/]dist[\\/]kernel[\\/]src[\\/](engine|jupyter|cli)[\\/]|<anonymous>|evalmachine/.test(frame)) continue;
    traceback.push(`    ${frame}`);
  }
  return { ename, evalue, traceback };
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
