/**
 * is_complete for TypeScript cells: complete, incomplete (with the indent for the next line, e.g.
 * an open brace or an unfinished template string) or invalid (a syntax error that more lines
 * cannot fix).
 *
 * @example
 * ```ts
 * checkComplete(ts, "function f() {"); // { status: "incomplete", indent: "  " }
 * checkComplete(ts, "1 +* 2");         // { status: "invalid" }
 * ```
 * @module
 */

/** The parts of TypeScript this check uses. */
export interface CompletenessTs {
  createSourceFile(fileName: string, text: string, languageVersion: number, setParentNodes?: boolean, scriptKind?: number): unknown;
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
}

/** The is_complete_reply fields. */
export interface IsCompleteResult {
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

interface ParseDiagnostic {
  start: number;
  length: number;
  code: number;
  messageText: string | { messageText: string };
}

// Diagnostics that mean "the text stopped too early": unterminated template literal / comment /
// string at the end, or "X expected." at the very end of the text.
const UNTERMINATED = new Set([1160 /* template */, 1010 /* '*\/' expected */]);

function indentFor(code: string): string {
  const line = /[^\n]*$/.exec(code)![0];
  const current = /^\s*/.exec(line)![0];
  return /[{([]\s*$/.test(line) ? `${current}  ` : current;
}

/** Classifies a cell for is_complete_request. */
export function checkComplete(ts: CompletenessTs, code: string): IsCompleteResult {
  if (/(^|\n)\s*\n\s*$/.test(code) && code.trim() !== "") {
    // Two blank lines at the end force execution, as in IPython.
    const r = classify(ts, code);
    return r.status === "incomplete" ? { status: "complete" } : r;
  }
  return classify(ts, code);
}

function classify(ts: CompletenessTs, code: string): IsCompleteResult {
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as { parseDiagnostics?: ParseDiagnostic[] };
  const diags = sf.parseDiagnostics ?? [];
  if (diags.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  let incomplete = false;
  for (const d of diags) {
    const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
    if (UNTERMINATED.has(d.code) || (d.start >= end && text.endsWith(" expected."))) incomplete = true;
    else return { status: "invalid" };
  }
  return incomplete ? { status: "incomplete", indent: indentFor(code) } : { status: "complete" };
}
