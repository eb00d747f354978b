/**
 * The connection file Jupyter writes for a kernel (ports, transport, key).
 * @example
 * ```ts
 * const info = readConnectionFile("/run/user/1000/jupyter/kernel-1.json");
 * endpoint(info, "shell_port"); // "tcp://127.0.0.1:53794"
 * ```
 * @module
 */
import { readFileSync } from "node:fs";

/** The fields of a connection file. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** A connection file that cannot be used. */
export class ConnectionFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`Cannot use the Jupyter connection file ${file}: ${detail}. Start the kernel through Jupyter (it writes this file), or pass a valid connection file.`);
    this.name = "ConnectionFileError";
  }
}

/** Reads and checks a connection file. */
export function readConnectionFile(file: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConnectionFileError(file, (e as Error).message);
  }
  const info = raw as Partial<ConnectionInfo>;
  for (const k of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (typeof info[k] !== "number") throw new ConnectionFileError(file, `field "${k}" is missing or not a number`);
  }
  return {
    ...(info as ConnectionInfo),
    transport: info.transport === "ipc" ? "ipc" : "tcp",
    ip: info.ip ?? "127.0.0.1",
    key: info.key ?? "",
    signature_scheme: info.signature_scheme ?? "hmac-sha256",
  };
}

/** The ZeroMQ endpoint of one channel. */
export function endpoint(info: ConnectionInfo, port: "shell_port" | "iopub_port" | "stdin_port" | "control_port" | "hb_port"): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${info[port]}` : `tcp://${info.ip}:${info[port]}`;
}
