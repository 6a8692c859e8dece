/**
 * One tab driven over a flattened CDP session of the browser connection: navigate and wait for
 * the load, read title and URL, take the accessibility snapshot, click and type on a snapshot
 * ref, press a key, capture a PNG. Every command has a timeout; captures have a size cap.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import type { CdpConnection } from "./cdp_client.ts";
import {
  type AxNode,
  type PageSnapshot,
  renderAxSnapshot,
  type SnapshotOptions,
} from "./snapshot.ts";

/** Keys `press` knows, with their DOM code and Windows virtual key code. */
const KEYS: ReadonlyMap<string, { code: string; keyCode: number; text?: string }> = new Map([
  ["Enter", { code: "Enter", keyCode: 13, text: "\r" }],
  ["Tab", { code: "Tab", keyCode: 9 }],
  ["Escape", { code: "Escape", keyCode: 27 }],
  ["Backspace", { code: "Backspace", keyCode: 8 }],
  ["Delete", { code: "Delete", keyCode: 46 }],
  ["Space", { code: "Space", keyCode: 32, text: " " }],
  ["ArrowUp", { code: "ArrowUp", keyCode: 38 }],
  ["ArrowDown", { code: "ArrowDown", keyCode: 40 }],
  ["ArrowLeft", { code: "ArrowLeft", keyCode: 37 }],
  ["ArrowRight", { code: "ArrowRight", keyCode: 39 }],
  ["Home", { code: "Home", keyCode: 36 }],
  ["End", { code: "End", keyCode: 35 }],
  ["PageUp", { code: "PageUp", keyCode: 33 }],
  ["PageDown", { code: "PageDown", keyCode: 34 }],
]);

/** Tallest full-page capture, in CSS pixels. */
const MAX_FULL_PAGE_HEIGHT = 16_384;

/** Where a navigation ended. */
export interface NavigationResult {
  url: string;
  title: string;
  /** False when the load event did not come within the timeout (the page may still work). */
  loaded: boolean;
}

/** One attached tab. */
export class PageSession {
  readonly #cdp: CdpConnection;
  readonly targetId: string;
  readonly sessionId: string;

  private constructor(cdp: CdpConnection, targetId: string, sessionId: string) {
    this.#cdp = cdp;
    this.targetId = targetId;
    this.sessionId = sessionId;
  }

  /** Attaches to a page target and enables the Page domain. */
  static async attach(
    cdp: CdpConnection,
    targetId: string,
    timeoutMs: number,
  ): Promise<PageSession> {
    const { sessionId } = await cdp.send<{ sessionId: string }>(
      "Target.attachToTarget",
      { targetId, flatten: true },
      { timeoutMs },
    );
    const page = new PageSession(cdp, targetId, sessionId);
    await page.send("Page.enable", undefined, timeoutMs);
    return page;
  }

  /** Sends a command on this tab's session. */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<T> {
    return this.#cdp.send<T>(method, params, { sessionId: this.sessionId, timeoutMs });
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string, timeoutMs: number): Promise<T | undefined> {
    const r = await this.send<{ result?: { value?: T } }>(
      "Runtime.evaluate",
      { expression, returnByValue: true },
      timeoutMs,
    );
    return r.result?.value;
  }

  /** The tab's current URL and title. */
  async info(timeoutMs: number): Promise<{ url: string; title: string }> {
    const v = await this.evaluate<{ url: string; title: string }>(
      "({ url: location.href, title: document.title })",
      timeoutMs,
    );
    return { url: v?.url ?? "", title: v?.title ?? "" };
  }

  /**
   * Navigates and waits for the load event (cross-document navigations only).
   *
   * @throws {OpenClawError} `BROWSER_NAVIGATION_FAILED` when Chromium reports an error
   *   (`net::ERR_CONNECTION_REFUSED`, ...).
   */
  async navigate(url: string, timeoutMs: number): Promise<NavigationResult> {
    const load = this.#cdp.nextEvent("Page.loadEventFired", {
      sessionId: this.sessionId,
      timeoutMs,
    });
    let res: { errorText?: string; loaderId?: string };
    try {
      res = await this.send("Page.navigate", { url }, timeoutMs);
    } catch (err) {
      load.cancel();
      throw err;
    }
    if (res.errorText) {
      load.cancel();
      throw new OpenClawError(
        "BROWSER_NAVIGATION_FAILED",
        `Navigation to ${url} failed: ${res.errorText}`,
      );
    }
    let loaded = true;
    if (res.loaderId) {
      loaded = await load.promise.then(() => true, () => false);
    } else {
      load.cancel();
    }
    const info = await this.info(Math.min(timeoutMs, 10_000));
    return { ...info, loaded };
  }

  /** The accessibility snapshot of the tab. */
  async snapshot(options: SnapshotOptions, timeoutMs: number): Promise<PageSnapshot> {
    await this.send("Accessibility.enable", undefined, timeoutMs).catch(() => {});
    const res = await this.send<{ nodes?: AxNode[] }>("Accessibility.getFullAXTree", {}, timeoutMs);
    return renderAxSnapshot(Array.isArray(res.nodes) ? res.nodes : [], options);
  }

  /** The centre of an element in the viewport, after scrolling it into view. */
  async #centre(
    backendNodeId: number,
    label: string,
    timeoutMs: number,
  ): Promise<{ x: number; y: number }> {
    await this.send("DOM.scrollIntoViewIfNeeded", { backendNodeId }, timeoutMs).catch(() => {});
    const { quads } = await this.send<{ quads?: number[][] }>(
      "DOM.getContentQuads",
      { backendNodeId },
      timeoutMs,
    ).catch(() => ({ quads: [] as number[][] }));
    const q = quads?.find((q) => q.length === 8);
    if (!q) {
      throw new OpenClawError(
        "BROWSER_ELEMENT_NOT_FOUND",
        `Element ${label} is not visible on the page; take a new snapshot`,
      );
    }
    return { x: (q[0] + q[2] + q[4] + q[6]) / 4, y: (q[1] + q[3] + q[5] + q[7]) / 4 };
  }

  /** Clicks an element (left button, once, or twice with `doubleClick`). */
  async click(
    backendNodeId: number,
    label: string,
    timeoutMs: number,
    doubleClick = false,
  ): Promise<void> {
    const { x, y } = await this.#centre(backendNodeId, label, timeoutMs);
    await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y }, timeoutMs);
    const clicks = doubleClick ? 2 : 1;
    for (let clickCount = 1; clickCount <= clicks; clickCount++) {
      const common = { x, y, button: "left", buttons: 1, clickCount };
      await this.send("Input.dispatchMouseEvent", { type: "mousePressed", ...common }, timeoutMs);
      await this.send("Input.dispatchMouseEvent", { type: "mouseReleased", ...common }, timeoutMs);
    }
  }

  /** Replaces the text of an input/textarea/contenteditable and optionally presses Enter. */
  async type(
    backendNodeId: number,
    text: string,
    submit: boolean,
    timeoutMs: number,
  ): Promise<void> {
    await this.send("DOM.focus", { backendNodeId }, timeoutMs);
    const { object } = await this.send<{ object?: { objectId?: string } }>(
      "DOM.resolveNode",
      { backendNodeId },
      timeoutMs,
    );
    if (object?.objectId) {
      await this.send("Runtime.callFunctionOn", {
        objectId: object.objectId,
        functionDeclaration: `function () {
          if (this.isContentEditable) { this.textContent = ""; }
          else if ("value" in this) { this.value = ""; this.dispatchEvent(new Event("input", { bubbles: true })); }
        }`,
      }, timeoutMs);
    }
    await this.send("Input.insertText", { text }, timeoutMs);
    if (submit) await this.press("Enter", timeoutMs);
  }

  /**
   * Presses a key (`Enter`, `Tab`, `Escape`, arrows, ..., or one character).
   *
   * @throws {OpenClawError} `BROWSER_KEY_UNKNOWN` for a name it does not know.
   */
  async press(key: string, timeoutMs: number): Promise<void> {
    const known = KEYS.get(key);
    if (!known && [...key].length !== 1) {
      throw new OpenClawError(
        "BROWSER_KEY_UNKNOWN",
        `Unknown key "${key}": use one character or one of ${[...KEYS.keys()].join(", ")}`,
      );
    }
    const text = known ? known.text : key;
    const base = {
      key,
      code: known?.code ?? "",
      windowsVirtualKeyCode: known?.keyCode ?? key.toUpperCase().charCodeAt(0),
    };
    await this.send(
      "Input.dispatchKeyEvent",
      { type: text ? "keyDown" : "rawKeyDown", ...base, ...(text ? { text } : {}) },
      timeoutMs,
    );
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", ...base }, timeoutMs);
  }

  /**
   * A PNG of the viewport (or the whole page, up to 16384 CSS pixels tall).
   *
   * @throws {OpenClawError} `BROWSER_SCREENSHOT_TOO_LARGE` above `maxBytes`.
   */
  async screenshot(fullPage: boolean, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
    const params: Record<string, unknown> = { format: "png" };
    if (fullPage) {
      const m = await this.send<{ cssContentSize?: { width: number; height: number } }>(
        "Page.getLayoutMetrics",
        undefined,
        timeoutMs,
      );
      const size = m.cssContentSize;
      if (size && size.width > 0 && size.height > 0) {
        params.captureBeyondViewport = true;
        params.clip = {
          x: 0,
          y: 0,
          width: Math.ceil(size.width),
          height: Math.min(Math.ceil(size.height), MAX_FULL_PAGE_HEIGHT),
          scale: 1,
        };
      }
    }
    const { data } = await this.send<{ data?: string }>(
      "Page.captureScreenshot",
      params,
      timeoutMs,
    );
    if (!data) throw new OpenClawError("BROWSER_CDP_FAILED", "Screenshot failed: missing data");
    if (Math.floor(data.length * 3 / 4) > maxBytes) {
      throw new OpenClawError(
        "BROWSER_SCREENSHOT_TOO_LARGE",
        `Screenshot larger than ${maxBytes} bytes; capture the viewport instead of the full page`,
      );
    }
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  }
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  if (png.length < 24 || png[0] !== 0x89 || png[1] !== 0x50) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
