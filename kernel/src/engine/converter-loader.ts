/**
 * Loads tslab's converter with a lighter program host.
 *
 * tslab's converter (`tslab/dist/converter.js`) keeps a TypeScript watch program whose default
 * program factory is an emit-and-semantic-diagnostics *builder*: on every cell it computes the
 * builder state of every file (module graph and signatures), which forces a full type checker
 * (all lib and `@types` globals merged) on each program — and a cell that declares variables
 * makes two programs. The converter only needs, from that builder, the program, its source files,
 * `emit` and the files a cell depends on. This module runs tslab's converter unchanged but hands it
 * a TypeScript object whose `createWatchCompilerHost` uses `ts.createAbstractBuilder` (no state)
 * with two additions:
 * - `getSourceFile` binds the file it returns (cheap: one file), so the converter's look at a cell's
 *   top-level `locals` works without creating a type checker;
 * - `getAllDependencies` walks the module imports resolved by the program.
 *
 * One type checker per cell remains (the one that type-checks the cell and emits it).
 *
 * The declarations a cell passes on are printed without re-printing those of earlier cells that did
 * not change (a second patch of a known line of tslab's `remainingDecls`, see decl-printer.ts;
 * {@link ConverterModule.declsPrintPatched}): tslab reprinted them all after every cell.
 *
 * One program per cell, too: tslab builds a program for the cell only to learn its top-level
 * names, then a second one with `export { …names }` appended. The loader patches that first step
 * (a known snippet of tslab 1.0.22's `convert`; {@link ConverterModule.cellNamesPatched} says whether it
 * applied) to parse the cell alone and read the names off its syntax tree (cell-names.ts; the
 * binder for the few cells that walk leaves to it), which gives the same names without a program.
 *
 * A cell that declares nothing (`1 + 1`, `console.log(x)`, a loop: see declares-nothing.ts) passes
 * the declarations it was given on unchanged ({@link ConverterModule.carryPatched}): tslab emitted
 * its (empty) declaration file, checked it for declaration errors and re-printed every earlier
 * declaration; and the watch program is told the declarations file changed only when its text did,
 * so an unchanged one is not parsed and bound again.
 *
 * A property name in a destructuring pattern (`const { a: x } = obj`) is left alone
 * ({@link ConverterModule.propertyNamesPatched}): tslab's transform, which writes identifiers naming
 * an earlier cell's declarations as `exports.name`, asks the type checker what each identifier
 * names, and for that `a` the checker answers the property `a` of `obj`'s type, declared in the
 * earlier cell. The cell became `const { exports.a: x } = exports.obj`, a SyntaxError.
 *
 * The same parse finds `export` keywords of top-level declarations, which are blanked out (every
 * top-level declaration is shared with later cells anyway; see cell-exports.ts).
 *
 * A namespace (`namespace N {}`), `declare global {}` or `declare module "x" {}` stays declared
 * ({@link ConverterModule.namespacesPatched}): tslab's `remainingDecls`, which picks the earlier
 * declarations a cell leaves standing, knew variables, functions, classes, enums, interfaces, type
 * aliases and imports, and dropped everything else at the next cell that declared anything. And a
 * global declared inside `declare global {}` is read as the global it is, not as `exports.name`
 * ({@link ConverterModule.ambientGlobalsPatched}, earlier-declaration.ts).
 *
 * A cell that imports nothing and uses no TypeScript beyond types (`1 + 1`, `display(map)`, typed
 * functions and interfaces) is not run through TypeScript's emitter: its JavaScript is its own text
 * with the types erased, the identifiers naming earlier declarations and the last expression
 * rewritten as tslab's transform would, and the module transform's export lines for what it
 * declares; its declaration file alone is emitted (see verbatim-emit.ts;
 * {@link ConverterModule.verbatimPatched}).
 *
 * The converter also gets `ai4eoPrepare(prevDecl)` ({@link ConverterModule.preparePatched}), which
 * hands the program the declarations file the next cell starts from; the engine calls it while the
 * kernel is idle after a cell, so the next cell reuses that file instead of parsing and binding it.
 *
 * @example
 * ```ts
 * const tslabRequire = createRequire(require.resolve("tslab/package.json"));
 * const { createConverter } = loadConverter(tslabRequire);
 * const converter = createConverter({ isJS: false, isBrowser: false });
 * ```
 * @module
 */
import Module, { createRequire } from "node:module";
import path from "node:path";
import { readFileSync } from "node:fs";
import type { Converter, ConverterOptions } from "tslab/dist/converter.js";
import { expandShorthandIn, type ShorthandTs } from "./expand-shorthand.js";
import { cellNames, type CellNamesTs } from "./cell-names.js";
import { withoutExports, type CellExportsTs } from "./cell-exports.js";
import { earlierDeclarationTest, type EarlierDeclarationTs } from "./earlier-declaration.js";
import { createDeclsPrinter, type DeclsPrinterTs } from "./decl-printer.js";
import { declaresNothingTest, type BoundFileLike, type DeclaresNothingTs } from "./declares-nothing.js";
import { verbatimEmitter, type EmitChecker, type EmitFile, type VerbatimEmitTs, type VerbatimOutput } from "./verbatim-emit.js";

/** What the converter module exports (the part the engine uses). */
export interface ConverterModule {
  createConverter(options?: ConverterOptions): Converter;
  /**
   * Whether the cell-names step was patched (false: tslab's source changed; cells still work, with
   * two programs, and shorthand properties must be expanded before `convert`, see expand-shorthand.ts).
   */
  cellNamesPatched: boolean;
  /**
   * Whether the declarations carried to the next cell are printed by decl-printer.ts (false:
   * tslab's source changed; cells still work, printing every earlier declaration after each cell).
   */
  declsPrintPatched: boolean;
  /**
   * Whether a cell that declares nothing carries the earlier declarations on as they are, without a
   * declaration emit, and the declarations file is re-read only when it changed (false: tslab's
   * source changed; cells still work, as tslab does it).
   */
  carryPatched: boolean;
  /**
   * Whether property names in destructuring patterns stay as written (false: tslab's source
   * changed; such a pattern naming a property of an earlier cell's object fails with a SyntaxError).
   */
  propertyNamesPatched: boolean;
  /**
   * Whether namespaces, `declare global {}` and `declare module "x" {}` of a cell stay declared for
   * the cells after the next one that declares something (false: tslab's source changed; they are
   * dropped then, as tslab 1.0.22 did: "Cannot find name 'N'").
   */
  namespacesPatched: boolean;
  /**
   * Whether a `var` or `function` declared in `declare global {}` (or `declare module "x" {}`) in an
   * earlier cell is read as the runtime global it is (false: tslab's source changed; it is read as
   * `exports.name`, undefined, as tslab 1.0.22 did).
   */
  ambientGlobalsPatched: boolean;
  /**
   * Whether cells that import nothing and use no TypeScript beyond types get their own text, types
   * erased, as JavaScript (false: tslab's source changed, or {@link LoadConverterOptions.verbatimEmit}
   * is false; every cell goes through TypeScript's emitter).
   */
  verbatimPatched: boolean;
  /**
   * Whether converters have `ai4eoPrepare(prevDecl)`, which gives the program the next cell's
   * declarations file while the kernel is idle (see {@link PreparingConverter}; false: tslab's source
   * changed, and the next cell parses it).
   */
  preparePatched: boolean;
  /** Counts of what the loaded converters did, since loading (for tests and profiling). */
  stats: { verbatimCells: number };
}

/** A converter with what the patches add (see {@link ConverterModule.preparePatched}). */
export interface PreparingConverter extends Converter {
  /**
   * Gives the program the next cell's declarations file `prevDecl` (parsed and bound) now, e.g.
   * while the kernel is idle; returns false when the program has it already. Absent when not patched.
   */
  ai4eoPrepare?(prevDecl: string): boolean;
}

/** Options of {@link loadConverter}. */
export interface LoadConverterOptions {
  /**
   * Give cells that import nothing and use no TypeScript beyond types their own text, types erased,
   * as JavaScript (see verbatim-emit.ts). Default true; false runs every cell through TypeScript's
   * emitter (what the tests compare with).
   */
  verbatimEmit?: boolean;
}

/** The start of tslab 1.0.22's `convert`: a program for the cell just to read its top-level names. */
const CELL_NAMES_STEP = `        updateContent(prevDecl, src);
        let declsFile = builder.getSourceFile(declFilename);
        let srcFile = builder.getSourceFile(srcFilename);
        const locals = srcFile.locals;`;
/**
 * The same names from the cell parsed and bound alone (the program is built once, by the step that
 * follows); the same parse finds shorthand properties naming earlier cells' variables, which are
 * written out in full (see expand-shorthand.ts) before the program sees the cell.
 */
const CELL_NAMES_PATCH = `        const cell = ts.ai4eoCell(srcFilename, srcPrefix, src, prevDecl);
        src = cell.src;
        const locals = cell.locals;
        if (!locals || locals.size === 0) updateContent(prevDecl, src);
        let declsFile = builder.getSourceFile(declFilename);
        let srcFile = builder.getSourceFile(srcFilename);`;

/**
 * The `@types` packages whose global declarations every cell sees without an import: Node's only.
 * tslab leaves `types` unset, so TypeScript took in every package under each visible
 * `node_modules/@types` — in a project with ai4eo's dependencies installed, also jquery, lodash,
 * react, backbone, underscore and leaflet (5 MB of declarations, ~0.7 s more for the first cell),
 * and with them globals such as `$` that type-check but do not exist when the cell runs. A package
 * a cell imports still brings its types (module resolution is not limited by `types`), globals
 * included; a type-only import (`import type * as jq from "jquery"`, erased from the JavaScript)
 * brings a package's globals without loading it.
 */
export const GLOBAL_TYPES: readonly string[] = ["node"];

/** The end of tslab 1.0.22's `remainingDecls`: all kept declarations printed again. */
const DECLS_PRINT_STEP = `        return printer.printFile(declsSF) + anyVarsDecls.join("");`;
/** The same text, with the statements printed before remembered (see decl-printer.ts). */
const DECLS_PRINT_PATCH = `        return ts.ai4eoPrintDecls(printer, declsSF) + anyVarsDecls.join("");`;

/** The end of tslab 1.0.22's `convert`: the cell's declarations and the earlier ones it leaves. */
const CARRY_STEP = `        declOutput += remainingDecls(builder.getProgram().getTypeChecker(), srcFile, declsFile);`;
/** A cell that declares nothing leaves every earlier declaration: the same text is carried on. */
const CARRY_PATCH = `        declOutput = ts.ai4eoDeclaresNothing(srcFile) ? prevDecl : declOutput + remainingDecls(builder.getProgram().getTypeChecker(), srcFile, declsFile);`;
/** tslab 1.0.22's `updateContent`: both files are reported changed to the watch program, every time. */
const UPDATE_STEP = `        const changed = declContent != decls || srcContent != src;
        const oldBuilder = builder;
        declContent = decls;
        srcContent = src;
        notifyUpdateSrc(srcFilename, ts.FileWatcherEventKind.Changed);
        notifyUpdateDecls(declFilename, ts.FileWatcherEventKind.Changed);`;
/** The declarations file is reported changed only when its text changed (else its parsed file is reused). */
const UPDATE_PATCH = `        const declsChanged = declContent != decls;
        const changed = declsChanged || srcContent != src;
        const oldBuilder = builder;
        declContent = decls;
        srcContent = src;
        notifyUpdateSrc(srcFilename, ts.FileWatcherEventKind.Changed);
        if (declsChanged) notifyUpdateDecls(declFilename, ts.FileWatcherEventKind.Changed);`;

/** tslab 1.0.22's test for identifiers its transform leaves alone: property names after a dot. */
const PROPERTY_NAME_STEP = `            if (node.parent &&
                ts.isPropertyAccessExpression(node.parent) &&
                node.parent.name === node) {
                return node;
            }`;
/** Also the property name of a binding element (`a` in `const { a: x } = obj`). */
const PROPERTY_NAME_PATCH = `            if (node.parent &&
                ((ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) ||
                    (ts.isBindingElement(node.parent) && node.parent.propertyName === node))) {
                return node;
            }`;

/** tslab 1.0.22's test that an identifier names an earlier cell's declaration: any declaration in their file. */
const EARLIER_STEP = `                if (decl.getSourceFile() === declsFile) {`;
/** Not one inside `declare global {}` or `declare module "x" {}` (a runtime global; see earlier-declaration.ts). */
const EARLIER_PATCH = `                if (ts.ai4eoIsEarlierDeclaration(decl, declsFile)) {`;

/** The last kind tslab 1.0.22's `remainingDecls` keeps; any other declaration was dropped after the next cell that declared something. */
const KEEP_KINDS_STEP = `                if (ts.isInterfaceDeclaration(node)) {
                    if (keep.type) {
                        addName(node, key);
                    }
                }`;
/**
 * Also namespaces (\`namespace N {}\`), \`declare global {}\` and \`declare module "x" {}\`: kept until a
 * cell declares a value or a type of the same name (a global augmentation has no name a cell can take).
 */
const KEEP_KINDS_PATCH = `${KEEP_KINDS_STEP}
                if (ts.isModuleDeclaration(node)) {
                    if (keep.type && keep.value) {
                        addName(node, key);
                    }
                }`;

/** The start of tslab 1.0.22's emit loop in `convert`: the cell and each local module it imports. */
const EMIT_STEP = `        for (const dep of getAllSrcDependencies(builder, srcFile)) {`;
/** The same loop, unless the cell's JavaScript is its own text (see verbatim-emit.ts). */
const EMIT_PATCH = `        const ai4eoDeps = getAllSrcDependencies(builder, srcFile);
        const verbatim = ts.ai4eoVerbatim(builder.getProgram(), srcFile, declsFile, ai4eoDeps, keys);
        if (verbatim) {
            output = verbatim.output;
            lastExpressionVar = verbatim.lastExpressionVar;
            declOutput = "";
            // a cell that declares: its declaration file alone, with tslab's transform of it
            if (keys.size > 0) builder.emit(srcFile, (fileName, data) => {
                if (fileName === dstDeclFilename) declOutput = data;
            }, undefined, true, getCustomTransformers(builder.getProgram().getTypeChecker(), declsFile, keys, () => undefined));
        }
        else for (const dep of ai4eoDeps) {`;

/** tslab 1.0.22's `close`, after which the converter's functions are defined. */
const PREPARE_STEP = `    function close() {
        watch.close();
    }`;
/**
 * Also `ai4eoPrepare(prevDecl)`: the program takes the next cell's declarations file now (parsed and
 * bound, with the last cell's text unchanged), while the kernel is idle; the next cell's program then
 * reuses it. Returns false when that file is the program's already.
 */
const PREPARE_PATCH = `${PREPARE_STEP}
    function ai4eoPrepare(prevDecl) {
        if (declContent === prevDecl) return false;
        updateContent(prevDecl, srcContent);
        builder.getSourceFile(declFilename);
        return true;
    }`;
/** tslab 1.0.22's converter object. */
const RETURN_STEP = `    return {
        close,`;
const RETURN_PATCH = `    return {
        close,
        ai4eoPrepare,`;

/** The TypeScript fields used here (tslab's TypeScript fork; internal API included). */
interface SourceFileLike {
  fileName: string;
  referencedFiles?: readonly unknown[];
  typeReferenceDirectives?: readonly unknown[];
  libReferenceDirectives?: readonly unknown[];
  locals?: unknown;
  resolvedModules?: { forEach(cb: (value: unknown) => void): void };
}
interface ProgramLike {
  getSourceFile(name: string): SourceFileLike | undefined;
  getCompilerOptions(): unknown;
  getTypeChecker(): EmitChecker;
}
/** The diagnostics a program gives (what `getPreEmitDiagnosticsOfFiles` collects). */
interface DiagnosingProgramLike extends ProgramLike {
  getCompilerOptions(): { declaration?: boolean; composite?: boolean };
  getConfigFileParsingDiagnostics(): readonly unknown[];
  getOptionsDiagnostics(token?: unknown): readonly unknown[];
  getGlobalDiagnostics(token?: unknown): readonly unknown[];
  getSyntacticDiagnostics(file: SourceFileLike, token?: unknown): readonly unknown[];
  getSemanticDiagnostics(file: SourceFileLike, token?: unknown): readonly unknown[];
  getDeclarationDiagnostics(file: SourceFileLike, token?: unknown): readonly unknown[];
}
type WriteFile = (fileName: string, data: string, ...rest: unknown[]) => void;
interface CustomTransformersLike {
  before?: unknown[];
  after?: unknown[];
  afterDeclarations?: unknown[];
}
interface BuilderLike {
  getProgram(): ProgramLike;
  getSourceFile(name: string): SourceFileLike | undefined;
  getAllDependencies(file: SourceFileLike): readonly string[];
  emit(file: SourceFileLike | undefined, writeFile: WriteFile | undefined, cancellationToken: unknown, emitOnlyDts: boolean | undefined, custom: CustomTransformersLike | undefined): unknown;
}
interface TranspileOutput {
  outputText: string;
  diagnostics?: unknown[];
  sourceMapText?: string;
}
type ProgramFactory = (...args: unknown[]) => BuilderLike;
interface TsForConverter {
  createAbstractBuilder: ProgramFactory;
  createWatchCompilerHost(...args: unknown[]): unknown;
  bindSourceFile(file: SourceFileLike, options: unknown): void;
  createSourceFile(fileName: string, text: string, languageVersion: number): SourceFileLike;
  /** TypeScript's CommonJS module transformer (what `module: CommonJS` runs). */
  transformModule: unknown;
  transpileModule(input: string, options: { fileName?: string }): TranspileOutput;
  getPreEmitDiagnosticsOfFiles(program: DiagnosingProgramLike, files: readonly SourceFileLike[], token?: unknown): unknown[];
  sortAndDeduplicateDiagnostics(diagnostics: unknown[]): unknown[];
}

/** TypeScript's internal `EmitOnly.Js`: `emit` writes the JavaScript and no declaration file. */
const EMIT_ONLY_JS = 0;

/**
 * `getPreEmitDiagnosticsOfFiles` without the declaration diagnostics of files that declare nothing
 * (they have none; computing them runs the declaration transform over the file).
 */
function preEmitDiagnostics(ts: TsForConverter, declaresNothing: (file: SourceFileLike) => boolean) {
  return (program: DiagnosingProgramLike, files: readonly SourceFileLike[], token?: unknown): unknown[] => {
    if (!files.some(declaresNothing)) return ts.getPreEmitDiagnosticsOfFiles(program, files, token);
    const options = program.getCompilerOptions();
    const diagnostics = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(token), ...program.getGlobalDiagnostics(token)];
    for (const file of files) {
      diagnostics.push(...program.getSyntacticDiagnostics(file, token), ...program.getSemanticDiagnostics(file, token));
      if ((options.declaration || options.composite) && !declaresNothing(file)) diagnostics.push(...program.getDeclarationDiagnostics(file, token));
    }
    return ts.sortAndDeduplicateDiagnostics(diagnostics);
  };
}

/** The file a resolved-module cache entry points at (TypeScript changed the entry shape in 5.x). */
function resolvedFileName(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object") return undefined;
  const e = entry as { resolvedFileName?: unknown; resolvedModule?: { resolvedFileName?: unknown } };
  const name = e.resolvedModule?.resolvedFileName ?? e.resolvedFileName;
  return typeof name === "string" ? name : undefined;
}

/**
 * `file` and every file it imports, directly or not (by file name), as the builder's
 * `getAllDependencies` answers for a module file.
 */
export function allDependencies(program: ProgramLike, file: SourceFileLike): string[] {
  const seen = new Set<string>([file.fileName]);
  const stack = [file];
  while (stack.length > 0) {
    const current = stack.pop() as SourceFileLike;
    current.resolvedModules?.forEach((entry) => {
      const name = resolvedFileName(entry);
      if (name === undefined || seen.has(name)) return;
      seen.add(name);
      const dep = program.getSourceFile(name);
      if (dep) stack.push(dep);
    });
  }
  return [...seen];
}

/**
 * A program factory for the watch host: an abstract (stateless) builder, with bound files and
 * dependencies, whose JavaScript emit ends with TypeScript's CommonJS module transform. The
 * CommonJS texts it writes are recorded in `commonJs` so the converter's ESM → CommonJS pass
 * (a `transpileModule` per cell, which re-parses, re-checks and re-prints the output) can be skipped.
 */
function lightBuilderFactory(ts: TsForConverter, commonJs: Set<string>, jsOnly: (file: SourceFileLike) => boolean): ProgramFactory {
  return (...args: unknown[]) => {
    const builder = ts.createAbstractBuilder(...args);
    const emit = builder.emit.bind(builder);
    builder.emit = (file, writeFile, cancellationToken, emitOnlyDts, custom) => {
      if (!writeFile || emitOnlyDts) return emit(file, writeFile, cancellationToken, emitOnlyDts, custom);
      const record: WriteFile = (fileName, data, ...rest) => {
        if (fileName.endsWith(".js")) commonJs.add(data);
        writeFile(fileName, data, ...rest);
      };
      // After tslab's own `after` transformer (which stores the last expression as an ES export).
      const transformers = { ...custom, after: [...(custom?.after ?? []), ts.transformModule] };
      // no declaration file for a file that declares nothing (see declares-nothing.ts)
      const only = file !== undefined && jsOnly(file) ? (EMIT_ONLY_JS as unknown as boolean) : emitOnlyDts;
      return emit(file, record, cancellationToken, only, transformers);
    };
    const getSourceFile = builder.getSourceFile.bind(builder);
    builder.getSourceFile = (name: string) => {
      const file = getSourceFile(name);
      if (file && file.locals === undefined) ts.bindSourceFile(file, builder.getProgram().getCompilerOptions());
      return file;
    };
    builder.getAllDependencies = (file: SourceFileLike) => allDependencies(builder.getProgram(), file);
    return builder;
  };
}

/**
 * Loads `tslab/dist/converter.js` (resolved with `tslabRequire`) in a module of its own whose
 * `require("@tslab/typescript-for-tslab")` returns tslab's TypeScript with the lighter watch host
 * described in the module comment. tslab's own copy of the converter, if loaded elsewhere, is not changed.
 * @param tslabRequire a require function rooted in tslab's package
 */
export function loadConverter(tslabRequire: NodeJS.Require, options: LoadConverterOptions = {}): ConverterModule {
  const file = tslabRequire.resolve("./dist/converter.js");
  const ts = tslabRequire("@tslab/typescript-for-tslab") as TsForConverter;
  const commonJs = new Set<string>();
  const source = readFileSync(file, "utf8");
  const cellNamesPatched = source.split(CELL_NAMES_STEP).length === 2;
  const declsPrintPatched = source.split(DECLS_PRINT_STEP).length === 2;
  const carryPatched = source.split(CARRY_STEP).length === 2 && source.split(UPDATE_STEP).length === 2;
  const propertyNamesPatched = source.split(PROPERTY_NAME_STEP).length === 2;
  const namespacesPatched = source.split(KEEP_KINDS_STEP).length === 2;
  const ambientGlobalsPatched = source.split(EARLIER_STEP).length === 2;
  // (needs the carry patch: the declarations a verbatim cell passes on are the ones it was given)
  // (and the two identifier rules, which the verbatim path applies as the patched transform does)
  // (needs the declarations file re-read only when it changed: UPDATE_PATCH)
  const preparePatched = carryPatched && source.split(PREPARE_STEP).length === 2 && source.split(RETURN_STEP).length === 2;
  const verbatimPatched = (options.verbatimEmit ?? true) && carryPatched && propertyNamesPatched && ambientGlobalsPatched && source.split(EMIT_STEP).length === 2;
  const verbatim = verbatimEmitter(ts as unknown as VerbatimEmitTs);
  const stats = { verbatimCells: 0 };
  const test = declaresNothingTest(ts as unknown as DeclaresNothingTs);
  const declaresNothing = (f: SourceFileLike) => carryPatched && test(f as unknown as BoundFileLike);
  const factory = lightBuilderFactory(ts, commonJs, declaresNothing);
  let compilerOptions: { target?: number } = {};
  // tslab's TypeScript exports are getters that cannot be reassigned: overlay them instead.
  const patched = Object.create(ts, {
    __esModule: { value: true },
    createWatchCompilerHost: {
      value: (rootFiles: unknown, tslabOptions: { target?: number; types?: string[] }, system: unknown, _createProgram: unknown, ...rest: unknown[]) => {
        // Only @types/node is included without an import (see GLOBAL_TYPES).
        const options = { ...tslabOptions, types: tslabOptions.types ?? GLOBAL_TYPES };
        compilerOptions = options;
        return ts.createWatchCompilerHost(rootFiles, options, system, factory, ...rest);
      },
    },
    ai4eoPrintDecls: { value: createDeclsPrinter(ts as unknown as DeclsPrinterTs) },
    ai4eoDeclaresNothing: { value: declaresNothing },
    ai4eoIsEarlierDeclaration: { value: earlierDeclarationTest(ts as unknown as EarlierDeclarationTs) },
    ai4eoVerbatim: {
      value: (program: ProgramLike, file: SourceFileLike, declsFile: SourceFileLike, dependencies: readonly string[], names: ReadonlySet<string>): VerbatimOutput | undefined => {
        // a cell without a local module to emit with it, nor `/// <reference …>` directives;
        // one without names declares nothing (its earlier declarations are carried on as they are)
        if (dependencies.length !== 1 || dependencies[0] !== file.fileName || file.referencedFiles?.length || file.typeReferenceDirectives?.length || file.libReferenceDirectives?.length) return undefined;
        if (names.size === 0 && !declaresNothing(file)) return undefined;
        const out = verbatim(program.getTypeChecker(), file as unknown as EmitFile, declsFile, names);
        // already CommonJS: the converter's ESM → CommonJS pass is skipped (see transpileModule below)
        if (out) {
          commonJs.add(out.output);
          stats.verbatimCells++;
        }
        return out;
      },
    },
    getPreEmitDiagnosticsOfFiles: { value: preEmitDiagnostics(ts, declaresNothing) },
    ai4eoCell: {
      value: (fileName: string, prefix: string, src: string, prevDecl: string): { src: string; locals: unknown } => {
        let file = ts.createSourceFile(fileName, prefix + src, compilerOptions.target ?? 99);
        // `export const x` shares x as `const x` does (see cell-exports.ts)
        const unexported = withoutExports(ts as unknown as CellExportsTs, file as unknown as { statements: readonly unknown[] }, src, prefix.length);
        if (unexported !== src) {
          src = unexported;
          file = ts.createSourceFile(fileName, prefix + src, compilerOptions.target ?? 99);
        }
        const expanded = expandShorthandIn(ts as unknown as ShorthandTs, file, src, prefix.length, prevDecl);
        if (expanded !== src) file = ts.createSourceFile(fileName, prefix + expanded, compilerOptions.target ?? 99);
        // the names from the syntax tree (see cell-names.ts); the binder for what that walk leaves to it
        const names = cellNames(ts as unknown as CellNamesTs, file as unknown as { statements: readonly unknown[]; text: string });
        if (names) return { src: expanded, locals: names };
        ts.bindSourceFile(file, compilerOptions);
        // not names of the cell: a global augmentation's `__global`, an ambient module's quoted name
        const locals = file.locals as Map<string, unknown> | undefined;
        const notAName = (n: string) => n === "__global" || n.startsWith('"');
        if (!locals || ![...locals.keys()].some(notAName)) return { src: expanded, locals };
        return { src: expanded, locals: new Map([...locals].filter(([n]) => !notAName(n))) };
      },
    },
    transpileModule: {
      value: (input: string, options: { fileName?: string }): TranspileOutput => {
        // The converter's ESM → CommonJS pass over what the emit above already made CommonJS.
        if (commonJs.delete(input)) return { outputText: input, diagnostics: [] };
        return ts.transpileModule(input, options);
      },
    },
  }) as object;
  const requireFromFile = createRequire(file);
  const mod = new Module(file) as Module & { _compile(source: string, filename: string): void; paths: string[] };
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  mod.require = Object.assign((id: string) => (id === "@tslab/typescript-for-tslab" ? patched : requireFromFile(id)), requireFromFile);
  let patchedSource = cellNamesPatched ? source.replace(CELL_NAMES_STEP, CELL_NAMES_PATCH) : source;
  if (declsPrintPatched) patchedSource = patchedSource.replace(DECLS_PRINT_STEP, DECLS_PRINT_PATCH);
  if (carryPatched) patchedSource = patchedSource.replace(CARRY_STEP, CARRY_PATCH).replace(UPDATE_STEP, UPDATE_PATCH);
  if (propertyNamesPatched) patchedSource = patchedSource.replace(PROPERTY_NAME_STEP, PROPERTY_NAME_PATCH);
  if (namespacesPatched) patchedSource = patchedSource.replace(KEEP_KINDS_STEP, KEEP_KINDS_PATCH);
  if (ambientGlobalsPatched) patchedSource = patchedSource.replace(EARLIER_STEP, EARLIER_PATCH);
  if (verbatimPatched) patchedSource = patchedSource.replace(EMIT_STEP, EMIT_PATCH);
  if (preparePatched) patchedSource = patchedSource.replace(PREPARE_STEP, PREPARE_PATCH).replace(RETURN_STEP, RETURN_PATCH);
  mod._compile(patchedSource, file);
  return { createConverter: (mod.exports as ConverterModule).createConverter, cellNamesPatched, declsPrintPatched, carryPatched, propertyNamesPatched, namespacesPatched, ambientGlobalsPatched, verbatimPatched, preparePatched, stats };
}
