/**
 * `ai4eo kernel CONNECTION_FILE`: the process Jupyter starts (the kernelspec's argv).
 *
 * @example
 * ```sh
 * ai4eo kernel /run/user/1000/jupyter/kernel-1234.json
 * ```
 * @module
 */
import { readConnectionFile, ConnectionFileError } from "../jupyter/connection.js";
import { KernelServer } from "../jupyter/server.js";
import { TypeScriptBackend } from "./typescript-backend.js";
import { SigintWatch } from "../engine/sigint-watch.js";

/** Starts the kernel and serves until shutdown. Returns only on a usage error. */
export async function main(args: string[]): Promise<number | void> {
  const file = args.find((a) => !a.startsWith("-"));
  if (!file) {
    process.stderr.write("usage: ai4eo kernel CONNECTION_FILE\n  (Jupyter runs this; see `ai4eo install`)\n");
    return 2;
  }
  let connection;
  try {
    connection = readConnectionFile(file);
  } catch (e) {
    if (e instanceof ConnectionFileError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // SIGINT is Jupyter's interrupt (interrupt_mode "signal"): a synchronous loop is broken by the
  // vm's breakOnSigint; when the event loop is free the watch stops a pending await (sigint-watch.ts)
  let server: KernelServer | undefined;
  const sigint = new SigintWatch(() => server?.interrupt());
  sigint.start();
  const backend = new TypeScriptBackend({ sigint });
  server = new KernelServer(connection, backend);
  await server.start();
}
