/**
 * `ai4eo install [--user | --sys-prefix | --prefix DIR] [--name NAME]`: writes the kernelspec
 * (kernel.json + logos) where `jupyter kernelspec list` looks, as `ipykernel install` does, without
 * needing Python or Jupyter on the machine (except for --sys-prefix, which asks python3 for it).
 *
 * @example
 * ```sh
 * npx ai4eo install --user        # ~/.local/share/jupyter/kernels/ai4eo
 * ai4eo install --prefix /opt/env # /opt/env/share/jupyter/kernels/ai4eo
 * ```
 * @module
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { packageRoot } from "./package-info.js";
import { installLabExtension } from "./install-labextension.js";

/** Where to install. */
export type InstallScope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string } | { kind: "system" };

/** A kernelspec that cannot be installed where asked. */
export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstallError";
  }
}

/** Jupyter's per-user data dir, as jupyter_core computes it. */
export function jupyterUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** The kernels folder for a scope. */
export function kernelsDir(scope: InstallScope): string {
  switch (scope.kind) {
    case "user":
      return join(jupyterUserDataDir(), "kernels");
    case "prefix":
      return join(scope.dir, "share", "jupyter", "kernels");
    case "system":
      return process.platform === "win32"
        ? join(process.env.PROGRAMDATA ?? "C:\\ProgramData", "jupyter", "kernels")
        : "/usr/local/share/jupyter/kernels";
    case "sys-prefix": {
      const py = process.platform === "win32" ? "python" : "python3";
      const r = spawnSync(py, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
      if (r.status !== 0 || !r.stdout.trim()) {
        throw new InstallError(`--sys-prefix needs ${py} on PATH to find sys.prefix (${r.error?.message ?? r.stderr.trim()}). Use --user or --prefix DIR instead.`);
      }
      return join(r.stdout.trim(), "share", "jupyter", "kernels");
    }
  }
}

/**
 * The command that starts the kernel, as kernel.json gives it to Jupyter (`{connection_file}` is
 * replaced by the connection file). Node runs with a young generation of at most 16 MiB per
 * semi-space, stated rather than left to Node's default (16 in Node 20): the compiler's garbage is
 * short-lived, and the semi-space trades memory for time. With 8 MiB the kernel's peak memory was
 * ~10 MiB lower (bench/kernel.mjs: 0.74-0.78x tslab's instead of 0.79-0.83x), but a scavenge came
 * about every typed cell and the 50-line typed cell took 0.49-0.60x tslab's time instead of
 * 0.46-0.49x (steady state; ratio of medians and median of pairs, 2 runs each); with 32 MiB the
 * peak reached tslab's.
 * @example
 * ```ts
 * kernelArgv(); // ["/usr/bin/node", "--max-semi-space-size=16", ".../bin/ai4eo.js", "kernel", "{connection_file}"]
 * ```
 */
export function kernelArgv(): string[] {
  return [process.execPath, "--max-semi-space-size=16", join(packageRoot(), "bin", "ai4eo.js"), "kernel", "{connection_file}"];
}

/** The kernel.json content for this installation of ai4eo. */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: kernelArgv(),
    display_name: "AI4EO (TypeScript)",
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false },
  };
}

/**
 * Writes the kernelspec folder `<kernels>/<name>` with kernel.json and the logos.
 * @returns the folder written
 */
export function installKernelSpec(scope: InstallScope, name = "ai4eo"): string {
  const dir = join(kernelsDir(scope), name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kernel.json"), `${JSON.stringify(kernelSpec(), null, 2)}\n`);
    for (const logo of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) {
      copyFileSync(join(packageRoot(), "kernel", "assets", logo), join(dir, logo));
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EACCES" || err.code === "EPERM") {
      throw new InstallError(`No permission to write the kernelspec to ${dir}. Use --user (no root needed), or run as root.`);
    }
    throw e;
  }
  return dir;
}

/** Parses the install options. */
export function parseInstallArgs(args: string[]): { scope: InstallScope; name: string } {
  let scope: InstallScope | undefined;
  let name = "ai4eo";
  const set = (s: InstallScope) => {
    if (scope) throw new InstallError("choose one of --user, --sys-prefix, --prefix DIR");
    scope = s;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--user") set({ kind: "user" });
    else if (a === "--sys-prefix") set({ kind: "sys-prefix" });
    else if (a === "--prefix" || a.startsWith("--prefix=")) {
      const dir = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (!dir) throw new InstallError("--prefix needs a folder: --prefix DIR");
      set({ kind: "prefix", dir });
    } else if (a === "--name" || a.startsWith("--name=")) {
      const n = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (!n || !/^[A-Za-z0-9._-]+$/.test(n)) throw new InstallError("--name needs a kernel name of letters, digits, '.', '_' or '-'");
      name = n;
    } else throw new InstallError(`unknown option ${a}; usage: ai4eo install [--user | --sys-prefix | --prefix DIR] [--name NAME]`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return { scope: scope ?? (isRoot ? { kind: "system" } : { kind: "user" }), name };
}

/** `ai4eo install` */
export async function main(args: string[]): Promise<number> {
  try {
    const { scope, name } = parseInstallArgs(args);
    const dir = installKernelSpec(scope, name);
    process.stdout.write(`Installed kernelspec ${name} ("AI4EO (TypeScript)") in ${dir}\n`);
    // Widgets (issue 4): the JupyterLab extension goes next to the kernelspec.
    const lab = installLabExtension(kernelsDir(scope));
    if (lab.dir) process.stdout.write(`Installed the JupyterLab widget extension in ${lab.dir}\n`);
    if (lab.hint) process.stderr.write(`ai4eo install: note: ${lab.hint}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InstallError) {
      process.stderr.write(`ai4eo install: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
