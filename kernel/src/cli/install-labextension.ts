/**
 * The JupyterLab part of `ai4eo install`: copies the prebuilt extension (dist/labextension/ai4eo-widgets,
 * built offline by widgets/build-labextension.mjs) into the `labextensions` folder next to the
 * kernelspec's `kernels` folder, so JupyterLab 4 and Notebook 7 load our plot and table views
 * without pip. Also checks that JupyterLab's widget manager (jupyterlab_widgets) is installed.
 * @example
 * ```ts
 * const r = installLabExtension("/usr/local/share/jupyter/kernels");
 * if (!r.widgetManager) console.warn(r.hint);
 * ```
 * @module
 */
import { cpSync, existsSync, rmSync } from "node:fs";
import { dirname, join, delimiter } from "node:path";
import { homedir } from "node:os";
import { packageRoot } from "../widgets/version.js";

/** The extension's name (the folder under labextensions). */
export const LABEXTENSION_NAME = "ai4eo-widgets";
const MANAGER = join("@jupyter-widgets", "jupyterlab-manager");

/** What {@link installLabExtension} did. */
export interface LabExtensionInstall {
  /** Where the extension was copied, or undefined when the package has no built extension. */
  dir?: string;
  /** Where jupyterlab_widgets' manager extension was found, if anywhere. */
  widgetManager?: string;
  /** What to do, when something is missing. */
  hint?: string;
}

/** Jupyter data folders where labextensions are looked up (JUPYTER_PATH, user, system). */
export function jupyterDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env["JUPYTER_PATH"] ?? "").split(delimiter).filter(Boolean);
  dirs.push(env["JUPYTER_DATA_DIR"] ?? join(env["XDG_DATA_HOME"] || join(homedir(), ".local", "share"), "jupyter"));
  dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  return dirs;
}

/**
 * Copy the prebuilt extension next to `kernelsDir` (`<data>/kernels` → `<data>/labextensions/ai4eo-widgets`).
 * @param kernelsDir the kernels folder the kernelspec went to
 */
export function installLabExtension(kernelsDir: string, env: NodeJS.ProcessEnv = process.env): LabExtensionInstall {
  const src = join(packageRoot(), "dist", "labextension", LABEXTENSION_NAME);
  const labext = join(dirname(kernelsDir), "labextensions");
  const out: LabExtensionInstall = {};
  if (!existsSync(join(src, "package.json"))) {
    out.hint = `The JupyterLab extension is not built (${src}); run "npm run build" in the ai4eo package, then "ai4eo install" again.`;
    return out;
  }
  const dest = join(labext, LABEXTENSION_NAME);
  rmSync(dest, { recursive: true, force: true });
  cpSync(src, dest, { recursive: true });
  out.dir = dest;
  for (const d of [dirname(kernelsDir), ...jupyterDataDirs(env)]) {
    const m = join(d, "labextensions", MANAGER);
    if (existsSync(join(m, "package.json"))) {
      out.widgetManager = m;
      break;
    }
  }
  if (!out.widgetManager) {
    out.hint = "JupyterLab's widget manager (the jupyterlab_widgets package) was not found, so JupyterLab cannot show " +
      "widgets yet: install it where JupyterLab runs, e.g. `pip install jupyterlab_widgets` (or `conda install -c conda-forge jupyterlab_widgets`). " +
      "Exported HTML pages (`ai4eo export`) do not need it.";
  }
  return out;
}
