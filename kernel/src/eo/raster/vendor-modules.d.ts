// Type declarations for untyped decoder packages used by the raster reader.
declare module "@cwasm/webp" {
  export function decode(source: Uint8Array): { width: number; height: number; data: Uint8ClampedArray };
}
declare module "zstd-codec" {
  export const ZstdCodec: unknown;
}
