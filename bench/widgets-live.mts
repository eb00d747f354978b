// Widgets benchmark (issue 4), live path: Debian jupyter_server + this kernel + chromium.
//  1. A 1024×1024 Float32 array sent kernel → browser inside a Plot (heatmap z): bytes on the
//     websocket vs the raw 4 MiB (no base64 → ratio ≈ 1.0), and time from the kernel's `set` to
//     the browser model's change event and to plotly's redraw.
//  2. 100 property updates in a burst: all arrive, in order; time for the burst.
// Run: node --import tsx bench/widgets-live.mts [repeats=5]   (needs npm run build first)
import { ensureDist } from "../test/cli/ensure-dist.js";
import { ensureWidgetBundles, openBrowser } from "../test/browser/harness.js";
import { startJupyterServer, startPageServer } from "../test/browser/live-harness.js";

const repeats = Number(process.argv[2] ?? 5);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

ensureDist();
ensureWidgetBundles();
const page = await startPageServer();
const jupyter = await startJupyterServer(page.origin);
const session = await openBrowser({ allow: ["http://127.0.0.1:", "data:"] });
let wsBytes = 0;
let bigFrameAt = 0;
session.page.on("websocket", (ws) => ws.on("framereceived", (f) => {
  const n = typeof f.payload === "string" ? Buffer.byteLength(f.payload) : f.payload.length;
  wsBytes += n;
  if (n > 1e6) bigFrameAt = Date.now();
}));
// Record, inside the page, when a large websocket message arrives (before any widget code runs).
await session.page.addInitScript(`(() => {
  const WS = window.WebSocket;
  window.WebSocket = function (...a) {
    const ws = new WS(...a);
    ws.addEventListener("message", (e) => { const n = e.data.byteLength ?? e.data.size ?? e.data.length; if (n > 1e6) window.bigMsgAt = Date.now(); });
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})()`);
try {
  await session.page.goto(page.url);
  await session.page.evaluate(({ baseUrl, token }) => (window as any).ai4eoLive.connect({ baseUrl, token, kernelName: "ai4eo" }), { baseUrl: jupyter.baseUrl, token: jupyter.token });
  const run = async (code: string) => {
    const r = await session.page.evaluate((c) => (window as any).ai4eoLive.execute(c), code);
    if (r.status !== "ok") throw new Error(`${r.error}\n${code}`);
    return r as { text: string[] };
  };
  await run([
    'import { Plot, Text, ShapedArray } from "ai4eo";',
    "const N = 1024; const z = new Float32Array(N * N); for (let i = 0; i < z.length; i++) z[i] = Math.sin(i / 997) * Math.cos(i / 7919);",
    'const p = new Plot({ data: [{ type: "heatmap", z: new ShapedArray(z, [N, N]), showscale: false }] }, { height: 300 });',
    "p",
  ].join("\n"));
  await session.page.waitForSelector(".ai4eo-plot[data-ai4eo-draws]");
  await session.page.evaluate(`(async () => {
    const mgr = window.ai4eoLive.manager();
    for (const pm of Object.values(mgr._models)) { const m = await pm; if (m.get("_model_name") === "PlotModel") { window.plotModel = m; const orig = m.set_state.bind(m); m.set_state = (st) => { if (st.data) window.modelAt = Date.now(); return orig(st); }; } }
  })()`);
  const toModel: number[] = [], toDraw: number[] = [], ratios: number[] = [], toFrame: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const draws = await session.page.evaluate(() => Number((document.querySelector(".ai4eo-plot") as HTMLElement).dataset["ai4eoDraws"]));
    const before = wsBytes;
    const out = await run(`z[0] = ${k + 1}; const t${k} = Date.now(); p.data = [{ type: "heatmap", z: new ShapedArray(z, [N, N]), showscale: false }]; console.log(t${k});`);
    const tSet = Number(out.text.join("").trim());
    await session.page.waitForFunction((d) => Number((document.querySelector(".ai4eo-plot") as HTMLElement).dataset["ai4eoDraws"]) > d, draws, { timeout: 60000 })
      .catch(async (e) => { console.error(session.errors, await session.page.evaluate(() => [(window as any).modelAt, (document.querySelector(".ai4eo-plot") as HTMLElement).dataset["ai4eoDraws"]])); throw e; });
    const drawnAt = await session.page.evaluate(() => Date.now());
    const modelAt = await session.page.evaluate(() => (window as any).modelAt as number);
    toModel.push(modelAt - tSet);
    toFrame.push((await session.page.evaluate(() => (window as any).bigMsgAt as number)) - tSet);
    toDraw.push(drawnAt - tSet);
    ratios.push((wsBytes - before) / (4 * 1024 * 1024));
  }
  console.log(`1024×1024 float32 (4 MiB raw) kernel→browser, ${repeats} runs:`);
  console.log(`  websocket bytes received per update / raw size: median ${median(ratios).toFixed(4)} (target ≤ 1.05; includes the execute reply and stream messages)`);
  console.log(`  set → websocket message event in the page: median ${median(toFrame)} ms; set → browser model has the decoded typed arrays (before views redraw): median ${median(toModel)} ms; set → plotly heatmap redrawn: median ${median(toDraw)} ms`);

  await run('const t = new Text({ value: "start" });\nt');
  await session.page.evaluate(`(async () => {
    const mgr = window.ai4eoLive.manager(); window.burst = [];
    for (const pm of Object.values(mgr._models)) { const m = await pm; if (m.get("_model_name") === "TextModel") m.on("change:value", () => { window.burst.push(m.get("value")); window.burstAt = Date.now(); }); }
  })()`);
  const b = await run("const tb = Date.now(); for (let i = 0; i < 100; i++) t.value = `v${i}`; console.log(tb);");
  await session.page.waitForFunction(() => (window as any).burst.length >= 100, null, { timeout: 20000 });
  const got = await session.page.evaluate(() => (window as any).burst as string[]);
  const at = await session.page.evaluate(() => (window as any).burstAt as number);
  const inOrder = got.length === 100 && got.every((v, i) => v === `v${i}`);
  console.log(`100 updates in a burst: ${got.length} arrived, in order: ${inOrder}, ${at - Number(b.text.join("").trim())} ms from the first set to the last change in the browser`);
} finally {
  await session.page.evaluate(() => (window as any).ai4eoLive.shutdown()).catch(() => undefined);
  await session.close();
  await jupyter.stop();
  page.server.close();
}
