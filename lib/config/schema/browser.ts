/**
 * `browser.*`: the managed Chromium the `browser` tool and `openclaw browser` drive over CDP
 * (reference/discovery.md §4.1). Strict like stock's: an unknown key is an error with its path.
 *
 * The rules stock enforces at config time are enforced here too, so `config set` and a hand edit
 * the gateway reloads fail with the field named: profile names, `cdpPort` 1-65535, a managed
 * profile must set `cdpPort` or `cdpUrl`, the extension driver takes no `cdpUrl`. One rule is
 * ours: `extraArgs` may not move the CDP endpoint (`--remote-debugging-address`/`-port`) or the
 * profile directory (`--user-data-dir`), because the gateway owns those -- an address of
 * `0.0.0.0` would hand the unauthenticated debugger to the whole network.
 *
 * @module
 */
import { z } from "zod";
import { oneOf } from "./_common.ts";

/** Profile names stock accepts: lower-case letters, digits and `-`, starting alphanumeric. */
export const BROWSER_PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The profile drivers stock knows (only `openclaw`/`clawd` are launched by this gateway). */
export const BROWSER_DRIVERS = ["openclaw", "clawd", "existing-session", "extension"] as const;

/** Chromium flags the gateway sets itself; `extraArgs` may not override them. */
const RESERVED_FLAGS: ReadonlyMap<string, string> = new Map([
  [
    "--remote-debugging-port",
    "the gateway sets it from the profile's cdpPort (browser.profiles.<name>.cdpPort)",
  ],
  [
    "--remote-debugging-address",
    "it would expose the unauthenticated CDP endpoint beyond loopback",
  ],
  ["--remote-debugging-pipe", "the gateway talks CDP over the loopback port"],
  ["--user-data-dir", "each profile has its own directory under <stateDir>/browser/<profile>"],
]);

const port = z.number().int().min(1).max(65535);
const hexColor = z.string().regex(/^#?[0-9a-fA-F]{6}$/, "Must be a hex colour like #FF4500");
const timeoutMs = z.number().int().min(0).max(600_000);

/** `browser.profiles.<name>`. */
export const BrowserProfileSchema = z
  .strictObject({
    cdpPort: port.optional().describe("CDP port of this profile's managed Chromium (1\u201365535)"),
    cdpUrl: z.string().optional().describe("Attach to this CDP endpoint instead of a port"),
    userDataDir: z.string().optional().describe("existing-session driver only"),
    mcpCommand: z.string().optional(),
    mcpArgs: z.array(z.string()).optional(),
    driver: oneOf(BROWSER_DRIVERS).optional().describe(
      "openclaw (managed, default) | clawd | existing-session | extension",
    ),
    headless: z.boolean().optional(),
    executablePath: z.string().optional(),
    attachOnly: z.boolean().optional().describe("Never launch; attach to a running browser"),
    color: hexColor.optional(),
  })
  .superRefine((p, ctx) => {
    const driver = p.driver ?? "openclaw";
    if ((driver === "openclaw" || driver === "clawd") && p.cdpPort === undefined && !p.cdpUrl) {
      ctx.addIssue({ code: "custom", message: "Profile must set cdpPort or cdpUrl" });
    }
    if (driver === "extension" && p.cdpUrl !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["cdpUrl"],
        message: 'The extension driver does not take cdpUrl (remove it or use driver "openclaw")',
      });
    }
    if (p.userDataDir !== undefined && driver !== "existing-session") {
      ctx.addIssue({
        code: "custom",
        path: ["userDataDir"],
        message: 'userDataDir is for the "existing-session" driver only',
      });
    }
    if (p.cdpUrl !== undefined) {
      const problem = cdpUrlProblem(p.cdpUrl);
      if (problem) ctx.addIssue({ code: "custom", path: ["cdpUrl"], message: problem });
    }
  });

/** Why `url` is not a usable CDP URL, or undefined. */
function cdpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "Must be a URL like http://127.0.0.1:9222";
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) {
    return "browser.cdpUrl must be http(s) or ws(s)";
  }
  if (parsed.port !== "" && !(Number(parsed.port) >= 1 && Number(parsed.port) <= 65535)) {
    return "browser.cdpUrl has invalid port";
  }
  return undefined;
}

/** `browser.ssrfPolicy`: where `open`/`navigate` may go (strict by default). */
export const BrowserSsrfPolicySchema = z
  .strictObject({
    dangerouslyAllowPrivateNetwork: z.boolean().optional().describe(
      "Let the browser open loopback, LAN and link-local addresses (off by default)",
    ),
    allowPrivateNetwork: z.boolean().optional().describe(
      "Legacy alias of dangerouslyAllowPrivateNetwork",
    ),
    allowedHostnames: z.array(z.string()).optional().describe(
      "Hostnames (or IP literals) allowed even when they resolve to private addresses",
    ),
    hostnameAllowlist: z.array(z.string()).optional().describe(
      "When set, only these hostnames (`*.example.com` patterns) may be opened",
    ),
    blockedHostnames: z.array(z.string()).optional(),
    allowRfc2544BenchmarkRange: z.boolean().optional(),
    allowIpv6UniqueLocalRange: z.boolean().optional(),
  })
  .describe("Navigation policy of the browser tool");

/** `browser`. */
export const BrowserSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe("Browser control (default true)"),
    evaluateEnabled: z.boolean().optional().describe("Allow act:evaluate (default true)"),
    allowSystemProfileImport: z.boolean().optional(),
    cdpUrl: z.string().optional().describe("Legacy single-profile CDP URL override"),
    cdpPortRangeStart: port.optional().describe(
      "First port of the managed CDP range (default: gateway port + 11)",
    ),
    remoteCdpTimeoutMs: timeoutMs.optional(),
    remoteCdpHandshakeTimeoutMs: timeoutMs.optional(),
    localLaunchTimeoutMs: timeoutMs.optional().describe("Launch window (default 15000)"),
    localCdpReadyTimeoutMs: timeoutMs.optional().describe("CDP ready window (default 8000)"),
    actionTimeoutMs: timeoutMs.optional().describe("Per-action timeout (default 60000)"),
    color: hexColor.optional().describe("Colour of the default profile (default #FF4500)"),
    executablePath: z.string().optional().describe(
      "Chromium/Chrome binary (default: auto-detect)",
    ),
    headless: z.boolean().optional().describe(
      "Default false; Linux without DISPLAY runs headless; OPENCLAW_BROWSER_HEADLESS overrides",
    ),
    noSandbox: z.boolean().optional().describe("Add --no-sandbox (containers, root)"),
    attachOnly: z.boolean().optional().describe("Never launch a browser; attach only"),
    defaultProfile: z.string().optional().describe('Profile used by default ("openclaw")'),
    snapshotDefaults: z.looseObject({ mode: z.string().optional() }).optional(),
    ssrfPolicy: BrowserSsrfPolicySchema.optional(),
    profiles: z
      .record(
        z.string().regex(
          BROWSER_PROFILE_NAME,
          "Profile names are a-z, 0-9 and -, start with a letter or digit, at most 64 characters",
        ),
        BrowserProfileSchema,
      )
      .optional(),
    extraArgs: z.array(z.string()).superRefine((args, ctx) => {
      args.forEach((arg, i) => {
        const name = arg.trim().split("=", 1)[0].toLowerCase();
        const why = RESERVED_FLAGS.get(name);
        if (why) {
          ctx.addIssue({ code: "custom", path: [i], message: `${name} not allowed: ${why}` });
        }
      });
    }).optional().describe("Extra Chromium flags"),
    tabCleanup: z
      .strictObject({
        enabled: z.boolean().optional(),
        idleMinutes: z.number().int().min(0).optional(),
        maxTabsPerSession: z.number().int().min(0).optional(),
        sweepMinutes: z.number().int().min(1).optional(),
      })
      .optional(),
    extensionRelay: z.looseObject({ allowLegacyAuth: z.boolean().optional() }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.cdpUrl !== undefined) {
      const problem = cdpUrlProblem(b.cdpUrl);
      if (problem) ctx.addIssue({ code: "custom", path: ["cdpUrl"], message: problem });
    }
  })
  .describe("Browser control tool (managed Chromium over CDP)");

/** `browser` as written in the file. */
export type BrowserConfig = z.output<typeof BrowserSchema>;
/** One `browser.profiles.<name>` entry. */
export type BrowserProfileConfig = z.output<typeof BrowserProfileSchema>;
