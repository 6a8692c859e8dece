/**
 * The `browser` tool (`group:ui`): the agent drives the gateway's managed Chromium — status,
 * start/stop, profiles, tabs (list, open, focus, close), navigate, an accessibility snapshot
 * whose refs `act` uses to click, type and press, and a PNG screenshot saved under the state
 * dir. Arguments follow stock's flat schema (`action`, `targetUrl`, `targetId`, `profile`,
 * `request: {kind, ref, text, …}`); `url` and a flat `kind`/`ref`/`text` are accepted too.
 *
 * The browser belongs to the gateway (lib/browser/host.ts): the tool uses the service of the
 * gateway running on this state dir and starts Chromium on first use. Tool policy gates it like
 * every tool (`group:ui`, profiles, allow/deny). In a sandboxed session it refuses: stock runs a
 * separate browser container there (`agents.defaults.sandbox.browser`), which this gateway does
 * not provide, and handing a sandboxed session the host's browser would undo the sandbox — the
 * sandbox policy denies `browser` by default anyway, so this only matters when an operator
 * re-allowed it.
 *
 * @module
 */
import { z } from "zod";
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
    "press: Enter, Tab, Escape, ArrowDown, … or a character",
  ),
  doubleClick: z.boolean().optional().describe("click: double-click"),
  targetId: z.string().max(128).optional().describe("Tab (default: the active one)"),
});

const BrowserArgsSchema = z.object({
  action: z.enum(ACTIONS).describe(
    "status | start | stop | profiles | tabs | open | focus | close | snapshot | screenshot | navigate | act",
  ),
  profile: z.string().max(64).optional().describe('Browser profile (default "openclaw")'),
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

function serviceOf(ctx: ToolContext): Promise<BrowserService> {
  if (ctx.sandboxed) {
    throw new OpenClawError(
      "BROWSER_SANDBOX_UNSUPPORTED",
      "The browser tool is not available in a sandboxed session: this gateway has no sandbox browser container (agents.defaults.sandbox.browser), and the host browser would bypass the sandbox",
      { hint: 'Use it from a session that is not sandboxed (agents.defaults.sandbox.mode "off")' },
    );
  }
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

function needUrl(args: BrowserArgs): string {
  const url = args.targetUrl ?? args.url;
  if (!url?.trim()) {
    throw new OpenClawError("TOOL_INPUT_INVALID", `action "${args.action}" needs targetUrl`);
  }
  return url;
}

/** Runs one tool call against the gateway's browser service. */
async function runBrowserAction(service: BrowserService, args: BrowserArgs): Promise<unknown> {
  const actions = await import("../../browser/actions.ts");
  const profile = args.profile;
  switch (args.action) {
    case "status":
      return service.status(profile);
    case "start":
      return await service.start(profile);
    case "stop":
      return await service.stop(profile);
    case "profiles":
      return { profiles: await service.profiles() };
    case "tabs":
      return await service.tabs(profile);
    case "open":
      return await actions.openUrl(service, { url: needUrl(args), profile });
    case "navigate":
      return await actions.navigateTab(service, {
        url: needUrl(args),
        targetId: args.targetId,
        profile,
      });
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
    "Control the gateway's browser (managed Chromium): open or navigate to a URL, read the page " +
    "as an accessibility snapshot with element refs, click/type/press on a ref (action act), " +
    "take a screenshot, and list/focus/close tabs. Take a snapshot before act; refs change when " +
    "the page changes.",
  group: "ui",
  inputSchema: BrowserArgsSchema,
  async execute(args, ctx) {
    return await runBrowserAction(await serviceOf(ctx), args);
  },
};
