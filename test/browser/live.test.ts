// Live widgets in a real browser against the real kernel: Debian's jupyter_server runs this kernel,
// a page with @jupyterlab/services + the html-manager-based manager (dist/widgets/live.js) executes
// cells and renders their widgets, and we check round trips both ways, binary buffers included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { ensureDist } from "../cli/ensure-dist.js";
import { ensureWidgetBundles, openBrowser, compareScreenshot, type BrowserSession } from "./harness.js";
import { runCell, startJupyterServer, startPageServer, type Exec, type JupyterServer } from "./live-harness.js";

let jupyter: JupyterServer;
let pageServer: Server;
let session: BrowserSession;

const run = (code: string): Promise<Exec> => runCell(session, code);

before(async () => {
  ensureDist();
  ensureWidgetBundles();
  const page = await startPageServer();
  pageServer = page.server;
  jupyter = await startJupyterServer(page.origin);
  session = await openBrowser({ allow: ["http://127.0.0.1:", "data:"] });
  await session.page.goto(page.url);
  await session.page.evaluate(
    ({ baseUrl, token }) => (window as unknown as { ai4eoLive: { connect(o: object): Promise<string> } }).ai4eoLive.connect({ baseUrl, token, kernelName: "ai4eo" }),
    { baseUrl: jupyter.baseUrl, token: jupyter.token },
  );
});

after(async () => {
  try {
    await session?.page.evaluate(() => (window as unknown as { ai4eoLive: { shutdown(): Promise<void> } }).ai4eoLive.shutdown());
  } catch { /* page may be gone */ }
  await session?.close();
  if (process.env["AI4EO_LIVE_LOG"]) (await import("node:fs")).writeFileSync(process.env["AI4EO_LIVE_LOG"], jupyter?.log() ?? "");
  await jupyter?.stop();
  pageServer?.close();
});

test("a kernel-side property change updates the view; a slider moved in the browser reaches the observer", async () => {
  const r = await run([
    'import { IntSlider, Plot, Text } from "ai4eo";',
    'const s = new IntSlider({ value: 3, min: 0, max: 10, description: "k" });',
    "const seen: number[] = [];",
    's.observe("value", (c) => { seen.push(c.new); });',
    "s",
  ].join("\n"));
  assert.equal(r.widgets.length, 1);
  const readout = session.page.locator(".widget-hslider .widget-readout").first();
  assert.equal((await readout.textContent())!.trim(), "3");
  await run("s.value = 7;");
  await session.page.waitForFunction(() => document.querySelector(".widget-hslider .widget-readout")?.textContent?.trim() === "7", null, { timeout: 5000 });
  await session.page.locator(".widget-hslider .noUi-handle").first().focus();
  await session.page.keyboard.press("ArrowRight");
  assert.equal((await readout.textContent())!.trim(), "8");
  const out = await run("console.log(JSON.stringify({ seen: seen, value: s.value }));");
  assert.deepEqual(JSON.parse(out.text.join("")), { seen: [7, 8], value: 8 });
});

test("a plot click and a box selection reach the kernel; the selection arrives as an Int32Array from a binary buffer", async () => {
  await run([
    'const p = new Plot({ data: [{ type: "scatter", mode: "markers", x: new Float32Array([1, 2, 3, 4]), y: new Float32Array([3, 1, 2, 4]), marker: { size: 18 } }],',
    '  layout: { dragmode: "select", xaxis: { range: [0, 5] }, yaxis: { range: [0, 5] }, margin: { l: 40, r: 10, t: 10, b: 30 } } }, { height: 300 });',
    "let clicked: unknown[] = [];",
    "p.onClick((pts) => { clicked = pts; });",
    "p",
  ].join("\n"));
  const page = session.page;
  await page.waitForSelector(".ai4eo-plot[data-ai4eo-rendered=plot] .scatterlayer .point");
  const gd = page.locator(".ai4eo-plot .js-plotly-plot").first();
  await gd.scrollIntoViewIfNeeded();
  const toPage = (x: number, y: number) => page.evaluate(({ x, y }) => {
    const el = document.querySelector(".ai4eo-plot .js-plotly-plot") as unknown as HTMLElement & { _fullLayout: { xaxis: { _offset: number; l2p(v: number): number }; yaxis: { _offset: number; l2p(v: number): number } } };
    const r = el.getBoundingClientRect();
    return { x: r.left + el._fullLayout.xaxis._offset + el._fullLayout.xaxis.l2p(x), y: r.top + el._fullLayout.yaxis._offset + el._fullLayout.yaxis.l2p(y) };
  }, { x, y });
  const pt = await toPage(2, 1);
  await page.mouse.move(pt.x, pt.y);
  await page.mouse.click(pt.x, pt.y);
  let out = await run("console.log(JSON.stringify(clicked));");
  const clicked = JSON.parse(out.text.join("")) as { curveNumber: number; pointIndex: number; x: number; y: number }[];
  assert.equal(clicked.length, 1);
  assert.deepEqual({ c: clicked[0]!.curveNumber, i: clicked[0]!.pointIndex, x: clicked[0]!.x, y: clicked[0]!.y }, { c: 0, i: 1, x: 2, y: 1 });
  // Box-select points 0 and 1 (x in [0.5, 2.5], y in [0.5, 3.5]).
  const a = await toPage(0.5, 3.5), b = await toPage(2.5, 0.5);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(300);
  out = await run("const sel = p.selectedIndices; console.log(JSON.stringify({ typed: sel instanceof Int32Array, values: sel ? Array.from(sel) : null }));");
  assert.deepEqual(JSON.parse(out.text.join("")), { typed: true, values: [0, 1] });
});

test("a binary buffer set in the browser arrives in the kernel as the same bytes", async () => {
  const page = session.page;
  const modelId = await page.evaluate(async () => {
    const live = (window as unknown as { ai4eoLive: { manager(): { get_model(id: string): Promise<unknown> } } }).ai4eoLive;
    const el = document.querySelectorAll(".ai4eo-plot");
    void el;
    const mgr = live.manager() as unknown as { _models: Record<string, Promise<{ model_id: string; get(k: string): unknown }>> };
    for (const p of Object.values(mgr._models)) {
      const m = await p;
      if (m.get("_model_name") === "PlotModel") return m.model_id;
    }
    return "";
  });
  assert.ok(modelId);
  await page.evaluate(async (id) => {
    const live = (window as unknown as { ai4eoLive: { manager(): { get_model(id: string): Promise<{ set(k: string, v: unknown): void; save_changes(): void }> } } }).ai4eoLive;
    const m = await live.manager().get_model(id);
    const a = new Int32Array([2147483647, -1, 0, 65536]);
    m.set("selected_indices", { $typed: true, dtype: "int32", shape: [4], data: new DataView(a.buffer) });
    m.save_changes();
  }, modelId);
  const out = await run("console.log(JSON.stringify(Array.from(p.selectedIndices ?? [])));");
  assert.deepEqual(JSON.parse(out.text.join("")), [2147483647, -1, 0, 65536]);
});

test("100 property updates from the kernel in a burst arrive in the browser in order", async () => {
  await run('const t = new Text({ value: "start" });\nt');
  const page = session.page;
  await page.evaluate(async () => {
    const live = (window as unknown as { ai4eoLive: { manager(): unknown } }).ai4eoLive;
    const mgr = live.manager() as { _models: Record<string, Promise<{ get(k: string): unknown; on(e: string, f: () => void): void }>> };
    const got: string[] = [];
    (window as unknown as { burst: string[] }).burst = got;
    for (const p of Object.values(mgr._models)) {
      const m = await p;
      if (m.get("_model_name") === "TextModel") m.on("change:value", () => got.push(String(m.get("value"))));
    }
  });
  await run("for (let i = 0; i < 100; i++) t.value = `v${i}`;");
  await page.waitForFunction(() => (window as unknown as { burst: string[] }).burst.length >= 100, null, { timeout: 10000 });
  const got = await page.evaluate(() => (window as unknown as { burst: string[] }).burst);
  assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => `v${i}`));
  assert.equal(await page.locator(".widget-text input").last().inputValue(), "v99");
});

test("a bad comm message from the browser leaves the kernel and the other widgets working", async () => {
  const page = session.page;
  await page.evaluate(async () => {
    const live = (window as unknown as { ai4eoLive: { manager(): unknown } }).ai4eoLive;
    const mgr = live.manager() as { _models: Record<string, Promise<{ get(k: string): unknown; comm: { send(d: unknown): void } }>> };
    for (const p of Object.values(mgr._models)) {
      const m = await p;
      if (m.get("_model_name") === "IntSliderModel") {
        m.comm.send({ method: "no_such_method" });
        m.comm.send({ method: "update", state: { value: "not a number" }, buffer_paths: [] });
      }
    }
  });
  const out = await run("s.value = 2; console.log(s.value);");
  assert.equal(out.text.join("").trim(), "2");
  await page.waitForFunction(() => document.querySelector(".widget-hslider .widget-readout")?.textContent?.trim() === "2", null, { timeout: 5000 });
});

test("live screenshots of the slider and of the plot with its box selection match the references", async () => {
  await session.page.mouse.move(0, 0);
  await session.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const failures: string[] = [];
  for (const [name, nth] of [["live-slider", 0], ["live-plot-selection", 1]] as const) {
    const png = await session.page.locator(".ai4eo-live-output").nth(nth).screenshot({ animations: "disabled" });
    const c = compareScreenshot(name, png);
    if (!c.ok) failures.push(`${name}: ${c.message}`);
  }
  assert.deepEqual(failures, []);
});
