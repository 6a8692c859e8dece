/**
 * `openclaw browser status|start|stop|profiles|tabs|open|focus|close|navigate|snapshot|screenshot
 * [--browser-profile <name>] [--json]`: the gateway's managed browser, through stock's
 * `browser.request` RPC -- the gateway owns the Chromium process, so the CLI never launches one.
 * `--browser-profile` and `--json` work before or after the subcommand. `status` is passive.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { printJson, printLine } from "../output.ts";
import { act } from "../program.ts";

interface BrowserFlags {
  browserProfile?: string;
  json?: boolean;
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
  headless?: boolean;
  fullPage?: boolean;
  interactive?: boolean;
  maxChars?: string;
}

/** Stock's CLI budget for a browser call. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** Stock adds this to `--timeout` for the transport. */
const TRANSPORT_SLACK_MS = 10_000;

/** A route call. */
interface RouteCall {
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  query?: Record<string, string>;
}

function merged(cmd: CommandUnknownOpts): BrowserFlags {
  // Parent flags (before the subcommand) under the subcommand's own.
  return { ...(cmd.parent?.opts() ?? {}), ...cmd.opts() } as BrowserFlags;
}

function timeoutOf(flags: BrowserFlags): number {
  const n = Number(flags.timeout ?? DEFAULT_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/** Calls `browser.request` and unwraps a gateway refusal into the lib error it came from. */
async function call<T>(flags: BrowserFlags, route: RouteCall): Promise<T> {
  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  const { GatewayRpcError } = await import("../../lib/rpc/client.ts");
  const { OpenClawError } = await import("../../lib/errors.ts");
  const timeoutMs = timeoutOf(flags);
  const query = {
    ...route.query,
    ...(flags.browserProfile ? { profile: flags.browserProfile } : {}),
  };
  try {
    return await withGateway(
      flags,
      CLI_CLIENT,
      10_000,
      (client) =>
        client.call<T>("browser.request", {
          method: route.method,
          path: route.path,
          ...(Object.keys(query).length ? { query } : {}),
          ...(route.body === undefined ? {} : { body: route.body }),
          timeoutMs,
        }, { timeoutMs: timeoutMs + TRANSPORT_SLACK_MS }),
    );
  } catch (err) {
    // Show the browser's own error (`Failed to start Chrome CDP on port ...`), not the RPC wrapper.
    const details = err instanceof GatewayRpcError ? err.shape.details : undefined;
    if (
      details && typeof details === "object" &&
      typeof (details as { code?: unknown }).code === "string"
    ) {
      const d = details as { code: string; hint?: unknown };
      throw new OpenClawError(d.code, (err as InstanceType<typeof GatewayRpcError>).shape.message, {
        hint: typeof d.hint === "string" ? d.hint : undefined,
        details: (err as InstanceType<typeof GatewayRpcError>).shape,
      });
    }
    throw err;
  }
}

interface Status {
  profile?: string;
  enabled?: boolean;
  running?: boolean;
  transport?: string;
  cdpPort?: number;
  cdpUrl?: string;
  chosenBrowser?: string | null;
  detectedBrowser?: string | null;
  detectedExecutablePath?: string | null;
  executablePath?: string | null;
  headless?: boolean;
  headlessSource?: string;
  color?: string;
  detectError?: string | null;
}

interface Tab {
  targetId: string;
  tabId?: string;
  title?: string;
  url?: string;
}

interface Profile {
  name: string;
  running: boolean;
  tabCount?: number;
  isDefault?: boolean;
  isRemote?: boolean;
  driver?: string;
  cdpPort?: number;
  cdpUrl?: string;
  color?: string;
}

async function printStatus(status: Status): Promise<void> {
  const { shortenHome } = await import("../../lib/paths.ts");
  const path = status.detectedExecutablePath ?? status.executablePath;
  printLine([
    `profile: ${status.profile ?? "openclaw"}`,
    `enabled: ${status.enabled}`,
    `running: ${status.running}`,
    `transport: ${status.transport ?? "cdp"}`,
    `cdpPort: ${status.cdpPort}`,
    `cdpUrl: ${status.cdpUrl ?? `http://127.0.0.1:${status.cdpPort}`}`,
    `browser: ${status.chosenBrowser ?? "unknown"}`,
    `detectedBrowser: ${status.detectedBrowser ?? "unknown"}`,
    `detectedPath: ${path ? shortenHome(path) : "auto"}`,
    `headless: ${status.headless} (${status.headlessSource ?? "default"})`,
    `profileColor: ${status.color}`,
    ...(status.detectError ? [`detectError: ${status.detectError}`] : []),
  ].join("\n"));
}

function runningLine(status: Status): string {
  return `\uD83E\uDD9E browser [${status.profile ?? "openclaw"}] running: ${status.running}${
    status.running && status.headless ? " (headless)" : ""
  }`;
}

function printTabs(tabs: Tab[]): void {
  if (tabs.length === 0) {
    printLine("No tabs (browser closed or no targets).");
    return;
  }
  printLine(
    tabs.map((t, i) =>
      `${i + 1}. ${t.title || "(untitled)"}${
        t.tabId ? ` [tab: ${t.tabId}]` : ""
      }\n   ${t.url}\n   id: ${t.targetId}`
    ).join("\n"),
  );
}

function printProfiles(profiles: Profile[]): void {
  if (profiles.length === 0) {
    printLine("No profiles configured.");
    return;
  }
  printLine(
    profiles.map((p) => {
      const status = p.running ? "running" : "stopped";
      const tabs = p.running ? ` (${p.tabCount ?? 0} tabs)` : "";
      const def = p.isDefault ? " [default]" : "";
      const remote = p.isRemote ? " [remote]" : "";
      const driver = p.driver && p.driver !== "openclaw" ? ` [${p.driver}]` : "";
      const loc = p.isRemote ? `cdpUrl: ${p.cdpUrl}` : `port: ${p.cdpPort}`;
      return `${p.name}: ${status}${tabs}${def}${remote}${driver}\n  ${loc}, color: ${p.color}`;
    }).join("\n"),
  );
}

type Action = (flags: BrowserFlags, ...args: string[]) => Promise<void>;

const ACTIONS: Record<string, Action> = {
  async status(flags) {
    const status = await call<Status>(flags, { method: "GET", path: "/" });
    if (flags.json) printJson(status);
    else await printStatus(status);
  },
  async start(flags) {
    const status = await call<Status>(flags, {
      method: "POST",
      path: "/start",
      ...(flags.headless ? { query: { headless: "true" } } : {}),
    });
    if (flags.json) printJson(status);
    else printLine(runningLine(status));
  },
  async stop(flags) {
    const status = await call<Status>(flags, { method: "POST", path: "/stop" });
    if (flags.json) printJson(status);
    else printLine(runningLine(status));
  },
  async profiles(flags) {
    const { profiles } = await call<{ profiles: Profile[] }>(flags, {
      method: "GET",
      path: "/profiles",
    });
    if (flags.json) printJson({ profiles });
    else printProfiles(profiles);
  },
  async tabs(flags) {
    const result = await call<{ running: boolean; tabs: Tab[] }>(flags, {
      method: "GET",
      path: "/tabs",
    });
    if (flags.json) printJson(result);
    else printTabs(result.tabs ?? []);
  },
  async open(flags, url) {
    const tab = await call<Tab>(flags, { method: "POST", path: "/tabs/open", body: { url } });
    if (flags.json) printJson(tab);
    else printLine(`opened: ${tab.url}\nid: ${tab.targetId}`);
  },
  async focus(flags, targetId) {
    const tab = await call<Tab>(flags, { method: "POST", path: "/tabs/focus", body: { targetId } });
    if (flags.json) printJson(tab);
    else printLine(`focused tab ${tab.targetId}`);
  },
  async close(flags, targetId) {
    const result = targetId
      ? await call(flags, { method: "DELETE", path: `/tabs/${encodeURIComponent(targetId)}` })
      : await call(flags, { method: "POST", path: "/tabs/action", body: { action: "close" } });
    if (flags.json) printJson(result);
    else printLine("closed tab");
  },
  async navigate(flags, url) {
    const tab = await call<Tab>(flags, { method: "POST", path: "/navigate", body: { url } });
    if (flags.json) printJson(tab);
    else printLine(`navigated to ${tab.url}${tab.title ? ` (${tab.title})` : ""}`);
  },
  async snapshot(flags) {
    const snap = await call<{ snapshot: string; title?: string; url?: string }>(flags, {
      method: "GET",
      path: "/snapshot",
      query: {
        ...(flags.interactive ? { interactive: "true" } : {}),
        ...(flags.maxChars ? { maxChars: flags.maxChars } : {}),
      },
    });
    if (flags.json) printJson(snap);
    else printLine(snap.snapshot);
  },
  async screenshot(flags) {
    const shot = await call<{ path: string }>(flags, {
      method: "POST",
      path: "/screenshot",
      body: { fullPage: flags.fullPage === true },
    });
    if (flags.json) printJson(shot);
    else printLine(`MEDIA:${shot.path}`);
  },
};

function commonFlags<C extends CommandUnknownOpts>(cmd: C): C {
  cmd.option("--browser-profile <name>", "Browser profile (default: browser.defaultProfile)")
    .option("--json", "Print JSON");
  return cmd;
}

/** Registers `browser`. */
export function register(program: CommandUnknownOpts): void {
  const browser = commonFlags(
    program.command("browser")
      .description("The gateway's managed browser (Chromium over CDP)")
      .option("--url <url>", "Gateway WebSocket URL (needs --token or --password)")
      .option("--token <token>", "Gateway token")
      .option("--password <password>", "Gateway password")
      .option("--timeout <ms>", "Timeout in milliseconds", String(DEFAULT_TIMEOUT_MS)),
  );
  const sub = (name: string, description: string, args: string[] = []) => {
    const cmd = commonFlags(browser.command(name).description(description));
    for (const a of args) cmd.argument(a);
    return cmd;
  };
  const bind = (cmd: CommandUnknownOpts, name: string) =>
    cmd.action(act(async (...raw: unknown[]) => {
      const self = raw[raw.length - 1] as CommandUnknownOpts;
      const positional = raw.slice(0, -2).filter((v): v is string => typeof v === "string");
      await ACTIONS[name](merged(self), ...positional);
    }));
  bind(sub("status", "Show the browser's state (never launches it)"), "status");
  bind(
    sub("start", "Start the profile's browser (no-op when running)")
      .option("--headless", "Run headless this time"),
    "start",
  );
  bind(sub("stop", "Stop the profile's browser"), "stop");
  bind(sub("profiles", "List browser profiles"), "profiles");
  bind(sub("tabs", "List open tabs"), "tabs");
  bind(sub("open", "Open a URL in a new tab", ["<url>"]), "open");
  bind(sub("focus", "Focus a tab", ["<targetId>"]), "focus");
  bind(sub("close", "Close a tab (the active one by default)", ["[targetId]"]), "close");
  bind(sub("navigate", "Navigate the active tab", ["<url>"]), "navigate");
  bind(
    sub("snapshot", "Print the active tab's accessibility snapshot")
      .option("--interactive", "Interactive elements only")
      .option("--max-chars <n>", "Most characters"),
    "snapshot",
  );
  bind(
    sub("screenshot", "Save a PNG of the active tab").option("--full-page", "The whole page"),
    "screenshot",
  );
}
