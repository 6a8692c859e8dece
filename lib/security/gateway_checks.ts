/**
 * Gateway exposure checks: bind vs auth, token strength, rate limiting, trusted-proxy mode,
 * Tailscale Funnel, Control UI origins, the HTTP APIs, plaintext secrets in the config, log
 * redaction and mDNS detail.
 *
 * @module
 */
import { isSecretRef } from "../config/secret_ref.ts";
import { cleanToken } from "../auth/resolve.ts";
import { isObj, type Obj, objAt, stringAt, stringsOf, valueAt } from "./_util.ts";
import type { AuditContext } from "./context.ts";
import type { SecurityFinding, Severity } from "./types.ts";

/** Tokens shorter than this are guessable enough to flag (stock's threshold). */
export const MIN_TOKEN_LENGTH = 24;

/** Tools `POST /tools/invoke` denies by default because they run code or act as the operator. */
const DANGEROUS_HTTP_TOOLS = new Set([
  "*",
  "exec",
  "bash",
  "shell",
  "process",
  "code_execution",
  "apply_patch",
  "write",
  "edit",
  "sessions_spawn",
  "sessions_send",
  "gateway",
  "cron",
  "nodes",
  "whatsapp_login",
  "group:runtime",
  "group:fs",
  "group:automation",
  "group:nodes",
  "group:openclaw",
]);

/** The gateway's auth as far as the audit can tell without resolving SecretRefs. */
export interface AuthView {
  mode: string;
  hasToken: boolean;
  /** The token's value when it is known (plain or `${VAR}` resolved); not for SecretRefs. */
  token?: string;
  hasPassword: boolean;
}

function secretPresent(value: unknown): { present: boolean; value?: string } {
  if (isSecretRef(value)) return { present: true };
  if (typeof value === "string" && !value.includes("${")) {
    const v = cleanToken(value);
    return v ? { present: true, value: v } : { present: false };
  }
  return { present: false };
}

/** Works out the auth mode and which secrets exist: config first, then the environment. */
export function authView(ctx: AuditContext): AuthView {
  const auth = objAt(ctx.config, "gateway", "auth");
  let token = secretPresent(auth.token);
  if (!token.present) token = secretPresent(ctx.env.OPENCLAW_GATEWAY_TOKEN);
  let password = secretPresent(auth.password);
  if (!password.present) password = secretPresent(ctx.env.OPENCLAW_GATEWAY_PASSWORD);
  const mode = typeof auth.mode === "string" ? auth.mode : password.present ? "password" : "token";
  return { mode, hasToken: token.present, token: token.value, hasPassword: password.present };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Returns true when the configured bind only listens on loopback (`auto` means loopback here). */
export function isLoopbackBind(config: Obj): boolean {
  const bind = stringAt(config, "gateway", "bind") ?? "loopback";
  if (bind === "loopback" || bind === "auto") return true;
  if (bind === "custom") {
    const host = stringAt(config, "gateway", "customBindHost") ?? "";
    return host.startsWith("127.");
  }
  return LOOPBACK_HOSTS.has(bind.toLowerCase()) || bind.startsWith("127.");
}

function f(
  checkId: string,
  severity: Severity,
  title: string,
  detail: string,
  remediation: string,
): SecurityFinding {
  return { checkId, severity, title, detail, remediation };
}

function exposureFindings(ctx: AuditContext, auth: AuthView, loopback: boolean): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const bind = stringAt(ctx.config, "gateway", "bind") ?? "loopback";
  const secured = (auth.mode === "token" && auth.hasToken) ||
    (auth.mode === "password" && auth.hasPassword) || auth.mode === "trusted-proxy";
  // Token mode without a token is not open: the gateway generates and saves one at start.
  const willGenerate = auth.mode === "token" && !auth.hasToken;
  if (!loopback && !secured && !willGenerate) {
    out.push(f(
      "gateway.bind_no_auth",
      "critical",
      "Gateway listens beyond loopback without auth",
      `gateway.bind is "${bind}" and gateway.auth.mode is "${auth.mode}"` +
        (auth.mode === "password" ? " with no password configured" : "") +
        ": anyone who can reach the port can operate the gateway",
      'Set gateway.auth.mode to "token" with a long gateway.auth.token, or bind to loopback ' +
        "(openclaw config set gateway.bind loopback)",
    ));
  }
  if (loopback && auth.mode === "none") {
    out.push(f(
      "gateway.loopback_no_auth",
      "critical",
      "Gateway auth is disabled",
      'gateway.auth.mode is "none": every local process, browser tab or reverse proxy on this ' +
        "machine can operate the gateway",
      "openclaw config set gateway.auth.mode token (a token is generated at the next start)",
    ));
  }
  if (auth.mode === "token" && auth.token !== undefined && auth.token.length < MIN_TOKEN_LENGTH) {
    out.push(f(
      "gateway.token_too_short",
      "warn",
      "Gateway token is short",
      `The gateway token has ${auth.token.length} characters; use at least ${MIN_TOKEN_LENGTH}`,
      "Replace it with a long random one, e.g. openclaw config set gateway.auth.token " +
        '"$(openssl rand -hex 32)"',
    ));
  }
  const rateLimit = valueAt(ctx.config, "gateway", "auth", "rateLimit");
  const rateLimitOff = rateLimit === false ||
    (isObj(rateLimit) && (rateLimit.maxAttempts === 0 || rateLimit.enabled === false));
  if (rateLimitOff && auth.mode !== "none") {
    out.push(f(
      "gateway.auth_no_rate_limit",
      "warn",
      "Failed-auth rate limiting is off",
      "gateway.auth.rateLimit is disabled: wrong tokens or passwords can be tried without limit",
      "Remove gateway.auth.rateLimit (defaults: 10 attempts per 60 s, 5 min lockout) or set " +
        "maxAttempts above 0",
    ));
  }
  return out;
}

function trustedProxyFindings(ctx: AuditContext, auth: AuthView): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const gw = objAt(ctx.config, "gateway");
  if (auth.mode === "trusted-proxy") {
    const tp = objAt(gw, "auth", "trustedProxy");
    out.push(f(
      "gateway.trusted_proxy_auth",
      "critical",
      "Gateway trusts a reverse proxy for identity",
      'gateway.auth.mode is "trusted-proxy": whoever can reach the gateway from a trusted proxy ' +
        "address and set the user header is the operator; the proxy is the only gate",
      "Make sure only the proxy can reach the gateway port (bind to loopback or firewall it), " +
        "and keep gateway.trustedProxies and gateway.auth.trustedProxy.allowUsers tight",
    ));
    if (stringsOf(gw.trustedProxies).length === 0) {
      out.push(f(
        "gateway.trusted_proxy_no_proxies",
        "critical",
        "Trusted-proxy mode has no trusted proxies",
        "gateway.trustedProxies is empty, so no request can be attributed to the proxy",
        'Set gateway.trustedProxies to the proxy\'s address, e.g. ["127.0.0.1"]',
      ));
    }
    if (!(typeof tp.userHeader === "string" && tp.userHeader.trim())) {
      out.push(f(
        "gateway.trusted_proxy_no_user_header",
        "critical",
        "Trusted-proxy mode has no user header",
        "gateway.auth.trustedProxy.userHeader is not set; the gateway refuses to start",
        'openclaw config set gateway.auth.trustedProxy.userHeader "x-forwarded-user"',
      ));
    }
    if (!auth.hasPassword) {
      out.push(f(
        "gateway.trusted_proxy_no_local_password",
        "info",
        "Local clients have no way in",
        "The CLI on this host does not come through the proxy; in trusted-proxy mode it " +
          "authenticates with gateway.auth.password, which is not set",
        "Set OPENCLAW_GATEWAY_PASSWORD in ~/.openclaw/.env (or gateway.auth.password as a " +
          "SecretRef); the CLI picks it up",
      ));
    }
    if (stringsOf(tp.allowUsers).length === 0) {
      out.push(f(
        "gateway.trusted_proxy_no_allowlist",
        "warn",
        "Trusted-proxy mode accepts any user",
        "gateway.auth.trustedProxy.allowUsers is empty: every user the proxy lets through is an operator",
        'Set gateway.auth.trustedProxy.allowUsers to the people allowed, e.g. ["me@example.com"]',
      ));
    }
  }
  if (gw.allowRealIpFallback === true) {
    out.push(f(
      "gateway.real_ip_fallback_enabled",
      "warn",
      "X-Real-IP fallback is on",
      "gateway.allowRealIpFallback is true: a client address can come from X-Real-IP when " +
        "X-Forwarded-For is missing, which is easy to spoof if the proxy does not overwrite it",
      "openclaw config set gateway.allowRealIpFallback false (unless your proxy always sets X-Real-IP)",
    ));
  }
  return out;
}

function tailscaleAndUiFindings(ctx: AuditContext, loopback: boolean): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const gw = objAt(ctx.config, "gateway");
  const ts = stringAt(gw, "tailscale", "mode");
  if (ts === "funnel") {
    out.push(f(
      "gateway.tailscale_funnel",
      "critical",
      "Gateway is published to the internet with Tailscale Funnel",
      'gateway.tailscale.mode is "funnel": anyone on the internet can reach the gateway',
      'Use tailscale.mode "serve" (tailnet only) unless public access is the point, and keep ' +
        "password auth strong",
    ));
  } else if (ts === "serve") {
    out.push(f(
      "gateway.tailscale_serve",
      "info",
      "Gateway is shared on the tailnet with Tailscale Serve",
      'gateway.tailscale.mode is "serve": devices on your tailnet can reach the gateway',
      "Review who is on the tailnet (tailscale status)",
    ));
  }
  const ui = objAt(gw, "controlUi");
  if (stringsOf(ui.allowedOrigins).includes("*")) {
    out.push(f(
      "gateway.control_ui.allowed_origins_wildcard",
      loopback ? "warn" : "critical",
      "Control UI accepts any browser origin",
      'gateway.controlUi.allowedOrigins contains "*": any web page the operator opens can try ' +
        "to talk to the gateway",
      'List the exact origins instead, e.g. ["https://gateway.example.com"]',
    ));
  }
  if (ui.allowInsecureAuth === true) {
    out.push(f(
      "gateway.control_ui.insecure_auth",
      "critical",
      "Control UI allows auth over plain HTTP",
      "gateway.controlUi.allowInsecureAuth is true: the dashboard may send credentials unencrypted",
      "openclaw config set gateway.controlUi.allowInsecureAuth false; use HTTPS or localhost",
    ));
  }
  if (ui.dangerouslyDisableDeviceAuth === true) {
    out.push(f(
      "gateway.control_ui.device_auth_disabled",
      "critical",
      "Control UI device auth is disabled",
      "gateway.controlUi.dangerouslyDisableDeviceAuth is true: browsers skip device pairing",
      "openclaw config unset gateway.controlUi.dangerouslyDisableDeviceAuth",
    ));
  }
  if (ui.dangerouslyAllowHostHeaderOriginFallback === true) {
    out.push(f(
      "gateway.control_ui.host_header_origin_fallback",
      "warn",
      "Control UI trusts the Host header as origin",
      "gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback is true, which weakens " +
        "DNS-rebinding protection",
      "openclaw config unset gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback",
    ));
  }
  return out;
}

function httpFindings(ctx: AuditContext, auth: AuthView, loopback: boolean): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const endpoints = objAt(ctx.config, "gateway", "http", "endpoints");
  const open: string[] = [];
  if (objAt(endpoints, "chatCompletions").enabled === true) open.push("POST /v1/chat/completions");
  if (objAt(endpoints, "responses").enabled === true) open.push("POST /v1/responses");
  if (open.length && auth.mode === "none") {
    out.push(f(
      "gateway.http.no_auth",
      loopback ? "warn" : "critical",
      "HTTP APIs are open without auth",
      `gateway.auth.mode is "none" and ${open.join(", ")} (plus POST /tools/invoke) run agent ` +
        "turns with full operator rights for any caller",
      "Turn auth on (openclaw config set gateway.auth.mode token) or disable the endpoints",
    ));
  }
  const allowed = stringsOf(valueAt(ctx.config, "gateway", "tools", "allow"));
  const dangerous = allowed.filter((t) => DANGEROUS_HTTP_TOOLS.has(t.trim().toLowerCase()));
  if (dangerous.length) {
    out.push(f(
      "gateway.tools_invoke_http.dangerous_allow",
      loopback ? "warn" : "critical",
      "POST /tools/invoke re-allows dangerous tools",
      `gateway.tools.allow re-enables ${dangerous.map((t) => `"${t}"`).join(", ")} over HTTP: ` +
        "one bearer token is enough to run commands or change files on this host",
      "Remove them from gateway.tools.allow and use the agent (with its approvals) instead",
    ));
  }
  return out;
}

function secretsAndLoggingFindings(ctx: AuditContext): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  const password = valueAt(ctx.written, "gateway", "auth", "password");
  if (typeof password === "string" && password.trim() && !password.includes("${")) {
    out.push(f(
      "config.secrets.gateway_password_in_config",
      "warn",
      "Gateway password is stored in the config in plaintext",
      "gateway.auth.password is a literal string in the config file",
      'Use "${OPENCLAW_GATEWAY_PASSWORD}" or a SecretRef instead (openclaw secrets configure)',
    ));
  }
  const hooksToken = valueAt(ctx.written, "hooks", "token");
  if (typeof hooksToken === "string" && hooksToken.trim() && !hooksToken.includes("${")) {
    out.push(f(
      "config.secrets.hooks_token_in_config",
      "info",
      "Hooks token is stored in the config in plaintext",
      "hooks.token is a literal string in the config file",
      'Use "${VAR}" substitution or a SecretRef instead',
    ));
  }
  if (stringAt(ctx.config, "logging", "redactSensitive") === "off") {
    out.push(f(
      "logging.redact_off",
      "warn",
      "Log redaction is off",
      'logging.redactSensitive is "off": tokens and keys in tool output reach the logs as-is',
      "openclaw config set logging.redactSensitive tools (or: openclaw security audit --fix)",
    ));
  }
  if (stringAt(ctx.config, "discovery", "mdns", "mode") === "full") {
    out.push(f(
      "discovery.mdns_full_mode",
      "warn",
      "mDNS advertises full details",
      'discovery.mdns.mode is "full": the LAN beacon includes the CLI path and SSH port',
      'openclaw config set discovery.mdns.mode minimal (or "off")',
    ));
  }
  return out;
}

/** Returns the gateway, HTTP, secrets, logging and discovery findings. */
export function collectGatewayFindings(ctx: AuditContext): SecurityFinding[] {
  const auth = authView(ctx);
  const loopback = isLoopbackBind(ctx.config);
  return [
    ...exposureFindings(ctx, auth, loopback),
    ...trustedProxyFindings(ctx, auth),
    ...tailscaleAndUiFindings(ctx, loopback),
    ...httpFindings(ctx, auth, loopback),
    ...secretsAndLoggingFindings(ctx),
  ];
}
