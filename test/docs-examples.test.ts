// The TSDoc examples stay true: every ```ts block inside an `@example` tag in kernel/src, and every
// ```ts block of the README that imports from "ai4eo", type-checks against the real sources.
//
// How:
// - The doc comments are the `/**` comments leading a node of the TypeScript AST
//   (ts.getLeadingCommentRanges), so a "@example" inside a string is not taken for a tag (nor one
//   quoted in backticks in prose), and each example knows the declaration it documents. An `@example` with no fenced block at all (an inline `code` span)
//   is reported too: the project rule is a fenced block. Fences in another language (```sh for the
//   CLI commands) are not TypeScript and are left alone.
// - Each example becomes a virtual file next to its source (`<file>.example-<n>.ts`, so relative
//   paths and the package's "type": "module" apply as for the source), made of `export {};`, one
//   import line, then the example as written. The import brings in, of the names the example
//   uses, those the documented module exports (values and types, from the checker's module symbol)
//   and, failing that, those the public entry kernel/src/index.ts exports — as a notebook that
//   imported them from "ai4eo" would see them. Only used names are imported, and never a name the
//   example declares or imports itself, so no import clashes with the snippet. Entry exports are
//   imported only where used as API (called, constructed, a property-access base, a type): a name
//   only passed around as data (`layer(ndvi)`) is a free variable that happens to share an export's
//   name. An entry export that shadows a global (the widget `Map` vs the built-in Map) is only
//   imported in the module that defines it. "ai4eo" itself resolves to kernel/src/index.ts (compiler option `paths`), not to a
//   possibly stale dist/.
// - Snippets use free variables (`raster`, `model`, `tileBytes`…): "Cannot find name" (2304, 2552,
//   2582) is tolerated, so those names are `any` and only calls on real API are checked. What
//   follows from free names is tolerated too: a shorthand property of a free name (18004, as in
//   `ndvi({ nir, red })`) and a callback parameter with no contextual type (7006, 7031). Top-level
//   await is legal as the files are ES modules under the project's NodeNext/ES2022 options;
//   noUnusedLocals is off there. Two exceptions make "free" stricter:
//   * a free name used as API that some other kernel/src module exports is an error (the example
//     forgot its import, or meant `plots.histogram`), and in the README so is any free name the
//     entry exports;
//   * in examples of public modules (those the entry re-exports from) and in the README, the
//     conventional names in TYPED (`model`, `src`, `raster`) are declared with their API types
//     when the example does not declare them, so methods called on them are checked too.
// - One ts.Program holds the real sources and all virtual files (a CompilerHost that serves the
//   virtual files from memory and caches parsed sources; a first program over the sources alone,
//   never type-checked as a whole, gives the modules' exports); only the virtual files'
//   diagnostics are read. Everything else is reported with the source file, the declaration, the line in the source
//   and the message, and the test fails listing them all. As a self-check, every doc-comment line
//   that opens a ```ts fence must lie in a comment the AST walk found (a "*/" inside an example
//   would end its comment early).
// - README: its ```ts blocks are grouped by `## section` (a section's blocks run as one script, as
//   in test/readme.test.ts); a group that imports from "ai4eo" is checked as one virtual file at
//   the repository root, with its own imports only (plus the TYPED names).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import ts from "typescript";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const srcDir = join(root, "kernel", "src");
const entry = join(srcDir, "index.ts");

/** Diagnostics inherent to snippets (see the header). */
/** Conventional free names, typed in examples of public modules and the README (see the header). */
const TYPED: Record<string, string> = { model: "Model", src: "RasterSource", raster: "Raster" };
const TOLERATED = new Set([2304, 2552, 2582, 18004, 7006, 7031]);

interface Example {
  /** Source file (absolute) and the declaration the comment documents. */
  file: string;
  decl: string;
  /** Line (1-based) in the source of each line of the code. */
  lines: number[];
  code: string;
}

function walkTs(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walkTs(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The name a doc comment belongs to: `Class.member`, `function`, or "(module)". */
function declName(node: ts.Node, comment: string): string {
  if (/^\s*\*?\s*@module\b/m.test(comment)) return "(module)";
  let n: ts.Node = node;
  if (ts.isVariableStatement(n)) n = n.declarationList.declarations[0]!;
  const name = ts.getNameOfDeclaration(n as ts.Declaration);
  let label = name ? name.getText() : ts.SyntaxKind[n.kind];
  for (let p = n.parent; p; p = p.parent) {
    if ((ts.isClassDeclaration(p) || ts.isInterfaceDeclaration(p) || ts.isModuleDeclaration(p)) && p.name) label = `${p.name.text}.${label}`;
    else if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) label = `${p.name.text}.${label}`;
  }
  return label;
}

/**
 * The @example blocks of one source file, plus the @example tags that hold no fenced block.
 * Doc comments are the `/**` comments leading any node of the AST (so also a module comment that
 * TypeScript does not attach to the first declaration); a tag runs to the next line that starts
 * with a tag, outside fences.
 */
function extract(file: string, text: string): { examples: Example[]; unfenced: string[]; tsFences: number } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const examples: Example[] = [];
  const unfenced: string[] = [];
  const seen = new Set<number>();
  let tsFences = 0;
  const handle = (pos: number, end: number, node: ts.Node): void => {
    const comment = text.slice(pos, end);
    const first = sf.getLineAndCharacterOfPosition(pos).line + 1;
    const lines = comment.replace(/\*\/$/, "").split("\n").map((l, i) => (i === 0 ? l.replace(/^\/\*\*/, "") : l.replace(/^\s*\*( |$)/, "")));
    let ex: { line: number; fences: number; text: string[] } | undefined;
    let fence: { lang: string; lines: number[]; code: string[] } | undefined;
    const close = (): void => {
      if (!ex) return;
      const where = `${relative(root, file)}:${ex.line} ${declName(node, comment)}`;
      if (fence) unfenced.push(`${where}: unclosed fence in @example`);
      else if (ex.fences === 0) unfenced.push(`${where}: @example has no fenced code block (${ex.text.join(" ").trim()})`);
      ex = undefined;
      fence = undefined;
    };
    lines.forEach((l, i) => {
      const m = /^\s*```\s*(\w*)\s*$/.exec(l);
      if (fence) {
        if (m) {
          if (ex) ex.fences++;
          if (ex && (fence.lang === "ts" || fence.lang === "typescript")) {
            examples.push({ file, decl: declName(node, comment), lines: fence.lines, code: fence.code.join("\n") });
          }
          fence = undefined;
        } else {
          fence.lines.push(first + i);
          fence.code.push(l);
        }
        return;
      }
      if (m) {
        fence = { lang: m[1]!, lines: [], code: [] };
        if (fence.lang === "ts" || fence.lang === "typescript") tsFences++;
        return;
      }
      if (/^\s*@\w+/.test(l)) close();
      const tag = /(?<![\w`{])@example\b(.*)/.exec(l);
      if (tag) {
        close();
        ex = { line: first + i, fences: 0, text: [tag[1]!] };
      } else if (ex) ex.text.push(l);
    });
    close();
  };
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      if (seen.has(r.pos) || !text.startsWith("/**", r.pos)) continue;
      seen.add(r.pos);
      handle(r.pos, r.end, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  visit(sf.endOfFileToken);
  return { examples, unfenced, tsFences };
}

/**
 * Whether an identifier is used as API: called, constructed, a property-access base, a type, the
 * right of instanceof. A name only passed around as data (`show(ndvi)`) is a free variable that
 * happens to share an export's name.
 */
function apiUse(id: ts.Identifier): boolean {
  const p = id.parent;
  return ((ts.isCallExpression(p) || ts.isNewExpression(p) || ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === id) ||
    (ts.isTaggedTemplateExpression(p) && p.tag === id) ||
    (ts.isQualifiedName(p) && p.left === id) ||
    ts.isTypeReferenceNode(p) || ts.isExpressionWithTypeArguments(p) || ts.isTypeQueryNode(p) ||
    (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && p.right === id);
}

/** Top-level names an example declares or imports, every identifier it mentions, and those it uses as API. */
function namesOf(code: string): { declared: Set<string>; used: Set<string>; api: Set<string> } {
  const sf = ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true);
  const declared = new Set<string>();
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) declared.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => bind(d.name));
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) declared.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) declared.add(c.name.text);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) declared.add(c.namedBindings.name.text);
      else if (c.namedBindings) c.namedBindings.elements.forEach((e) => declared.add(e.name.text));
    }
  }
  const used = new Set<string>();
  const api = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      used.add(n.text);
      if (apiUse(n)) api.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { declared, used, api };
}

/** The ```ts blocks of the README that import from "ai4eo", one group per `## section` (a section's blocks run as one script). */
function readmeExamples(): Example[] {
  const file = join(root, "README.md");
  const lines = readFileSync(file, "utf8").split("\n");
  const groups = new Map<string, Example>();
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const h = /^## (.*)/.exec(lines[i]!);
    if (h) section = h[1]!;
    if (!/^```ts\s*$/.test(lines[i]!)) continue;
    let j = i + 1;
    const code: string[] = [];
    const at: number[] = [];
    for (; j < lines.length && !/^```\s*$/.test(lines[j]!); j++) {
      code.push(lines[j]!);
      at.push(j + 1);
    }
    i = j;
    const g = groups.get(section) ?? { file, decl: `## ${section}`, lines: [], code: "" };
    g.code += (g.code ? "\n" : "") + code.join("\n");
    g.lines.push(...at);
    groups.set(section, g);
  }
  return [...groups.values()].filter((g) => /from\s+["']ai4eo["']/.test(g.code));
}

function findIdent(sf: ts.SourceFile, pos: number): ts.Identifier | undefined {
  let found: ts.Identifier | undefined;
  const visit = (n: ts.Node): void => {
    if (found || pos < n.getStart(sf) || pos >= n.end) return;
    if (ts.isIdentifier(n) && n.getStart(sf) === pos) found = n;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function check(): { count: number; errors: string[] } {
  const sources = walkTs(srcDir);
  const options: ts.CompilerOptions = {
    ...ts.parseJsonConfigFileContent(JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")), ts.sys, root).options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    paths: { ai4eo: [relative(root, entry).split(sep).join("/")] },
  };
  const base = ts.createCompilerHost(options, true);
  const self = ts.resolveModuleName("ai4eo", join(srcDir, "x.ts"), options, base, undefined, undefined, ts.ModuleKind.ESNext).resolvedModule;
  assert.equal(self?.resolvedFileName, entry.split(sep).join("/"), '"ai4eo" must resolve to the sources, not to dist/');
  const virtual = new Map<string, string>();
  const cache = new Map<string, ts.SourceFile>();
  const host: ts.CompilerHost = {
    ...base,
    fileExists: (f) => virtual.has(f) || base.fileExists(f),
    readFile: (f) => virtual.get(f) ?? base.readFile(f),
    getSourceFile: (f, lang, onError) => {
      const v = virtual.get(f);
      if (v !== undefined) return ts.createSourceFile(f, v, lang, true);
      let sf = cache.get(f);
      if (!sf) {
        sf = base.getSourceFile(f, lang, onError);
        if (sf) cache.set(f, sf);
      }
      return sf;
    },
  };

  // What each module exports, and what the entry exports, from the checker.
  const first = ts.createProgram(sources, options, host);
  const checker = first.getTypeChecker();
  const exportsOf = (file: string): Set<string> => {
    const sf = first.getSourceFile(file);
    const sym = sf && checker.getSymbolAtLocation(sf);
    return new Set(sym ? checker.getExportsOfModule(sym).map((s) => s.name).filter((n) => n !== "default") : []);
  };
  const entryExports = exportsOf(entry);
  // The modules whose exports the entry re-exports: their examples are notebook code.
  const entrySym = checker.getSymbolAtLocation(first.getSourceFile(entry)!)!;
  const publicFiles = new Set(checker.getExportsOfModule(entrySym).flatMap((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return (target.declarations ?? []).map((d) => d.getSourceFile().fileName);
  }));
  const typed = (used: Set<string>, declared: Set<string>, own: Set<string>, from: string): string =>
    Object.entries(TYPED).filter(([v]) => used.has(v) && !declared.has(v) && !own.has(v)).map(([v, t]) => ` declare const ${v}: import("${from}").${t};`).join("");
  const exporters = new Map<string, string[]>();
  for (const f of sources) for (const n of exportsOf(f)) if (!f.endsWith("index.ts")) exporters.set(n, [...(exporters.get(n) ?? []), f]);

  const errors: string[] = [];
  const examples: Example[] = [];
  for (const file of sources) {
    if (file.endsWith(".d.ts")) continue;
    const text = readFileSync(file, "utf8");
    const r = extract(file, text);
    examples.push(...r.examples);
    errors.push(...r.unfenced);
    // Every doc-comment line opening a ```ts fence must be in a comment found above: a "*/" inside
    // an example (say `{ /* … */ }`) ends the comment early and hides the rest.
    const lines = (text.match(/^\s*\*\s*```(ts|typescript)\s*$/gm) ?? []).length;
    if (lines !== r.tsFences) errors.push(`${relative(root, file)}: ${lines} lines open a \`\`\`ts fence in doc comments but ${r.tsFences} were found in them; does an example contain "*/"?`);
  }
  const readme = readmeExamples();

  // Virtual files: "export {};", one import line, the code. `map` gives each virtual line's source line.
  const HEADER = 2;
  const made: { path: string; ex: Example; readme: boolean }[] = [];
  const counters = new Map<string, number>();
  for (const [ex, isReadme] of [...examples.map((e) => [e, false] as const), ...readme.map((e) => [e, true] as const)]) {
    const n = (counters.get(ex.file) ?? 0) + 1;
    counters.set(ex.file, n);
    const path = join(dirname(ex.file), `${basename(ex.file).replace(/\.(ts|md)$/, "")}.example-${n}.ts`);
    assert.ok(!existsSync(path), `virtual file ${path} would hide a real file`);
    let imports = "";
    if (isReadme) {
      const { declared, used } = namesOf(ex.code);
      imports += typed(used, declared, new Set(), "ai4eo");
    } else {
      const { declared, used, api } = namesOf(ex.code);
      const own = exportsOf(ex.file);
      const spec = (to: string) => "./" + relative(dirname(ex.file), to).split(sep).join("/").replace(/\.ts$/, ".js");
      const fromOwn = [...own].filter((n) => used.has(n) && !declared.has(n)).sort();
      const fromEntry = ex.file === entry ? [] : [...entryExports].filter((n) => api.has(n) && !declared.has(n) && !own.has(n) && !(n in globalThis)).sort();
      if (fromOwn.length) imports += `import { ${fromOwn.join(", ")} } from "${spec(ex.file)}"; `;
      if (fromEntry.length) imports += `import { ${fromEntry.join(", ")} } from "${spec(entry)}";`;
      if (publicFiles.has(ex.file)) imports += typed(used, declared, own, spec(entry));
    }
    virtual.set(path, `export {};\n${imports}\n${ex.code}\n`);
    made.push({ path, ex, readme: isReadme });
  }

  const program = ts.createProgram({ rootNames: [...sources, ...made.map((m) => m.path)], options, host, oldProgram: first });
  for (const { path, ex, readme: isReadme } of made) {
    const sf = program.getSourceFile(path)!;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
      if (d.code === 2304 || d.code === 2552) {
        // A free name used as API that another module exports: the example forgot its import.
        const id = findIdent(sf, d.start!);
        const from = id && apiUse(id) && !(id.text in globalThis) ? exporters.get(id.text) : undefined;
        if (from) {
          const line = ex.lines[sf.getLineAndCharacterOfPosition(d.start!).line - HEADER];
          errors.push(`${relative(root, ex.file)}:${line} ${ex.decl}: uses ${id!.text}, which is not in scope: it is exported by ${from.map((f) => relative(root, f)).join(", ")}; import it in the example${isReadme ? "" : " (or use the name the public entry exports)"}`);
          continue;
        }
      }
      if (TOLERATED.has(d.code)) {
        // In the README a free name that "ai4eo" exports means a missing import.
        const name = /Cannot find name '([^']+)'/.exec(msg)?.[1];
        if (!(isReadme && name && entryExports.has(name))) continue;
      }
      const vline = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line;
      const line = vline >= HEADER ? ex.lines[vline - HEADER] : undefined;
      const where = line === undefined ? `${relative(root, ex.file)} (generated import line)` : `${relative(root, ex.file)}:${line}`;
      errors.push(`${where} ${ex.decl}: TS${d.code} ${msg}`);
    }
  }
  return { count: made.length, errors };
}

test("every TSDoc @example in kernel/src and every README block importing ai4eo type-checks", { timeout: 300_000 }, (t) => {
  const { count, errors } = check();
  t.diagnostic(`${count} examples checked`);
  assert.ok(count > 300, `only ${count} examples found: is the extraction broken?`);
  assert.deepEqual(errors, [], `${errors.length} problem(s) in ${count} examples:\n${errors.join("\n")}`);
});
