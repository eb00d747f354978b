/**
 * The front-end module name and version (read from the package's package.json at build time, so
 * they always match what the kernel announces in `_model_module_version`).
 * @module
 */
import pkg from "../../package.json";
import type { ModuleName } from "./contract.js";

/** Module name the ai4eo models and views are registered under. */
export const MODULE_NAME: ModuleName = "ai4eo-widgets";
/** Module version (the ai4eo package version). */
export const MODULE_VERSION: string = pkg.version;
