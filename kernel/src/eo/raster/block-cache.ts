/**
 * A small least-recently-used cache of decoded blocks, bounded in bytes.
 * @module
 */
import type { BandArray } from "./types.js";

/** LRU cache of decoded strips/tiles keyed by string, evicting beyond `maxBytes`. */
export class BlockCache {
  #map = new Map<string, BandArray>();
  #bytes = 0;
  /** @param maxBytes budget in bytes; 0 disables caching. */
  constructor(readonly maxBytes: number) {}

  get(key: string): BandArray | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, value: BandArray): void {
    if (value.byteLength > this.maxBytes) return;
    const old = this.#map.get(key);
    if (old) { this.#bytes -= old.byteLength; this.#map.delete(key); }
    this.#map.set(key, value);
    this.#bytes += value.byteLength;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= v.byteLength;
    }
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}
