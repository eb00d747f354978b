import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { display, toMimeBundle, plainText, prepareDisplay, registerDisplayFallback, richBundle, DISPLAY_HOST_KEY, type DisplayHost, type MimeBundle } from "../../kernel/src/eo/display.js";

function withHost<T>(fn: (calls: { data: MimeBundle; displayId?: string; update: boolean }[], clears: boolean[]) => T): T {
  const calls: { data: MimeBundle; displayId?: string; update: boolean }[] = [];
  const clears: boolean[] = [];
  const host: DisplayHost = {
    display: (data, _m, displayId, update) => calls.push({ data, displayId, update }),
    clear: (wait) => clears.push(wait),
  };
  const g = globalThis as Record<symbol, unknown>;
  g[DISPLAY_HOST_KEY] = host;
  try {
    return fn(calls, clears);
  } finally {
    delete g[DISPLAY_HOST_KEY];
  }
}

test("plainText prints like util.inspect without colours", () => {
  assert.equal(plainText("ab".repeat(2)), "'abab'");
  assert.equal(plainText({ a: [1, 2] }), "{ a: [ 1, 2 ] }");
});

test("self-displaying objects provide their bundle, text/plain is added", () => {
  class Scene { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>scene</b>" }; } }
  const b = toMimeBundle(new Scene());
  assert.equal(b["text/html"], "<b>scene</b>");
  assert.equal(b["text/plain"], "<Scene>");
});

test("display helpers forward bundles to the host, handles update in place", () => {
  withHost((calls, clears) => {
    const h = display.html("<i>x</i>");
    display.png(new Uint8Array([137, 80, 78, 71]));
    h.update.markdown("**y**");
    h.update(42);
    display.clear({ wait: true });
    assert.equal(calls.length, 4);
    assert.deepEqual(calls[0]!.data, { "text/html": "<i>x</i>", "text/plain": "<i>x</i>" });
    assert.equal(calls[1]!.data["image/png"], "iVBORw==");
    assert.equal(calls[2]!.update, true);
    assert.equal(calls[2]!.displayId, h.displayId);
    assert.equal(calls[2]!.data["text/markdown"], "**y**");
    assert.deepEqual(calls[3]!.data, { "text/plain": "42" });
    assert.deepEqual(clears, [true]);
  });
});

test("without a kernel display prints text/plain to stdout", () => {
  const src = `import { display } from "./kernel/src/eo/display.ts"; display({ ndvi: 0.5 }); display.html("<p>x</p>");`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", src], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "{ ndvi: 0.5 }\n<p>x</p>\n");
});

test("display() runs an object's prepare step first; a failing step still displays what it has", async () => {
  const prepared: string[] = [];
  class Lazy {
    pixels = "none";
    async [Symbol.for("ai4eo.prepareDisplay")]() {
      await new Promise((r) => setTimeout(r, 10));
      this.pixels = "read";
      prepared.push("lazy");
    }
    [Symbol.for("Jupyter.display")]() { return { "text/plain": `pixels: ${this.pixels}` }; }
  }
  class Broken {
    async [Symbol.for("ai4eo.prepareDisplay")]() { throw new Error("no pixels"); }
    [Symbol.for("Jupyter.display")]() { return { "text/plain": "summary only" }; }
  }
  const calls: { data: MimeBundle; displayId?: string }[] = [];
  const g = globalThis as Record<symbol, unknown>;
  g[DISPLAY_HOST_KEY] = { display: (data: MimeBundle, _m: unknown, displayId?: string) => calls.push({ data, displayId }), clear: () => undefined };
  try {
    const h = display(new Lazy());
    display(new Broken());
    assert.equal(calls.length, 0, "nothing is sent before the prepare steps finish");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(prepared, ["lazy"]);
    assert.deepEqual(calls.map((c) => c.data["text/plain"]).sort(), ["pixels: read", "summary only"]);
    assert.equal(calls.find((c) => c.data["text/plain"] === "pixels: read")!.displayId, h.displayId);
    const plain = new Lazy();
    await prepareDisplay(plain);
    assert.equal(toMimeBundle(plain)["text/plain"], "pixels: read");
  } finally {
    delete g[DISPLAY_HOST_KEY];
  }
});

test("display fallbacks: a value of another library is shown by the first fallback that takes it, asked once", () => {
  let calls = 0;
  class Foreign { readonly tag = "foreign-value"; }
  registerDisplayFallback((v) => {
    if (!(v instanceof Foreign)) return undefined;
    calls++;
    return { "text/html": "<b>foreign</b>" };
  });
  assert.deepEqual(richBundle(new Foreign()), { "text/html": "<b>foreign</b>", "text/plain": "<Foreign>" });
  assert.equal(calls, 1, "richBundle asks the fallback once");
  assert.equal(toMimeBundle(new Foreign())["text/html"], "<b>foreign</b>");
  assert.equal(richBundle({ other: 1 }), undefined);
  assert.equal(richBundle(3), undefined);
});
