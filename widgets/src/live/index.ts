/**
 * A Voila-style live page runtime: connects to a Jupyter server with @jupyterlab/services
 * (`KernelManager` only — `ServiceManager` waits on /api/me, which jupyter_server 1.x lacks),
 * starts or joins a kernel, executes code and renders widget outputs with an html-manager-based
 * widget manager that speaks comms (target `jupyter.widget`), binary buffers both ways.
 * Exposed on `window.ai4eoLive`; the browser tests and the map issue's tests drive it.
 * @module
 */
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import { shims, type IClassicComm } from "@jupyter-widgets/base";
import { HTMLManager } from "@jupyter-widgets/html-manager/lib/htmlmanager.js";
import "@jupyter-widgets/controls/css/widgets-base.css";
import "@lumino/widgets/style/index.css";
import * as ai4eo from "../index.js";

/** A widget manager bound to one running kernel. */
export class LiveManager extends HTMLManager {
  readonly kernel: Kernel.IKernelConnection;

  constructor(kernel: Kernel.IKernelConnection) {
    super({
      loader: async (name: string, version: string) => {
        if (name === ai4eo.MODULE_NAME) return ai4eo;
        throw new Error(`No front-end code for widget module ${name}@${version}.`);
      },
    });
    this.kernel = kernel;
    kernel.registerCommTarget("jupyter.widget", (comm, msg) => {
      void this.handle_comm_open(new shims.services.Comm(comm), msg as KernelMessage.ICommOpenMsg);
    });
  }

  override async _create_comm(target: string, modelId?: string, data?: object, metadata?: object, buffers?: ArrayBuffer[] | ArrayBufferView[]): Promise<IClassicComm> {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) comm.open(data as never, metadata as never, buffers as never);
    return new shims.services.Comm(comm);
  }

  override async _get_comm_info(): Promise<{}> {
    const reply = await this.kernel.requestCommInfo({ target_name: "jupyter.widget" });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }
}

/** The text of an output, for checks. */
export interface ExecuteResult {
  status: string;
  /** stdout/stderr text and text/plain of results, in order. */
  text: string[];
  /** Model ids of widget views rendered. */
  widgets: string[];
  /** ename: evalue of an error, if any. */
  error?: string;
}

/** The page API on `window.ai4eoLive`. */
export interface LivePage {
  connect(options: { baseUrl: string; token: string; kernelName: string; wsUrl?: string }): Promise<string>;
  execute(code: string, container?: HTMLElement): Promise<ExecuteResult>;
  manager(): LiveManager;
  shutdown(): Promise<void>;
}

let kernelManager: KernelManager | undefined;
let kernel: Kernel.IKernelConnection | undefined;
let manager: LiveManager | undefined;

const page: LivePage = {
  async connect({ baseUrl, token, kernelName, wsUrl }) {
    const serverSettings = ServerConnection.makeSettings({ baseUrl, token, appendToken: true, ...(wsUrl ? { wsUrl } : {}) });
    kernelManager = new KernelManager({ serverSettings });
    await kernelManager.ready;
    kernel = await kernelManager.startNew({ name: kernelName });
    manager = new LiveManager(kernel);
    await kernel.info;
    return kernel.id;
  },

  async execute(code, container = document.getElementById("outputs") ?? document.body) {
    if (!kernel || !manager) throw new Error("ai4eoLive: call connect() first");
    const result: ExecuteResult = { status: "", text: [], widgets: [] };
    const cell = document.createElement("div");
    cell.className = "ai4eo-live-cell";
    container.appendChild(cell);
    const pending: Promise<void>[] = [];
    const future = kernel.requestExecute({ code, store_history: true });
    future.onIOPub = (msg) => {
      const t = msg.header.msg_type;
      const c = msg.content as Record<string, any>;
      if (t === "stream") result.text.push(String(c["text"]));
      else if (t === "error") result.error = `${c["ename"]}: ${c["evalue"]}`;
      else if (t === "execute_result" || t === "display_data") {
        const data = c["data"] as Record<string, unknown>;
        const view = data["application/vnd.jupyter.widget-view+json"] as { model_id: string } | undefined;
        if (view && manager) {
          const host = document.createElement("div");
          host.className = "ai4eo-live-output";
          cell.appendChild(host);
          pending.push((async () => {
            const model = await manager!.get_model(view.model_id);
            const v = await manager!.create_view(model);
            await manager!.display_view(v, host);
            result.widgets.push(view.model_id);
          })());
        } else if (typeof data["text/plain"] === "string") result.text.push(data["text/plain"]);
      }
    };
    const reply = await future.done;
    await Promise.all(pending);
    result.status = (reply.content as { status: string }).status;
    return result;
  },

  manager() {
    if (!manager) throw new Error("ai4eoLive: call connect() first");
    return manager;
  },

  async shutdown() {
    if (kernel) await kernel.shutdown();
    kernelManager?.dispose();
    kernel = undefined;
    manager = undefined;
  },
};

declare global {
  interface Window {
    ai4eoLive: LivePage;
  }
}
window.ai4eoLive = page;
