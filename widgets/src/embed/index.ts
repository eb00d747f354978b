/**
 * The static-export bundle: renders every widget view of an exported page from the widget state
 * embedded in it (@jupyter-widgets/html-manager with the standard controls and the ai4eo views),
 * loading nothing from the network. Views whose model is not in the saved state keep the fallback
 * the exporter put next to them.
 * @module
 */
import { HTMLManager } from "@jupyter-widgets/html-manager/lib/htmlmanager.js";
import "@jupyter-widgets/controls/css/widgets-base.css";
import "@lumino/widgets/style/index.css";
import "@fortawesome/fontawesome-free/css/all.min.css";
import * as ai4eo from "../index.js";

/** What the page reports on `window.ai4eoStatic` once rendering finished (for tests and users). */
export interface StaticRenderReport {
  /** Model ids of views rendered. */
  rendered: string[];
  /** Model ids of views whose model was not in the saved state (their fallback stays). */
  missing: string[];
  /** Errors met while rendering. */
  errors: string[];
}

/** A manager that resolves the "ai4eo-widgets" module from this bundle. */
export class StaticManager extends HTMLManager {
  constructor() {
    super({
      loader: async (name: string, version: string) => {
        if (name === ai4eo.MODULE_NAME) return ai4eo;
        throw new Error(`This page has no front-end code for widget module ${name}@${version}; only @jupyter-widgets and ai4eo widgets render in exported pages.`);
      },
    });
  }
}

/** Render every `application/vnd.jupyter.widget-view+json` script tag under `root`. */
export async function renderStaticWidgets(root: ParentNode = document): Promise<StaticRenderReport> {
  const report: StaticRenderReport = { rendered: [], missing: [], errors: [] };
  const stateTag = root.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const manager = new StaticManager();
  let ids = new Set<string>();
  if (stateTag?.textContent) {
    try {
      const models = await manager.set_state(JSON.parse(stateTag.textContent));
      ids = new Set(models.map((m) => m.model_id));
    } catch (e) {
      report.errors.push(`widget state: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const tags = Array.from(root.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  await Promise.all(tags.map(async (tag) => {
    let id = "";
    try {
      id = (JSON.parse(tag.textContent ?? "{}") as { model_id?: string }).model_id ?? "";
      if (!ids.has(id)) {
        report.missing.push(id);
        return;
      }
      const model = await manager.get_model(id);
      const view = await manager.create_view(model);
      const host = document.createElement("div");
      host.className = "widget-subarea ai4eo-widget-host";
      tag.parentElement!.insertBefore(host, tag);
      await manager.display_view(view, host);
      const fallback = tag.parentElement!.querySelector(":scope > .ai4eo-fallback");
      if (fallback instanceof HTMLElement) fallback.hidden = true;
      report.rendered.push(id);
    } catch (e) {
      report.errors.push(`view ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }));
  return report;
}

declare global {
  interface Window {
    ai4eoStatic?: Promise<StaticRenderReport>;
  }
}

function start(): void {
  window.ai4eoStatic = renderStaticWidgets();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
