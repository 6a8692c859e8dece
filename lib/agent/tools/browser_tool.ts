/**
 * The `browser` tool (`group:ui`): the agent drives a managed Chromium -- status,
 * start/stop, profiles, tabs (list, open, focus, close), navigate, an accessibility snapshot
 * whose refs `act` uses to click, type and press, and a PNG screenshot saved under the state
 * dir. Arguments follow stock's flat schema (`action`, `targetUrl`, `targetId`, `profile`,
 * `target`, `request: {kind, ref, text, ...}`); `url` and a flat `kind`/`ref`/`text` are accepted.
 *
 * Which browser:
 * - A session that is not sandboxed uses the gateway's browser (lib/browser/host.ts): the
 *   service of the gateway running on this state dir, which starts Chromium on first use.
 * - A sandboxed session uses its sandbox browser container (`agents.defaults.sandbox.browser`,
 *   lib/browser/sandbox_pool.ts): one per sandbox scope, started on first use, reached through a
 *   `docker exec` relay, never the host's Chromium. It may also open `file:` URLs under the
 *   workspace mounts (`file:///workspace/page.html`). With the sandbox browser disabled (the
 *   default) the tool refuses, naming `agents.defaults.sandbox.browser.enabled`; `target: "host"`
 *   reaches the host browser only with `allowHostControl: true`. The sandbox tool policy denies
 *   `browser` by default, so this only matters when an operator allowed it there.
 *
 * Tool policy gates it like every tool (`group:ui`, profiles, allow/deny).
 *
 * @module
 */
import { z } from "zod";
import type { OpenClawConfig } from "../../config/schema.ts";
import { OpenClawError } from "../../errors.ts";
import { browserServiceFor } from "../../browser/host.ts";
import type { BrowserService } from "../../browser/service.ts";
import type { ToolContext, ToolDefinition } from "../../tools/types.ts";

const ACTIONS = [
  "status",
  "start",
  "stop",
  "profiles",
  "tabs",
  "open",
  "focus",
  "close",
  "snapshot",
  "screenshot",
  "navigate",
  "act",
] as const;
const ACT_KINDS = ["click", "type", "press"] as const;

const ActSchema = z.object({
  kind: z.enum(ACT_KINDS).describe("click | type | press"),
  ref: z.string().max(32).optional().describe("Element ref from the latest snapshot (e.g. e3)"),
  text: z.string().max(20_000).optional().describe("type: the text (replaces the field's value)"),
  submit: z.boolean().optional().describe("type: press Enter afterwards"),
  key: z.string().max(32).optional().describe(
    "press: Enter, Tab, Escape, ArrowDown, \u2026 or a character",
  ),
  doubleClick: z.boolean().optional().describe("click: double-click"),
  targetId: z.string().max(128).optional().describe("Tab (default: the active one)"),
});

const BrowserArgsSchema = z.object({
  action: z.enum(ACTIONS).describe(
    "status | start | stop | profiles | tabs | open | focus | close | snapshot | screenshot | navigate | act",
  ),
  profile: z.string().max(64).optional().describe('Browser profile (default "openclaw")'),
  target: z.enum(["sandbox", "host"]).optional().describe(
    "Sandboxed sessions: sandbox (default) or host (needs sandbox.browser.allowHostControl)",
  ),
  targetUrl: z.string().max(8_192).optional().describe("open/navigate: the URL"),
  url: z.string().max(8_192).optional().describe("Alias of targetUrl"),
  targetId: z.string().max(128).optional().describe(
    "Tab: tabId (t1), targetId or a unique prefix, from tabs (default: the active tab)",
  ),
  maxChars: z.number().int().min(1_000).max(80_000).optional().describe(
    "snapshot: most characters returned (default 20000)",
  ),
  interactive: z.boolean().optional().describe("snapshot: interactive elements only"),
  fullPage: z.boolean().optional().describe("screenshot: the whole page, not just the viewport"),
  request: ActSchema.optional().describe("act: what to do"),
  kind: z.enum(ACT_KINDS).optional().describe("act: shorthand for request.kind"),
  ref: z.string().max(32).optional().describe("act: shorthand for request.ref"),
  text: z.string().max(20_000).optional().describe("act: shorthand for request.text"),
  submit: z.boolean().optional().describe("act: shorthand for request.submit"),
  key: z.string().max(32).optional().describe("act: shorthand for request.key"),
});

/** Arguments of the `browser` tool. */
export type BrowserArgs = z.infer<typeof BrowserArgsSchema>;

/** How a tool call reaches a browser: the service, and for the sandbox its file roots. */
interface BrowserTarget {
  service: BrowserService;
  /** Set for the sandbox browser: container paths `file:` URLs may point under. */
  fileRoots?: readonly string[];
  /** Extra facts merged into `status`/`start` results. */
  facts?: Record<string, unknown>;
}

function hostService(ctx: ToolContext): Promise<BrowserService> {
  const service = browserServiceFor(ctx.stateDir);
  if (!service) {
    throw new OpenClawError(
      "BROWSER_UNAVAILABLE",
      "The browser is run by the gateway, and no gateway owns a browser here",
      { hint: "Start the gateway (openclaw gateway) and run the turn through it" },
    );
  }
  return service;
}

/** The config of the call (the agent runtime's context carries it; none means defaults). */
function configOf(ctx: ToolContext): OpenClawConfig {
  // ToolContext does not declare it: the runtime passes an AgentToolContext, direct callers
  // (unit tests) may not.
  return (ctx as ToolContext & { config?: OpenClawConfig }).config ?? ({} as OpenClawConfig);
}

async function sandboxRequest(ctx: ToolContext) {
  const config = configOf(ctx);
  const { sandboxBrowserPool, sandboxBrowserDisabledError } = await import(
    "../../browser/sandbox_pool.ts"
  );
  const { resolveSandboxBrowserConfig } = await import("../../sandbox/browser_config.ts");
  const settings = resolveSandboxBrowserConfig(config, ctx.agentId, ctx.stateDir);
  if (!settings.enabled) throw sandboxBrowserDisabledError(settings.enabledKey);
  // Only a gateway process owns browsers (and the relays of sandbox browsers); asking for its
  // service creates the service object only, never a Chromium.
  await hostService(ctx);
  return {
    pool: sandboxBrowserPool(ctx.stateDir),
    req: {
      config,
      agentId: ctx.agentId,
      sessionKey: ctx.sessionKey,
      workspace: ctx.workspace,
      signal: ctx.signal,
    },
  };
}

/** The host browser for this call (`target: "host"` from a sandbox needs allowHostControl). */
async function hostTarget(ctx: ToolContext, args: BrowserArgs): Promise<BrowserTarget> {
  if (ctx.sandboxed && args.target === "host") {
    const { resolveSandboxBrowserConfig } = await import("../../sandbox/browser_config.ts");
    const b = resolveSandboxBrowserConfig(configOf(ctx), ctx.agentId, ctx.stateDir);
    if (!b.allowHostControl) {
      throw new OpenClawError(
        "BROWSER_HOST_CONTROL_DENIED",
        'target "host" is not allowed from a sandboxed session: ' +
          "agents.defaults.sandbox.browser.allowHostControl is false",
        { hint: "Leave target unset (the sandbox browser), or set allowHostControl: true" },
      );
    }
  }
  return { service: await hostService(ctx) };
}

function needUrl(args: BrowserArgs): string {
  const url = args.targetUrl ?? args.url;
  if (!url?.trim()) {
    throw new OpenClawError("TOOL_INPUT_INVALID", `action "${args.action}" needs targetUrl`);
  }
  return url;
}

/** Runs one tool call against a browser service. */
async function runBrowserAction(target: BrowserTarget, args: BrowserArgs): Promise<unknown> {
  const actions = await import("../../browser/actions.ts");
  const { service, fileRoots } = target;
  const profile = args.profile;
  switch (args.action) {
    case "status":
      return { ...service.status(profile), ...target.facts };
    case "start":
      return { ...await service.start(profile), ...target.facts };
    case "stop":
      return await service.stop(profile);
    case "profiles":
      return { profiles: await service.profiles() };
    case "tabs":
      return await service.tabs(profile);
    case "open":
      if (fileRoots) {
        const { openInSandbox } = await import("../../browser/sandbox_actions.ts");
        return await openInSandbox(service, { url: needUrl(args), profile, roots: fileRoots });
      }
      return await actions.openUrl(service, { url: needUrl(args), profile });
    case "navigate": {
      const options = { url: needUrl(args), targetId: args.targetId, profile };
      if (fileRoots) {
        const { navigateInSandbox } = await import("../../browser/sandbox_actions.ts");
        return await navigateInSandbox(service, { ...options, roots: fileRoots });
      }
      return await actions.navigateTab(service, options);
    }
    case "focus":
      if (!args.targetId) {
        throw new OpenClawError("TOOL_INPUT_INVALID", 'action "focus" needs targetId');
      }
      return await service.focusTab(args.targetId, profile);
    case "close":
      return await service.closeTab(args.targetId, profile);
    case "snapshot":
      return await actions.snapshotTab(service, {
        targetId: args.targetId,
        profile,
        maxChars: args.maxChars,
        interactive: args.interactive,
      });
    case "screenshot":
      return await actions.screenshotTab(service, {
        targetId: args.targetId,
        profile,
        fullPage: args.fullPage,
      });
    case "act": {
      const kind = args.request?.kind ?? args.kind;
      if (!kind) throw new OpenClawError("TOOL_INPUT_INVALID", 'action "act" needs request.kind');
      return await actions.actOnTab(service, {
        kind,
        ref: args.request?.ref ?? args.ref,
        text: args.request?.text ?? args.text,
        submit: args.request?.submit ?? args.submit,
        key: args.request?.key ?? args.key,
        doubleClick: args.request?.doubleClick,
        targetId: args.request?.targetId ?? args.targetId,
      }, profile);
    }
  }
}

/** The `browser` tool. */
export const browserTool: ToolDefinition<BrowserArgs> = {
  name: "browser",
  description:
    "Control a browser (managed Chromium; in a sandboxed session, the sandbox's own browser " +
    "container, which can also open file:// URLs under /workspace): open or navigate to a URL, " +
    "read the page as an accessibility snapshot with element refs, click/type/press on a ref " +
    "(action act), take a screenshot, and list/focus/close tabs. Take a snapshot before act; " +
    "refs change when the page changes.",
  group: "ui",
  inputSchema: BrowserArgsSchema,
  async execute(args, ctx) {
    if (!ctx.sandboxed || args.target === "host") {
      return await runBrowserAction(await hostTarget(ctx, args), args);
    }
    const { pool, req } = await sandboxRequest(ctx);
    // status is passive and stop stops the container: neither starts a browser.
    if (args.action === "status") return await pool.status(req);
    if (args.action === "stop") return await pool.stop(req);
    return await pool.use(req, (session) =>
      runBrowserAction({
        service: session.service,
        fileRoots: session.handle.fileRoots,
        facts: { sandbox: true, containerName: session.handle.containerName },
      }, args));
  },
};
