/**
 * Maps positions in the JavaScript that runs back to the cell's TypeScript, by aligning the two
 * token streams (longest common subsequence of tokens). tslab's converter emits no source maps
 * and its TypeScript module cannot be patched to, and a token alignment survives everything the
 * converter does (types erased, `exports.` added, statements reformatted).
 *
 * @example
 * ```ts
 * const map = createPositionMapper(ts, "const x: number = f();", "const x = f();\nexports.x = x;");
 * map(1, 11); // { line: 1, column: 19 }  (the call `f()`)
 * ```
 * @module
 */

/** The parts of the TypeScript module the scanner needs. */
export interface ScannerTs {
  createScanner(languageVersion: number, skipTrivia: boolean, languageVariant?: number, textInitial?: string): {
    scan(): number;
    getTokenText(): string;
    getTokenPos?(): number;
    getTokenStart?(): number;
    reScanTemplateToken(isTaggedTemplate: boolean): number;
  };
  ScriptTarget: { Latest: number };
  SyntaxKind: {
    EndOfFileToken: number;
    OpenBraceToken: number;
    CloseBraceToken: number;
    TemplateHead: number;
    TemplateTail: number;
  };
}

interface Token {
  text: string;
  pos: number;
}

function tokenize(ts: ScannerTs, text: string): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, 0, text);
  const out: Token[] = [];
  const K = ts.SyntaxKind;
  // Inside `${…}` of a template literal a `}` continues the template: track the nesting.
  const stack: ("brace" | "template")[] = [];
  for (let i = 0; i < 200_000; i++) {
    let kind = scanner.scan();
    if (kind === K.EndOfFileToken) break;
    if (kind === K.OpenBraceToken) stack.push("brace");
    else if (kind === K.TemplateHead) stack.push("template");
    else if (kind === K.CloseBraceToken) {
      if (stack.pop() === "template") {
        kind = scanner.reScanTemplateToken(false);
        if (kind !== K.TemplateTail) stack.push("template");
      }
    }
    const pos = scanner.getTokenStart ? scanner.getTokenStart() : scanner.getTokenPos!();
    out.push({ text: scanner.getTokenText(), pos });
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function toOffset(starts: number[], line: number, column: number): number {
  return (starts[line - 1] ?? 0) + column - 1;
}

function toLineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/**
 * A function from a 1-based (line, column) in `js` to the matching 1-based position in `tsSource`.
 * Positions between aligned tokens map to the nearest aligned token before them.
 */
export function createPositionMapper(ts: ScannerTs, tsSource: string, js: string): (line: number, column: number) => { line: number; column: number } | undefined {
  let table: { jsPos: number[]; tsPos: number[] } | undefined;
  const tsStarts = lineStarts(tsSource);
  const jsStarts = lineStarts(js);
  function build(): { jsPos: number[]; tsPos: number[] } {
    const a = tokenize(ts, js);
    const b = tokenize(ts, tsSource);
    const n = Math.min(a.length, 4000);
    const m = Math.min(b.length, 4000);
    // LCS by dynamic programming on (n+1)×(m+1) lengths, Uint16 rows.
    const rows: Uint16Array[] = [];
    for (let i = 0; i <= n; i++) rows.push(new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      const row = rows[i]!;
      const next = rows[i + 1]!;
      for (let j = m - 1; j >= 0; j--) {
        row[j] = a[i]!.text === b[j]!.text ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
      }
    }
    const jsPos: number[] = [];
    const tsPos: number[] = [];
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[i]!.text === b[j]!.text) {
        jsPos.push(a[i]!.pos);
        tsPos.push(b[j]!.pos);
        i++;
        j++;
      } else if (rows[i + 1]![j]! >= rows[i]![j + 1]!) i++;
      else j++;
    }
    return { jsPos, tsPos };
  }
  return (line, column) => {
    table ??= build();
    const off = toOffset(jsStarts, line, column);
    let k = -1;
    for (let t = 0; t < table.jsPos.length && table.jsPos[t]! <= off; t++) k = t;
    if (k < 0) return undefined;
    return toLineColumn(tsStarts, table.tsPos[k]!);
  };
}
