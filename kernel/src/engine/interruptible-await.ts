/**
 * Top-level `await` that SIGINT can interrupt after it resumes.
 *
 * A cell with top-level `await` used to run as an async function. Its code after the first
 * `await` then runs as a promise continuation, outside the `vm` call whose `breakOnSigint`
 * turns SIGINT into an exception: `const r = await src.read(); while (busy(r)) {}` could not be
 * interrupted, and the kernel had to be restarted. Here such a cell runs as a generator instead
 * (each top-level `await x` becomes `(yield x)`), driven by {@link runInterruptible}, which resumes
 * the generator from inside a `breakOnSigint` script every time: all of the cell's top-level code
 * is interruptible, before and after each await. (Code inside async functions the cell defines is
 * still resumed by the engine's promise machinery; a pending await there is stopped by the
 * interrupt's rejection, a synchronous loop after it is not.)
 *
 * @example
 * ```ts
 * const g = awaitsToYields(ts, "const a = await f();\nwhile (a) {}");
 * // g.code: "const a = (yield f());\nwhile (a) {}"
 * const value = await runInterruptible(generatorObject, signal); // rejects with the interrupt error on SIGINT
 * ```
 * @module
 */
import vm from "node:vm";
import { functionKinds, type AwaitTs } from "./top-level-await.js";
import { prepareBreakOnSigint } from "./sigint-watch.js";

/** The parts of TypeScript this rewrite uses (tslab's TypeScript at run time). */
export interface YieldTs extends AwaitTs {
  ScriptKind: AwaitTs["ScriptKind"] & { JS: number };
  SyntaxKind: AwaitTs["SyntaxKind"] & { ClassStaticBlockDeclaration: number };
}

/** A cell rewritten to a generator body, and how to map its positions back. */
export interface GeneratorCell {
  /** The JavaScript with each top-level `await x` written `(yield x)`. */
  code: string;
  /** Maps a 1-based line and column of `code` to the same place in the JavaScript given. */
  toOriginal(line: number, column: number): { line: number; column: number };
}

interface AstNode {
  kind: number;
  pos: number;
  end: number;
  expression?: AstNode;
  awaitModifier?: unknown;
  getStart(): number;
}

/**
 * Rewrites the top-level awaits of converted cell JavaScript to yields. Returns undefined when the
 * code has no top-level await, or has a top-level `for await` (which has no generator form): such
 * a cell runs as an async function, as before.
 */
export function awaitsToYields(ts: YieldTs, js: string): GeneratorCell | undefined {
  if (!js.includes("await")) return undefined;
  const K = ts.SyntaxKind;
  const functions = functionKinds(ts).add(K.ClassStaticBlockDeclaration);
  // Parsed as a module (an export appended after the code), where `await` is always the keyword:
  // in a script `await (x)` and `await { … }` would read as a call and an identifier.
  const file = ts.createSourceFile("cell.js", `${js}\nexport {};`, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const awaits: AstNode[] = [];
  let forAwait = false;
  const visit = (node: unknown): void => {
    const n = node as AstNode;
    if (functions.has(n.kind)) return;
    if (n.kind === K.ForOfStatement && n.awaitModifier) forAwait = true;
    if (n.kind === K.AwaitExpression) awaits.push(n);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  if (awaits.length === 0 || forAwait) return undefined;
  // Edits: "await" → "(yield" at the keyword (one more character), ")" after the operand.
  const edits: { at: number; remove: number; text: string }[] = [];
  for (const a of awaits) {
    edits.push({ at: a.getStart(), remove: 5, text: "(yield" });
    edits.push({ at: a.end, remove: 0, text: ")" });
  }
  edits.sort((x, y) => x.at - y.at || y.remove - x.remove);
  let code = "";
  let last = 0;
  /** Offsets in the new code where a character was inserted (each shifts later text by one). */
  const inserted: number[] = [];
  for (const e of edits) {
    code += js.slice(last, e.at);
    if (e.remove === 5) {
      code += "(yield";
      inserted.push(code.length - 1); // the extra character is the last one of "(yield"
    } else {
      inserted.push(code.length);
      code += ")";
    }
    last = e.at + e.remove;
  }
  code += js.slice(last);
  const lineStarts = starts(code);
  const originalStarts = starts(js);
  return {
    code,
    toOriginal(line, column) {
      const offset = (lineStarts[line - 1] ?? 0) + column - 1;
      let shift = 0;
      for (const i of inserted) if (i < offset) shift++;
      const original = offset - shift;
      let l = 0;
      while (l + 1 < originalStarts.length && (originalStarts[l + 1] as number) <= original) l++;
      return { line: l + 1, column: original - (originalStarts[l] as number) + 1 };
    },
  };
}

function starts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

const STEP_KEY = "__ai4eo_step__";
/** One script, compiled once, that runs the pending generator step inside breakOnSigint. */
const stepScript = new vm.Script(`globalThis.${STEP_KEY}()`, { filename: "ai4eo-await-step" });

/** The error text vm uses when SIGINT stops a script. */
export const SCRIPT_INTERRUPTED = /Script execution was interrupted/;

/**
 * Drives a generator made from a cell (see {@link awaitsToYields}) to completion: each yielded value
 * is awaited, and the generator is resumed with the result (or the rejection thrown into it) from
 * inside a `breakOnSigint` script. Resolves to the generator's return value; rejects with the cell's
 * error, or with vm's "Script execution was interrupted" error when SIGINT stopped a step, or with
 * `signal.reason` when `signal` aborted while a yielded value was pending (the generator is closed
 * in both cases, so the rest of an interrupted cell never runs later).
 */
export function runInterruptible(generator: Generator<unknown, unknown, unknown>, signal?: AbortSignal): Promise<unknown> {
  const close = (): void => {
    try {
      generator.return(undefined);
    } catch {
      // a finally block of the cell threw, or the generator is still marked running after a
      // terminated step: the interrupt is what is reported
    }
  };
  return new Promise((resolve, reject) => {
    const step = (method: "next" | "throw", value: unknown): void => {
      if (signal?.aborted) {
        close();
        reject(signal.reason);
        return;
      }
      let result: IteratorResult<unknown, unknown>;
      const g = globalThis as Record<string, unknown>;
      g[STEP_KEY] = () => (method === "next" ? generator.next(value) : generator.throw(value));
      try {
        prepareBreakOnSigint();
        result = stepScript.runInThisContext({ breakOnSigint: true }) as IteratorResult<unknown, unknown>;
      } catch (e) {
        if (e instanceof Error && SCRIPT_INTERRUPTED.test(e.message)) close();
        reject(e);
        return;
      } finally {
        delete g[STEP_KEY];
      }
      if (result.done) resolve(result.value);
      else Promise.resolve(result.value).then((v) => step("next", v), (e: unknown) => step("throw", e));
    };
    step("next", undefined);
  });
}
