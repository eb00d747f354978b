/**
 * Reads the provenance of a finished notebook run from its kernel (the files the cells opened,
 * the models they loaded, the seeds, the versions) so `ai4eo run` can store it in the notebook's
 * metadata under `metadata.ai4eo.provenance`. It asks with a silent request whose user expression
 * takes a snapshot of the kernel's provenance registry; it runs no cell and leaves no history.
 *
 * @example
 * ```ts
 * nb.metadata.ai4eo = { provenance: await kernelProvenance(client) };
 * ```
 * @module
 */
import { PROVENANCE_MIME, toolVersions, type ProvenanceJSON } from "../eo/provenance.js";
import type { KernelClient } from "./kernel-client.js";

/** The user expression: a snapshot of the registry, if the cells loaded ai4eo at all. */
export const PROVENANCE_EXPRESSION = `(globalThis as any)[Symbol.for("ai4eo.provenance")]?.snapshot() ?? null`;

/**
 * The kernel's provenance after a run. When the cells never imported ai4eo (nothing recorded),
 * returns the versions with no files and no seeds.
 * @param client a started kernel whose cells have run
 * @param timeoutMs how long to wait (hashing large files takes a while); default 120 000
 * @example
 * ```ts
 * const p = await kernelProvenance(client);
 * p.files.map((f) => f.sha256);
 * ```
 */
export async function kernelProvenance(client: KernelClient, timeoutMs = 120_000): Promise<ProvenanceJSON> {
  const { reply } = await client.execute("", { silent: true, storeHistory: false, userExpressions: { provenance: PROVENANCE_EXPRESSION }, timeoutMs });
  const r = (reply.content as { user_expressions?: Record<string, { status?: string; data?: Record<string, unknown>; ename?: string; evalue?: string }> }).user_expressions?.["provenance"];
  const json = r?.status === "ok" ? (r.data?.[PROVENANCE_MIME] as ProvenanceJSON | undefined) : undefined;
  if (json) return json;
  const fallback: ProvenanceJSON = { versions: toolVersions(), files: [], seeds: [] };
  if (r && r.status !== "ok") fallback.versions["error"] = `the kernel could not report provenance: ${r.ename}: ${r.evalue}`;
  return fallback;
}
