/**
 * Makes a package importable from cells in any folder: when the notebook's folder (and its
 * ancestors) has no copy of a package, `require`/`import` and the type checker fall back to the
 * copy the kernel itself runs from.
 *
 * @example
 * ```ts
 * installRuntimeAliases({ ai4eo: "/usr/lib/node_modules/ai4eo" });
 * installTypeAliases(ts, process.cwd(), { ai4eo: "/usr/lib/node_modules/ai4eo" });
 * ```
 * @module
 */
import Module, { createRequire } from "node:module";
import { join, sep } from "node:path";

/** Package name → the package's root directory (holding its package.json). */
export type PackageAliases = Record<string, string>;

/** The aliases whose package cannot be resolved from `dir` the ordinary way. */
export function missingAliases(dir: string, aliases: PackageAliases): PackageAliases {
  const req = createRequire(join(dir, "__ai4eo_probe__.js"));
  const out: PackageAliases = {};
  for (const [name, root] of Object.entries(aliases)) {
    try {
      req.resolve(name);
    } catch {
      out[name] = root;
    }
  }
  return out;
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/**
 * Patches Node's CommonJS resolver: a request for an aliased package (or a subpath of it) that
 * fails the ordinary way resolves through the package itself (its `exports`, by self-reference).
 */
export function installRuntimeAliases(aliases: PackageAliases): void {
  const M = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = M._resolveFilename;
  const selfRequires = new Map<string, NodeJS.Require>();
  M._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      for (const [name, root] of Object.entries(aliases)) {
        if (request === name || request.startsWith(`${name}/`)) {
          let req = selfRequires.get(name);
          if (!req) {
            req = createRequire(join(root, "package.json"));
            selfRequires.set(name, req);
          }
          return req.resolve(request);
        }
      }
      throw e;
    }
  };
}

/** The parts of TypeScript's `sys` that module resolution reads. */
export interface TsSysLike {
  fileExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  directoryExists?(path: string): boolean;
  realpath?(path: string): string;
  getDirectories?(path: string): string[];
}

/**
 * Patches a TypeScript `sys` so that `<dir>/node_modules/<name>/…` reads the aliased package
 * (used with node10 module resolution, which reads the package's `types` field).
 */
export function installTypeAliases(sys: TsSysLike, dir: string, aliases: PackageAliases): void {
  const map = Object.entries(aliases).map(([name, root]) => ({ prefix: join(dir, "node_modules", name), root }));
  if (map.length === 0) return;
  const forward = (p: string): string => {
    for (const { prefix, root } of map) {
      if (p === prefix) return root;
      if (p.startsWith(prefix + sep) || p.startsWith(`${prefix}/`)) return join(root, p.slice(prefix.length + 1));
    }
    return p;
  };
  const fileExists = sys.fileExists.bind(sys);
  const readFile = sys.readFile.bind(sys);
  sys.fileExists = (p) => fileExists(forward(p));
  sys.readFile = (p, enc) => readFile(forward(p), enc);
  if (sys.directoryExists) {
    const directoryExists = sys.directoryExists.bind(sys);
    const nodeModules = join(dir, "node_modules");
    sys.directoryExists = (p) => directoryExists(forward(p)) || p === nodeModules;
  }
  if (sys.realpath) {
    const realpath = sys.realpath.bind(sys);
    sys.realpath = (p) => {
      // keep the alias path, so the package's own imports resolve next to it
      return forward(p) === p ? realpath(p) : p;
    };
  }
  if (sys.getDirectories) {
    const getDirectories = sys.getDirectories.bind(sys);
    sys.getDirectories = (p) => getDirectories(forward(p));
  }
}
