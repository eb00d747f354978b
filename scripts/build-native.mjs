#!/usr/bin/env node
// Builds the library's one native addon, build/native/ai4eo_inflate.node (kernel/native/inflate.c:
// DEFLATE inflated by libdeflate, GDAL's inflater, ~1.6× Node's zlib on GeoTIFF tiles), with the
// system C compiler against Node's own headers and Debian's libdeflate-dev (both listed in
// scripts/debian-packages.txt). Run by `npm run build`; rebuilds only when the source is newer.
// Without a compiler, Node's headers or libdeflate it says so and exits 0: the readers then inflate
// with Node's zlib, and kernel/src/eo/raster/libdeflate.ts reports which one is in use.
// Usage: node scripts/build-native.mjs [--require]   (--require: exit 1 when the addon cannot be built)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "kernel", "native", "inflate.c");
const out = join(root, "build", "native", "ai4eo_inflate.node");
const require_ = process.argv.includes("--require");

/** Node's headers: npm's nodedir setting, else the prefix Node was installed under. */
function nodeHeaders() {
  const candidates = [process.env.npm_config_nodedir, process.config.variables.node_prefix, "/usr", "/usr/local"]
    .filter(Boolean).map((p) => join(p, "include", "node"));
  return candidates.find((d) => existsSync(join(d, "node_api.h"))) ?? null;
}

function skip(why) {
  const msg = `build-native: ${why}; GeoTIFF DEFLATE blocks will be inflated with Node's zlib (slower). ` +
    "Install the Debian packages in scripts/debian-packages.txt (bash scripts/setup.sh) and build again.";
  if (require_) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs && statSync(out).mtimeMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs) process.exit(0);
const headers = nodeHeaders();
if (!headers) skip("Node's headers (node_api.h) were not found");
if (!existsSync("/usr/include/libdeflate.h")) skip("libdeflate's header (Debian package libdeflate-dev) is not installed");
const cc = ["cc", "gcc", "clang"].find((c) => {
  try {
    execFileSync(c, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});
if (!cc) skip("no C compiler (cc, gcc or clang) was found");
mkdirSync(dirname(out), { recursive: true });
try {
  execFileSync(cc, ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", `-I${headers}`, "-DNAPI_VERSION=8",
    source, "-o", out, "-ldeflate"], { stdio: "inherit" });
} catch (e) {
  skip(`compiling ${source} failed (${e.message.split("\n")[0]})`);
}
console.log(`build-native: built ${out}`);
