/**
 * The `ai4eo` command: a table from command name to a lazily imported module, so startup loads
 * only the command that runs. To add a command, append one line to {@link COMMANDS}; its module
 * exports `main(args: string[]): Promise<number | void>` (the exit code; void = keep running / 0).
 *
 * @example
 * ```sh
 * ai4eo install --user
 * ai4eo run notebooks/intro.ipynb -o out.ipynb
 * ```
 * @module
 */
import { packageVersion } from "./package-info.js";

/** A command's module. */
export interface CommandModule {
  main(args: string[]): Promise<number | void>;
}

/** One command: a one-line description and its lazily loaded module. */
export interface CommandEntry {
  describe: string;
  load: () => Promise<CommandModule>;
}

/** The commands of `ai4eo`. Append new commands here (one line each). */
export const COMMANDS: Record<string, CommandEntry> = {
  install: { describe: "register the Jupyter kernelspec (--user | --sys-prefix | --prefix DIR)", load: () => import("./install.js") },
  kernel: { describe: "run the kernel for a Jupyter connection file (what the kernelspec runs)", load: () => import("./kernel.js") },
  run: { describe: "execute a notebook headless: run NOTEBOOK.ipynb [-o OUT.ipynb] [--timeout S] [--allow-errors]", load: () => import("./run.js") },
  export: { describe: "write a self-contained interactive HTML page: export NOTEBOOK.ipynb --html OUT.html", load: () => import("./export.js") },
  info: { describe: "describe a GeoTIFF/COG like gdalinfo: info FILE|URL [--json]", load: () => import("./info.js") },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.describe}`);
  return `usage: ai4eo <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n  --version  print the version\n`;
}

/**
 * Runs `ai4eo` with the given arguments (without node and the script path).
 * @returns the exit code, or undefined when the command keeps the process running (kernel)
 */
export async function main(argv: string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`ai4eo ${packageVersion()}\n`);
    return 0;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`ai4eo: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.main(rest);
}
