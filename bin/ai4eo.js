#!/usr/bin/env node
// The `ai4eo` command. Runs the compiled code in dist/ (build it with `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const entry = fileURLToPath(new URL("../dist/kernel/src/cli/main.js", import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(`ai4eo: ${entry} is missing. Build it first: npm run build\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
if (typeof code === "number") process.exitCode = code;
