/**
 * One profile's running browser as the service holds it: the CDP connection (and the Chromium
 * process when this gateway launched it), its page tabs, the attached tab sessions, the active
 * tab and each tab's snapshot refs. Tab references are `t1`... (list order), a target id, or a
 * unique prefix of one (at least 4 characters).
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import type { CdpConnection } from "./cdp_client.ts";
import type { HeadlessSource, ResolvedProfile } from "./config.ts";
import type { RunningChromium } from "./launcher.ts";
import { PageSession } from "./page.ts";
import type { SnapshotRef } from "./snapshot.ts";

/** A tab as `tabs` lists it. */
export interface BrowserTab {
  targetId: string;
  /** Short reference (`t1`, `t2`, ... in list order). */
  tabId: string;
  title: string;
  url: string;
  type: string;
  active: boolean;
}

/** What a {@linkcode ProfileRuntime} is made of. */
export interface ProfileRuntimeInit {
  profile: ResolvedProfile;
  cdp: CdpConnection;
  /** Set for a browser this gateway launched. */
  chrome?: RunningChromium;
  headless: boolean;
  headlessSource: HeadlessSource;
  /** The launch settings it started with (a reload that changes them stops it). */
  launchKey: string;
  /** Per-command timeout of tab operations. */
  actionMs: number;
  /** Best-effort cap on page tabs. */
  maxTabs: number;
}

/** A running (launched or attached) browser of one profile. */
export class ProfileRuntime {
  readonly profile: ResolvedProfile;
  readonly cdp: CdpConnection;
  readonly chrome?: RunningChromium;
  readonly headless: boolean;
  readonly headlessSource: HeadlessSource;
  readonly launchKey: string;
  readonly #actionMs: number;
  readonly #maxTabs: number;
  readonly #pages = new Map<string, PageSession>();
  readonly #refs = new Map<string, Map<string, SnapshotRef>>();
  #active: string | undefined;
  /** Tabs this runtime opened, oldest first (the tab cap closes these first). */
  #opened: string[] = [];

  constructor(init: ProfileRuntimeInit) {
    this.profile = init.profile;
    this.cdp = init.cdp;
    this.chrome = init.chrome;
    this.headless = init.headless;
    this.headlessSource = init.headlessSource;
    this.launchKey = init.launchKey;
    this.#actionMs = init.actionMs;
    this.#maxTabs = init.maxTabs;
    // A closed tab detaches its session: forget it.
    this.cdp.on("Target.detachedFromTarget", (params) => {
      for (const [id, page] of this.#pages) {
        if (id === params.targetId || page.sessionId === params.sessionId) this.#pages.delete(id);
      }
    });
  }

  /** Closes the connection and stops the Chromium this gateway launched. */
  async shutdown(): Promise<void> {
    if (this.chrome) await this.chrome.stop();
    else this.cdp.close();
  }

  async #pageTargets(): Promise<{ targetId: string; title: string; url: string; type: string }[]> {
    const { targetInfos } = await this.cdp.send<{
      targetInfos?: { targetId: string; type: string; title?: string; url?: string }[];
    }>("Target.getTargets", undefined, { timeoutMs: this.#actionMs });
    return (targetInfos ?? [])
      .filter((t) => t.type === "page")
      .map((t) => ({ targetId: t.targetId, title: t.title ?? "", url: t.url ?? "", type: t.type }));
  }

  /** The page tabs, the active one marked. */
  async tabs(): Promise<BrowserTab[]> {
    const targets = await this.#pageTargets();
    const active = this.#active && targets.some((t) => t.targetId === this.#active)
      ? this.#active
      : targets[0]?.targetId;
    return targets.map((t, i) => ({ ...t, tabId: `t${i + 1}`, active: t.targetId === active }));
  }

  /**
   * Resolves a tab reference.
   *
   * @throws {OpenClawError} `BROWSER_TAB_NOT_FOUND`.
   */
  async resolveTab(ref: string): Promise<BrowserTab> {
    const tabs = await this.tabs();
    const wanted = ref.trim();
    const exact = tabs.find((t) => t.targetId === wanted || t.tabId === wanted);
    if (exact) return exact;
    const prefixed = tabs.filter((t) => t.targetId.toLowerCase().startsWith(wanted.toLowerCase()));
    if (prefixed.length === 1 && wanted.length >= 4) return prefixed[0];
    throw new OpenClawError("BROWSER_TAB_NOT_FOUND", `Tab "${wanted}" not found`, {
      hint: "List the tabs (action tabs / openclaw browser tabs) and use a tabId or targetId",
    });
  }

  async #create(): Promise<string> {
    const { targetId } = await this.cdp.send<{ targetId: string }>(
      "Target.createTarget",
      { url: "about:blank" },
      { timeoutMs: this.#actionMs },
    );
    this.#opened.push(targetId);
    return targetId;
  }

  async #attach(targetId: string): Promise<PageSession> {
    const known = this.#pages.get(targetId);
    if (known) return known;
    const page = await PageSession.attach(this.cdp, targetId, this.#actionMs);
    this.#pages.set(targetId, page);
    return page;
  }

  /**
   * Opens a blank tab that becomes the active one; past the tab cap, the oldest tab this runtime
   * opened is closed first.
   */
  async openTab(): Promise<PageSession> {
    const targets = await this.#pageTargets();
    if (targets.length >= this.#maxTabs) {
      const oldest = this.#opened.find((id) =>
        id !== this.#active && targets.some((t) => t.targetId === id)
      );
      if (oldest) await this.closeTarget(oldest).catch(() => {});
    }
    const targetId = await this.#create();
    this.#active = targetId;
    return await this.#attach(targetId);
  }

  /** Makes a tab the active one and brings it to the front. */
  async focusTab(ref: string): Promise<BrowserTab> {
    const tab = await this.resolveTab(ref);
    await this.cdp.send("Target.activateTarget", { targetId: tab.targetId }, {
      timeoutMs: this.#actionMs,
    });
    this.#active = tab.targetId;
    return { ...tab, active: true };
  }

  /** Closes a tab (the active one when `ref` is omitted). */
  async closeTab(ref: string | undefined): Promise<{ closed: string }> {
    const targetId = ref
      ? (await this.resolveTab(ref)).targetId
      : (await this.tabs()).find((t) => t.active)?.targetId;
    if (!targetId) throw new OpenClawError("BROWSER_TAB_NOT_FOUND", "No tab to close");
    await this.closeTarget(targetId);
    return { closed: targetId };
  }

  /** Closes a target by id and forgets what was known about it. */
  async closeTarget(targetId: string): Promise<void> {
    await this.cdp.send("Target.closeTarget", { targetId }, { timeoutMs: this.#actionMs });
    this.#pages.delete(targetId);
    this.#refs.delete(targetId);
    this.#opened = this.#opened.filter((id) => id !== targetId);
    if (this.#active === targetId) this.#active = undefined;
  }

  /**
   * The tab an action works on -- `ref`, else the active tab, else the first tab, else a new
   * blank one -- attached and made active.
   */
  async page(ref: string | undefined): Promise<PageSession> {
    let targetId = ref
      ? (await this.resolveTab(ref)).targetId
      : (await this.tabs()).find((t) => t.active)?.targetId;
    targetId ??= await this.#create();
    this.#active = targetId;
    return await this.#attach(targetId);
  }

  /** Remembers the refs of a tab's latest snapshot (an empty map forgets them). */
  setRefs(targetId: string, refs: Map<string, SnapshotRef>): void {
    if (refs.size === 0) this.#refs.delete(targetId);
    else this.#refs.set(targetId, refs);
  }

  /**
   * The element a snapshot ref names.
   *
   * @throws {OpenClawError} `BROWSER_REF_UNKNOWN` when the tab has no such ref.
   */
  ref(targetId: string, ref: string): SnapshotRef {
    const found = this.#refs.get(targetId)?.get(ref.trim());
    if (!found) {
      throw new OpenClawError(
        "BROWSER_REF_UNKNOWN",
        `Unknown ref "${ref}" for this tab: take a snapshot first (refs change when the page does)`,
      );
    }
    return found;
  }
}
