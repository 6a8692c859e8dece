/**
 * Dashboard benchmark (issue 15): the Control UI opened in headless Chromium (playwright-core +
 * Debian `chromium`, as tests/integration/ui_browser_test.ts does) from a `#token=` link, each
 * run in a fresh browser context (cold cache, new device identity), against a loaded gateway:
 * Telegram and Discord connected, a session with history, and a steady RPC load from other
 * operator sockets while the page loads.
 *
 * Per run: first paint and first contentful paint (the browser's paint timing), the moment the
 * UI shows itself connected and the overview's "Subsystems" card (a MutationObserver in the
 * page), the bytes transferred for the document and its assets (resource timing: compressed
 * bodies plus headers; JavaScript separately), and the WebSocket bytes received until the
 * overview showed. Then the gateway's RSS with one dashboard left connected.
 *
 * @module
 */
import { closeOperator, type Operator, operator } from "./rpc.ts";
import { pct } from "./report.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The Chromium binary, or undefined when none is installed. */
export function findChromium(): string | undefined {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not here */ }
  }
  return undefined;
}

/** Steady background traffic: `sockets` operators each sending `health` every `intervalMs`. */
export async function backgroundLoad(
  port: number,
  token: string,
  sockets = 10,
  intervalMs = 100,
): Promise<{ requests(): number; stop(): Promise<void> }> {
  const ops: Operator[] = await Promise.all(
    Array.from({ length: sockets }, () => operator(port, token)),
  );
  let running = true;
  let n = 0;
  const loops = ops.map(async (op, i) => {
    await sleep((i * intervalMs) / sockets);
    while (running) {
      const t = performance.now();
      await op.call("health", {}, 5_000).then(() => n++, () => {});
      await sleep(Math.max(0, intervalMs - (performance.now() - t)));
    }
  });
  return {
    requests: () => n,
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(ops.map(closeOperator));
    },
  };
}

/** Result of {@linkcode dashboardRuns}. */
export interface DashboardResult {
  runs: number;
  firstPaint50: number;
  firstPaint90: number;
  fcp50: number;
  connected50: number;
  connected90: number;
  overview50: number;
  /** Document + assets, compressed bodies plus headers (bytes; median of runs). */
  transferred: number;
  /** Of which JavaScript. */
  jsTransferred: number;
  /** The same, decoded (what the browser got after decompression). */
  decoded: number;
  assets: number;
  wsReceived: number;
  /** Gateway RSS before the first run, and with one dashboard connected 2 s (MB). */
  rssBeforeMb: number;
  rssAfterMb: number;
}

interface PageTiming {
  fp: number;
  fcp: number;
  connectedAt: number;
  overviewAt: number;
  transferred: number;
  js: number;
  decoded: number;
  assets: number;
}

// Runs in the page before its scripts: records when the UI first shows "connected" and the
// overview's Subsystems card (textContent, not innerText: no forced layout on every mutation).
const OBSERVER = `(() => {
  const w = window;
  new MutationObserver(() => {
    if (!w.__benchConnected && document.querySelector("[data-connection=connected]")) {
      w.__benchConnected = performance.now();
    }
    if (!w.__benchOverview && document.body && document.body.textContent.includes("Subsystems")) {
      w.__benchOverview = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

// Read in the page once the overview showed.
const COLLECT = `(() => {
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  let transferred = 0, js = 0, decoded = 0;
  for (const e of entries) {
    transferred += e.transferSize;
    decoded += e.decodedBodySize;
    if (e.name.endsWith(".js") || e.initiatorType === "script") js += e.transferSize;
  }
  return {
    fp: paint["first-paint"] ?? NaN,
    fcp: paint["first-contentful-paint"] ?? NaN,
    connectedAt: window.__benchConnected ?? NaN,
    overviewAt: window.__benchOverview ?? NaN,
    transferred, js, decoded, assets: entries.length,
  };
})()`;

/**
 * Opens the dashboard `runs` times (fresh context each), then leaves one connected and reads
 * the gateway's RSS.
 *
 * @param chromiumPath From {@linkcode findChromium}.
 * @param port The gateway's port.
 * @param token The gateway token (sent in the URL fragment, as `openclaw dashboard` does).
 * @param rss Reads the gateway's RSS (MB).
 */
export async function dashboardRuns(
  chromiumPath: string,
  port: number,
  token: string,
  runs: number,
  rss: () => number,
): Promise<DashboardResult> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const url = `http://127.0.0.1:${port}/#token=${token}`;
    const open = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript({ content: OBSERVER });
      const page = await context.newPage();
      let ws = 0;
      let counting = true;
      page.on("websocket", (socket) => {
        socket.on("framereceived", (f) => {
          if (counting) {
            ws += typeof f.payload === "string"
              ? new TextEncoder().encode(f.payload).length
              : f.payload.length;
          }
        });
      });
      await page.goto(url);
      await page.waitForSelector("[data-connection=connected]", { timeout: 30_000 });
      await page.waitForSelector("text=Subsystems", { timeout: 30_000 });
      counting = false;
      const t = await page.evaluate(COLLECT) as PageTiming;
      return { context, t, ws };
    };
    // One unmeasured run: Chromium's own first-start costs (fonts, GPU process) are not the UI's.
    await (await open()).context.close();
    const rssBeforeMb = rss();
    const samples: { t: PageTiming; ws: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const { context, t, ws } = await open();
      samples.push({ t, ws });
      await context.close();
    }
    const last = await open();
    await sleep(2000);
    const rssAfterMb = rss();
    await last.context.close();
    const of = (f: (s: { t: PageTiming; ws: number }) => number, q = 0.5) => pct(samples.map(f), q);
    return {
      runs,
      firstPaint50: of((s) => s.t.fp),
      firstPaint90: of((s) => s.t.fp, 0.9),
      fcp50: of((s) => s.t.fcp),
      connected50: of((s) => s.t.connectedAt),
      connected90: of((s) => s.t.connectedAt, 0.9),
      overview50: of((s) => s.t.overviewAt),
      transferred: of((s) => s.t.transferred),
      jsTransferred: of((s) => s.t.js),
      decoded: of((s) => s.t.decoded),
      assets: of((s) => s.t.assets),
      wsReceived: of((s) => s.ws),
      rssBeforeMb,
      rssAfterMb,
    };
  } finally {
    await browser.close();
  }
}
