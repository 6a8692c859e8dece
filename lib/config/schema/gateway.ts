/**
 * `gateway.*` (§3.3). `port`, `bind` and `mode` carry no defaults on purpose: port and bind
 * precedence (flag > env > config > built-in) is resolved elsewhere and must see whether the
 * file set them.
 *
 * @module
 */

import { z } from "zod";
import { oneOf, SecretInputSchema } from "./_common.ts";
import { checkTailscaleExposure, TailscaleSchema } from "./tailscale.ts";

/** Bind modes accepted by `gateway.bind`. */
export const GATEWAY_BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"] as const;

const RateLimitSchema = z
  .strictObject({
    maxAttempts: z.number().int().positive().default(10).describe("Failed attempts per window"),
    windowMs: z.number().int().positive().default(60_000).describe("Counting window (ms)"),
    lockoutMs: z.number().int().nonnegative().default(300_000).describe("Block duration (ms)"),
    exemptLoopback: z.boolean().default(true).describe("Never rate-limit 127.0.0.1 / ::1"),
  })
  .describe("Failed-auth rate limit; blocked clients get HTTP 429 + Retry-After");

const AuthSchema = z
  .strictObject({
    mode: oneOf(["token", "password", "trusted-proxy", "none"])
      .optional()
      .describe("Unset: password if one resolves, else token"),
    token: SecretInputSchema.optional().describe(
      "Shared token (falls back to OPENCLAW_GATEWAY_TOKEN)",
    ),
    password: SecretInputSchema.optional().describe(
      "Password (falls back to OPENCLAW_GATEWAY_PASSWORD). In trusted-proxy mode, local clients " +
        "that do not come through the proxy (the CLI on this host) authenticate with it",
    ),
    allowTailscale: z
      .boolean()
      .optional()
      .describe("Accept Tailscale identity headers for WS / Control UI auth"),
    trustedProxy: z
      .strictObject({
        userHeader: z.string().min(1, "userHeader is required for trusted-proxy mode").describe(
          "Header carrying the authenticated user, e.g. x-forwarded-user",
        ),
        requiredHeaders: z.array(z.string()).optional().describe("Headers that must be present"),
        allowUsers: z.array(z.string()).optional().describe("Only these users (default: any)"),
        allowLoopback: z.boolean().optional().describe(
          "Accept a proxy on a loopback address (default false). Set it only when a proxy on the " +
            "same host is the only way in: any local process could otherwise claim to be it",
        ),
      })
      .optional()
      .describe("Identity-aware reverse proxy settings (auth.mode = trusted-proxy)"),
    rateLimit: RateLimitSchema.prefault({}),
  })
  .describe("How clients authenticate to the gateway");

const ControlUiSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe("Serve the dashboard (default true)"),
    basePath: z.string().optional(),
    root: z.string().optional().describe("Serve dashboard files from this directory"),
    allowedOrigins: z
      .array(z.string())
      .optional()
      .describe("Browser origins allowed to connect (needed for non-loopback origins)"),
    allowInsecureAuth: z.boolean().optional(),
    dangerouslyDisableDeviceAuth: z.boolean().optional(),
    dangerouslyAllowHostHeaderOriginFallback: z.boolean().optional(),
    embedSandbox: oneOf(["strict", "scripts", "trusted"]).optional(),
    allowExternalEmbedUrls: z.boolean().optional(),
  })
  .describe("Control UI (dashboard)");

const RemoteSchema = z
  .strictObject({
    url: z.string().optional().describe("ws:// or wss:// URL of the remote gateway"),
    transport: oneOf(["ssh", "direct"]).optional().describe("Default ssh"),
    token: SecretInputSchema.optional().describe("Token sent to the remote gateway"),
    password: SecretInputSchema.optional().describe("Password sent to the remote gateway"),
    tlsFingerprint: z.string().optional().describe("Pinned SHA-256 certificate fingerprint"),
    sshTarget: z.string().optional().describe("user@host for the SSH tunnel"),
    sshIdentity: z.string().optional().describe("SSH identity file"),
    remotePort: z.number().int().min(1).max(65535).optional(),
  })
  .describe("Client-side settings for gateway.mode=remote; does not enable local auth");

const ReloadSchema = z
  .strictObject({
    mode: oneOf(["off", "hot", "restart", "hybrid"])
      .default("hybrid")
      .describe("hybrid: hot-apply when possible, restart when needed"),
    debounceMs: z.number().int().min(0).default(300).describe("Wait after the last file change"),
    deferralTimeoutMs: z.number().int().min(0).optional().describe(
      "Max wait for in-flight work before a restart (default 300000)",
    ),
  })
  .describe("Config file watching and hot reload");

const TlsSchema = z
  .looseObject({
    enabled: z.boolean().optional().describe("Serve HTTPS/WSS (default false)"),
    autoGenerate: z.boolean().optional().describe("Create a self-signed certificate"),
    certPath: z.string().optional(),
    keyPath: z.string().optional(),
    caPath: z.string().optional(),
  })
  .describe("TLS at the listener");

const UrlFetchShape = {
  allowUrl: z.boolean().optional(),
  urlAllowlist: z.array(z.string()).optional(),
  allowedMimes: z.array(z.string()).optional(),
  maxBytes: z.number().int().positive().optional(),
  maxRedirects: z.number().int().nonnegative().optional(),
  timeoutMs: z.number().int().positive().optional(),
};

const ChatCompletionsSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Serve POST /v1/chat/completions"),
    maxBodyBytes: z.number().int().positive().optional(),
    maxImageParts: z.number().int().nonnegative().optional(),
    maxTotalImageBytes: z.number().int().positive().optional(),
    images: z.strictObject(UrlFetchShape).optional(),
  })
  .describe("OpenAI Chat Completions compatible endpoint");

const ResponsesSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Serve POST /v1/responses"),
    maxBodyBytes: z.number().int().positive().optional(),
    maxUrlParts: z.number().int().nonnegative().optional(),
    files: z
      .strictObject({
        ...UrlFetchShape,
        maxChars: z.number().int().positive().optional(),
        pdf: z
          .strictObject({
            maxPages: z.number().int().positive().optional(),
            maxPixels: z.number().int().positive().optional(),
            minTextChars: z.number().int().nonnegative().optional(),
          })
          .optional(),
      })
      .optional(),
    images: z.strictObject(UrlFetchShape).optional(),
  })
  .describe("OpenResponses compatible endpoint");

const HttpSchema = z
  .strictObject({
    endpoints: z
      .strictObject({
        chatCompletions: ChatCompletionsSchema.prefault({}),
        responses: ResponsesSchema.prefault({}),
      })
      .prefault({}),
    securityHeaders: z
      .strictObject({
        strictTransportSecurity: z
          .union([z.string(), z.literal(false)])
          .optional()
          .describe("Strict-Transport-Security header value, or false"),
      })
      .optional(),
  })
  .describe("HTTP API on the gateway port (full operator permissions)");

const NodesSchema = z
  .strictObject({
    allowCommands: z.array(z.string()).optional(),
    denyCommands: z.array(z.string()).optional(),
    commands: z
      .strictObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() })
      .optional(),
    browser: z
      .strictObject({
        mode: oneOf(["auto", "manual", "off"]).optional(),
        node: z.string().optional(),
      })
      .optional(),
    pairing: z.looseObject({ autoApproveCidrs: z.array(z.string()).optional() }).optional(),
  })
  .describe("Commands paired nodes may run (exact names)");

/** `gateway.*`. */
export const GatewaySchema = z
  .strictObject({
    mode: oneOf(["local", "remote"])
      .optional()
      .describe("local runs the gateway here; remote points the CLI at another one"),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe("WS + HTTP port (built-in default 18789)"),
    bind: oneOf(GATEWAY_BIND_MODES)
      .optional()
      .describe("Listen address mode (built-in default loopback)"),
    customBindHost: z.ipv4().optional().describe("IPv4 address for bind=custom"),
    auth: AuthSchema.optional(),
    trustedProxies: z.array(z.string()).optional().describe(
      "Proxy IPs allowed to set forwarded headers",
    ),
    allowRealIpFallback: z.boolean().optional().describe("Use X-Real-IP when XFF is missing"),
    allowedHosts: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Host names (Host header) accepted from local clients besides localhost, 127.0.0.1 and " +
          '[::1], e.g. a reverse proxy\'s name; "name" (any port), "name:port", "*.domain" or ' +
          '"*". Requests from a loopback address with any other Host get 403 (DNS rebinding)',
      ),
    limits: z
      .strictObject({
        maxConnections: z.int().min(16).max(1_000_000).optional().describe(
          "Open connections (HTTP and WebSocket) at most; more are refused at once. " +
            "Default: 80% of the open-file limit, less a reserve for files and children",
        ),
        headerTimeoutMs: z.int().min(1000).max(300_000).optional().describe(
          "A request head must arrive within this many ms (default 10000)",
        ),
        bodyTimeoutMs: z.int().min(1000).max(3_600_000).optional().describe(
          "A request body read that makes no progress this long closes the connection (default 30000)",
        ),
      })
      .optional()
      .describe("Connection limits (restart-class)"),
    tailscale: TailscaleSchema.optional(),
    controlUi: ControlUiSchema.optional(),
    remote: RemoteSchema.optional(),
    reload: ReloadSchema.prefault({}),
    tls: TlsSchema.optional(),
    http: HttpSchema.prefault({}),
    tools: z
      .strictObject({
        allow: z.array(z.string()).optional().describe("Re-allow tools on POST /tools/invoke"),
        deny: z.array(z.string()).optional().describe("Extra tools denied on POST /tools/invoke"),
      })
      .optional(),
    nodes: NodesSchema.optional(),
    webchat: z.looseObject({ chatHistoryMaxChars: z.number().int().positive().optional() })
      .optional(),
    channelHealthCheckMinutes: z.number().int().min(0).optional().describe("Default 5; 0 = off"),
    channelStaleEventThresholdMinutes: z.number().int().min(1).optional().describe("Default 30"),
    channelMaxRestartsPerHour: z.number().int().min(1).optional().describe("Default 10"),
    push: z
      .strictObject({
        apns: z
          .strictObject({
            relay: z
              .strictObject({
                baseUrl: z.string().optional(),
                timeoutMs: z.number().int().positive().optional(),
              })
              .optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine(checkTailscaleExposure)
  .describe("The gateway server: listener, auth, reload, HTTP endpoints");
