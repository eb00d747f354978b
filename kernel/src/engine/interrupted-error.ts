/**
 * The error a cell ends with when it is interrupted (SIGINT or interrupt_request). Its own module so
 * the kernel can report an interrupt that came before TypeScript (and the engine) finished loading.
 * @example
 * ```ts
 * const err = new InterruptedError("SIGINT");
 * err.name; // "Interrupted"
 * err.message; // "The cell was interrupted (SIGINT). Declarations of the interrupted cell are not kept; …"
 * interruptedFields("while TypeScript was loading", false).evalue; // "… before any of its code ran: …"
 * ```
 * @module
 */

/** The error a cell ends with when interrupted; `how` says what interrupted it, `started` whether any of its code ran. */
export class InterruptedError extends Error {
  constructor(how: string, started = true) {
    super(started
      ? `The cell was interrupted (${how}). Declarations of the interrupted cell are not kept; globals it changed keep their changes.`
      : `The cell was interrupted (${how}) before any of its code ran: nothing of it was kept. Run it again when you want it.`);
    this.name = "Interrupted";
  }
}

/** The error fields of a cell that ended interrupted, as `execute_reply` and `error` carry them. */
export function interruptedFields(how: string, started = true): { ename: string; evalue: string; traceback: string[] } {
  const err = new InterruptedError(how, started);
  return { ename: err.name, evalue: err.message, traceback: [`\x1b[31m${err.name}\x1b[0m: ${err.message}`] };
}
