/**
 * An in-process gateway for the agent surfaces: the real hub, method table and HTTP app over a
 * stub state whose `agent()` is a {@link FakeAgentRuntime} (or any runtime the test passes).
 */
import type { GatewayEventName } from "../../../lib/protocol/events.ts";
import { createAuthRateLimiter } from "../../../gateway/auth.ts";
import { serveHttp } from "../../../gateway/net/mod.ts";
import { createHttpApp } from "../../../gateway/http/app.ts";
import { GATEWAY_METHODS } from "../../../gateway/methods/mod.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import type { AgentRuntime } from "../../../lib/agent/contract.ts";
import { ConnectionHub, serverLimits } from "../../../gateway/ws/hub.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { FakeAgentRuntime } from "../../fixtures/fake_agent_runtime.ts";
import { cliConnectParams, RawClient } from "../../fixtures/ws_client.ts";

/** A running in-process gateway. */
export interface Harness<R extends AgentRuntime = FakeAgentRuntime> extends AsyncDisposable {
  runtime: R;
  state: GatewayState;
  /** `http://127.0.0.1:<port>` */
  base: string;
  app: ReturnType<typeof createHttpApp>;
  /** A connected operator client (read + write + admin unless `scopes` says otherwise). */
  client(scopes?: string[]): Promise<RawClient>;
}

/** Starts the harness; `config` is the running config (defaults not applied). */
export function startHarness<R extends AgentRuntime = FakeAgentRuntime>(
  config: Record<string, unknown> = {},
  runtime: R = new FakeAgentRuntime() as unknown as R,
): Harness<R> {
  const clients: RawClient[] = [];
  const state = {
    startedAt: Date.now(),
    stateDir: "/nonexistent",
    config: config as OpenClawConfig,
    auth: { mode: "none", modeSource: "config", allowTailscale: false, source: {} },
    stateVersion: { presence: 1, health: 1 },
    log: () => ({ warn() {}, info() {}, debug() {} }),
    secrets: { get: () => undefined },
    agent: () => Promise.resolve(runtime),
    broadcast(event: GatewayEventName, payload: unknown, opts: { dropIfSlow?: boolean } = {}) {
      hub.broadcast(event, payload, { dropIfSlow: opts.dropIfSlow });
    },
  } as unknown as GatewayState;
  const hub: ConnectionHub = new ConnectionHub({
    state,
    methods: GATEWAY_METHODS,
    authLimiter: createAuthRateLimiter(),
    healthPayload: () => ({ ok: true }),
    helloSnapshot: () => ({
      presence: [],
      health: {},
      stateVersion: state.stateVersion,
      uptimeMs: 0,
    }),
    limits: serverLimits({}),
  });
  const app = createHttpApp({
    phase: () => "started",
    failingChecks: () => [],
    wsUrl: () => "ws://test",
    authorize: () => ({ ok: true, method: "none" }),
    agentIds: () => ["main"],
    agentHost: state,
  });
  const ac = new AbortController();
  const server = serveHttp({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    handler: (req, info) =>
      req.headers.get("upgrade")?.toLowerCase() === "websocket"
        ? hub.upgrade(req, { clientIp: "127.0.0.1", remoteAddr: "127.0.0.1", isLoopback: true })
        : app.fetch(req, { remoteAddr: info.remoteAddr }),
  });
  const port = server.addr.port;
  return {
    runtime,
    state,
    app,
    base: `http://127.0.0.1:${port}`,
    async client(scopes?: string[]) {
      const c = await RawClient.open(`ws://127.0.0.1:${port}`);
      clients.push(c);
      await c.challenge();
      const res = await c.request("connect", cliConnectParams(undefined, scopes ? { scopes } : {}));
      if (!res.ok) throw new Error(JSON.stringify(res));
      return c;
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.close();
      await hub.shutdown("test");
      ac.abort();
      await server.finished;
    },
  };
}

/** Parses an SSE body into frames (`event` may be undefined; `data` raw). */
export function parseSse(text: string): { event?: string; data: string }[] {
  return text.split("\n\n").filter((b) => b.trim()).map((block) => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    return { event, data: data.join("\n") };
  });
}
