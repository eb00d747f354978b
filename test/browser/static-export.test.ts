// Static export in a real browser: export a notebook with controls, plots and a table, open the
// page from disk in chromium, check that every widget view rendered, that plots/tables/sliders
// react, that no request left file://, and compare screenshots with stored references.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildFixtureNotebook } from "./fixture-notebook.js";
import { ensureWidgetBundles, openBrowser, compareScreenshot, type BrowserSession } from "./harness.js";
import { main as exportMain } from "../../kernel/src/cli/export.js";

let dir: string;
let session: BrowserSession;
let fixture: ReturnType<typeof buildFixtureNotebook>;
let html: string;

before(async () => {
  ensureWidgetBundles();
  dir = mkdtempSync(join(tmpdir(), "ai4eo-static-"));
  fixture = buildFixtureNotebook();
  writeFileSync(join(dir, "fixture.ipynb"), JSON.stringify(fixture.nb));
  html = join(dir, "fixture.html");
  const code = await exportMain([join(dir, "fixture.ipynb"), "--html", html, "--title", "fixture"]);
  assert.equal(code, 0);
  session = await openBrowser();
  await session.page.goto(pathToFileURL(html).href);
});

after(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Report = { rendered: string[]; missing: string[]; errors: string[] };

test("every widget view with saved state renders; the one without keeps its fallback", async () => {
  const report = await session.page.evaluate(() => (window as unknown as { ai4eoStatic: Promise<Report> }).ai4eoStatic);
  assert.deepEqual(report.errors, []);
  assert.deepEqual([...report.rendered].sort(), [...fixture.views].sort());
  assert.deepEqual(report.missing, [fixture.missing]);
  const counts = await session.page.evaluate(() => ({
    sliders: document.querySelectorAll(".widget-hslider").length,
    dropdowns: document.querySelectorAll(".widget-dropdown select").length,
    buttons: document.querySelectorAll("button.jupyter-button").length,
    checkboxes: document.querySelectorAll(".widget-checkbox input").length,
    tabs: document.querySelectorAll(".jupyter-widget-tab .lm-TabBar-tab").length,
    plots: document.querySelectorAll(".ai4eo-plot[data-ai4eo-rendered=plot] .js-plotly-plot").length,
    tables: document.querySelectorAll(".ai4eo-table-widget[data-ai4eo-rendered=table] table").length,
    output: document.querySelector(".widget-output")?.textContent ?? "",
    visibleFallbacks: Array.from(document.querySelectorAll(".ai4eo-fallback")).filter((e) => !(e as HTMLElement).hidden).length,
    missingNote: document.querySelector(".missing-state")?.textContent ?? "",
  }));
  assert.equal(counts.sliders, 5, "IntSlider, FloatSlider, IntRangeSlider and two linked sliders");
  assert.equal(counts.dropdowns, 1);
  assert.ok(counts.buttons >= 3, `Button + 2 toggle buttons, got ${counts.buttons}`);
  assert.equal(counts.checkboxes, 1);
  assert.equal(counts.tabs, 2);
  assert.equal(counts.plots, 3);
  assert.equal(counts.tables, 1);
  assert.match(counts.output, /3 tiles done/);
  assert.equal(counts.visibleFallbacks, 1);
  assert.match(counts.missingNote, /state was not saved/);
});

test("plots zoom and hover, the table sorts and pages, sliders move — all offline", async () => {
  const page = session.page;
  // Zoom: drag a box over the histogram's plot area.
  const area = page.locator(".js-plotly-plot").first().locator(".nsewdrag").first();
  await area.scrollIntoViewIfNeeded();
  const box = (await area.boundingBox())!;
  const before = await page.evaluate(() => (document.querySelector(".js-plotly-plot") as unknown as { layout: { xaxis: { range: number[] } } }).layout.xaxis.range.slice());
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((b) => {
    const r = (document.querySelector(".js-plotly-plot") as unknown as { layout: { xaxis: { range: number[] } } }).layout.xaxis.range;
    return r[0]! > b[0]! && r[1]! < b[1]!;
  }, before, { timeout: 5000 });
  // Hover: a label appears over a bar.
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.9);
  await page.waitForSelector(".js-plotly-plot .hoverlayer .hovertext", { timeout: 5000 });

  // Table: sort by pixels (ascending), then page.
  const firstCell = () => page.locator(".ai4eo-table-widget tbody tr").first().locator("td").first().textContent();
  assert.equal(await firstCell(), "water");
  await page.locator(".ai4eo-table-widget th", { hasText: "pixels" }).click();
  assert.equal(await firstCell(), "urban");
  await page.locator(".ai4eo-table-nav button", { hasText: "›" }).click();
  assert.equal(await firstCell(), "forest");
  assert.match((await page.locator(".ai4eo-table-nav span").textContent())!, /page 2 of 2/);

  // Slider: keyboard on the first slider handle changes its readout.
  const handle = page.locator(".widget-hslider").first().locator(".noUi-handle").first();
  await handle.focus();
  await page.keyboard.press("ArrowRight");
  assert.equal((await page.locator(".widget-hslider").first().locator(".widget-readout").textContent())!.trim(), "8");

  // jslink works in the page without a kernel: moving slider "a" moves slider "b".
  const linked = page.locator(".widget-hbox", { hasText: "b (linked)" });
  await linked.scrollIntoViewIfNeeded();
  assert.equal((await linked.locator(".widget-readout").nth(1).textContent())!.trim(), "2", "the link sets b from a on load");
  await linked.locator(".noUi-handle").first().focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal((await linked.locator(".widget-readout").nth(1).textContent())!.trim(), "4");

  const external = session.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  assert.deepEqual(external, [], "no request may leave file://");
  assert.deepEqual(session.errors, []);
});

test("screenshots match the stored references (≤1% of pixels differ by more than 40/255)", async () => {
  // Fresh page so that the interactions above do not show.
  await session.page.goto(pathToFileURL(html).href);
  await session.page.evaluate(() => (window as unknown as { ai4eoStatic: Promise<unknown> }).ai4eoStatic);
  const shots: [string, string][] = [
    ["static-controls", ".out-widget >> nth=0"],
    ["static-histogram", ".ai4eo-plot >> nth=0"],
    ["static-confusion", ".ai4eo-plot >> nth=2"],
    ["static-table", ".ai4eo-table-widget"],
  ];
  await session.page.mouse.move(0, 0);
  const failures: string[] = [];
  for (const [name, sel] of shots) {
    const png = await session.page.locator(sel).screenshot({ animations: "disabled" });
    const c = compareScreenshot(name, png);
    if (!c.ok) failures.push(`${name}: ${c.message}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(readFileSync(html).byteLength < 20 * 2 ** 20);
});
