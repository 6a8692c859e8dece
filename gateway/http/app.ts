/**
 * The gateway's HTTP surface (Hono): probes, security headers, the agent API and the dashboard
 * (ui.ts). Handlers and middleware throw; `app.onError` hands every failure to
 * `renderHttpError` (errors.ts), the one place errors become the §10.1 bodies. WebSocket upgrades
 * never reach this app; the server routes them to the hub first.
 *
 * Browser guards (ws/origin.ts) run before any route: a loopback client must name the gateway
 * by a loopback Host or one in `gateway.allowedHosts` (403 `host not allowed`, DNS rebinding),
 * or, through the managed Tailscale listener only, by the tailnet name that route serves;
 * the API routes refuse cross-site browser requests (403) and the JSON POST endpoints any body
 * that is not `Content-Type: application/json` (415), so a cross-site form or `text/plain`
 * fetch cannot reach them.
 *
 * @module
 */
// hono/tiny: Hono with its PatternRouter alone. The default (RegExpRouter behind a SmartRouter,
// TrieRouter as the fallback) compiles every route into one matcher on the first request, which
// costs more code and start-time JavaScript than matching a few dozen routes one by one saves.
import { Hono } from "hono/tiny";
import type { Context, MiddlewareHandler } from "hono";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { elapsedMs, getLogger, LevelGate } from "../../lib/log/mod.ts";
import type { AgentHost } from "../agent_runtime.ts";
import type { HttpAuthResult } from "../auth.ts";
import { hostAllowed, isCrossSiteRequest, isJsonContentType } from "../ws/origin.ts";
import { HttpError, methodNotAllowed, renderHttpError } from "./errors.ts";
import { mountControlUi } from "./ui.ts";
import { mountChannelWebhooks } from "./channel_webhooks.ts";

/** Lifecycle phase the probes report. */
export type GatewayPhase = "starting" | "started" | "draining";

/** What the HTTP app needs to know about the running gateway. */
export interface HttpAppState {
  phase(): GatewayPhase;
  /** Names of readiness checks that currently fail (empty = ready). */
  failingChecks(): string[];
  /** The gateway's WebSocket URL. */
  wsUrl(): string;
  /** Checks the bearer (or trusted-proxy) credentials of an API request. */
  authorize(req: Request, remoteAddr: string | undefined): HttpAuthResult;
  /** Configured agent ids (for `/v1/models`). */
  agentIds(): string[];
  /** Runs agent turns and tools; without it the agent API routes are not mounted. */
  agentHost?: AgentHost;
  /**
   * The running config, for the browser guards (`gateway.allowedHosts`,
   * `gateway.controlUi.allowedOrigins`).
   * @default the agent host's config
   */
  config?(): Pick<OpenClawConfig, "gateway"> | undefined;
  /**
   * Hears about failures nobody planned for (the client gets a bare 500). Gets the error and the
   * request's method and path (never its query or headers).
   * @default a warning on the `gateway/http` logger
   */
  onUnexpectedError?: (err: unknown, request: { method: string; path: string }) => void;
}

/** Per-request bindings the server passes to `app.fetch`. */
export interface HttpBindings {
  remoteAddr?: Deno.NetAddr;
  /**
   * Set by the server (ws/route.ts) only for a request that came through the managed Tailscale
   * listener, known by its peer address, and whose Host names the tailnet host that listener
   * serves: that Host is then allowed too.
   */
  tailnetHost?: true;
}

/** The 404 of unknown routes and switched-off endpoints. */
const notFound = () => new HttpError(404, { message: "Not Found", type: "not_found" });

/** 415 unless the body is declared `application/json` (a cross-site form cannot send that). */
const requireJsonBody: MiddlewareHandler = async function requireJsonBody(c, next) {
  if (!isJsonContentType(c.req.header("content-type") ?? null)) {
    throw new HttpError(415, {
      message: "Content-Type must be application/json",
      type: "invalid_request_error",
    });
  }
  await next();
};

/**
 * Logs every request at `debug` on `gateway/http`: method, path (never the query, which may carry
 * a token), status and duration. At `info` a request pays one cached level check.
 */
function requestLog(): MiddlewareHandler {
  const gate = new LevelGate(getLogger("gateway/http"));
  return async function requestLog(c, next) {
    if (!gate.debug) return await next();
    const startedAt = performance.now();
    // Errors were already rendered by onError inside next(), so c.res is what the client gets.
    await next();
    gate.log.debug("{method} {path} {status} in {durationMs} ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: elapsedMs(startedAt),
    });
  };
}

function logUnexpected(err: unknown, request: { method: string; path: string }): void {
  getLogger("gateway/http").warn("{method} {path} failed: {error}", {
    ...request,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
}

type Endpoint = "chatCompletions" | "responses";

/**
 * Mounts `/v1/chat/completions`, `/v1/responses` (404 unless enabled in config, checked per
 * request so a hot reload turns them on or off) and `/tools/invoke`. Handlers load on first use.
 */
function mountAgentApi(
  app: Hono<{ Bindings: HttpBindings }>,
  requireAuth: MiddlewareHandler<{ Bindings: HttpBindings }>,
  host: AgentHost,
): void {
  const enabled = (endpoint: Endpoint): MiddlewareHandler =>
    async function endpointEnabled(_c, next) {
      if (host.config.gateway?.http?.endpoints?.[endpoint]?.enabled !== true) throw notFound();
      await next();
    };
  const notAllowed = () => {
    throw methodNotAllowed("POST");
  };
  let responseSessions: import("./responses.ts").ResponseSessions | undefined;

  app.post(
    "/v1/chat/completions",
    enabled("chatCompletions"),
    requireJsonBody,
    requireAuth,
    async (c) => {
      const { handleChatCompletions } = await import("./openai.ts");
      return await handleChatCompletions(c, host);
    },
  );
  app.all("/v1/chat/completions", enabled("chatCompletions"), notAllowed);
  app.post("/v1/responses", enabled("responses"), requireJsonBody, requireAuth, async (c) => {
    const { handleResponses, ResponseSessions } = await import("./responses.ts");
    responseSessions ??= new ResponseSessions();
    return await handleResponses(c, host, responseSessions);
  });
  app.all("/v1/responses", enabled("responses"), notAllowed);
  app.post("/tools/invoke", requireJsonBody, requireAuth, async (c) => {
    const { handleToolsInvoke } = await import("./tools_invoke.ts");
    return await handleToolsInvoke(c, host);
  });
  app.all("/tools/invoke", notAllowed);
}

/** Builds the Hono app for the gateway's HTTP routes. */
export function createHttpApp(state: HttpAppState): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use("*", requestLog());
  app.use("*", async function securityHeaders(c, next) {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });
  // Hono passes only Error instances to onError; anything else thrown would bypass it.
  app.use("*", async function wrapNonErrors(_c, next) {
    try {
      await next();
    } catch (err) {
      if (err instanceof Error) throw err;
      throw new Error(`non-Error thrown: ${String(err)}`, { cause: err });
    }
  });

  const config = () => state.config ? state.config() : state.agentHost?.config;
  app.use("*", async function hostGuard(c, next) {
    // The tailnet name is allowed only through the Tailscale route (c.env.tailnetHost), never on
    // the gateway's own port, where it would be a rebinding page's Host like any other.
    if (
      c.env?.tailnetHost !== true &&
      !hostAllowed(c.req.header("host") ?? null, c.env?.remoteAddr?.hostname, config())
    ) {
      throw new HttpError(403, { message: "host not allowed", type: "forbidden" });
    }
    await next();
  });
  const crossSiteGuard: MiddlewareHandler = async function crossSiteGuard(c, next) {
    if (isCrossSiteRequest(c.req.raw.headers, c.req.url, config())) {
      throw new HttpError(403, { message: "cross-site request refused", type: "forbidden" });
    }
    await next();
  };
  for (const path of ["/v1/*", "/tools/invoke"]) app.use(path, crossSiteGuard);

  const live = (c: Context) => c.json({ ok: true, status: "live" });
  app.on(["GET", "HEAD"], ["/health", "/healthz"], live);

  const startup = (c: Context) => {
    const phase = state.phase();
    if (phase === "started") return c.json({ ok: true, status: "started" });
    return c.json({ ok: false, status: phase }, 503);
  };
  app.on(["GET", "HEAD"], ["/startup", "/startupz"], startup);

  const ready = (c: Context) => {
    const phase = state.phase();
    const failing = phase === "started" ? state.failingChecks() : [phase];
    if (failing.length === 0) return c.json({ ok: true, status: "ready" });
    return c.json({ ok: false, status: "not-ready", failing }, 503);
  };
  app.on(["GET", "HEAD"], ["/ready", "/readyz"], ready);

  const requireAuth: MiddlewareHandler<{ Bindings: HttpBindings }> = async function requireAuth(
    c,
    next,
  ) {
    const verdict = state.authorize(c.req.raw, c.env?.remoteAddr?.hostname);
    // The handler must not run for an unauthenticated caller, so throw before next().
    if (!verdict.ok) {
      throw new HttpError(verdict.status, {
        message: verdict.body.error.message,
        type: verdict.body.error.type,
        body: verdict.body,
        headers: verdict.headers,
      });
    }
    await next();
  };

  const modelEntry = (id: string) => ({
    id,
    object: "model",
    created: 0,
    owned_by: "openclaw",
    permission: [],
  });
  const modelIds =
    () => ["openclaw", "openclaw/default", ...state.agentIds().map((a) => `openclaw/${a}`)];
  app.get(
    "/v1/models",
    requireAuth,
    (c) => c.json({ object: "list", data: modelIds().map(modelEntry) }),
  );
  app.get("/v1/models/:id{.+}", requireAuth, (c) => {
    const id = decodeURIComponent(c.req.param("id"));
    if (!modelIds().includes(id)) {
      throw new HttpError(404, {
        message: `The model '${id}' does not exist`,
        type: "invalid_request_error",
      });
    }
    return c.json(modelEntry(id));
  });

  if (state.agentHost) mountAgentApi(app, requireAuth, state.agentHost);
  mountChannelWebhooks(app, state.agentHost);

  // Last, so it only sees what no route above answered.
  mountControlUi(app, { config });

  app.notFound(() => notFound().getResponse());
  const onUnexpected = state.onUnexpectedError ?? logUnexpected;
  app.onError(function renderError(err, c) {
    // Handlers throw; only here do errors become responses, and never with a stack.
    return renderHttpError(err, (e) => onUnexpected(e, { method: c.req.method, path: c.req.path }));
  });
  return app;
}
