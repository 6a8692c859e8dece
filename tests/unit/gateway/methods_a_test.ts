import assert from "node:assert/strict";
import { configMethods } from "../../../gateway/methods/config.ts";
import { healthMethods } from "../../../gateway/methods/health.ts";
import { logsMethods } from "../../../gateway/methods/logs.ts";
import { modelsMethods } from "../../../gateway/methods/models.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";
import { secretsMethods } from "../../../gateway/methods/secrets.ts";
import { systemMethods } from "../../../gateway/methods/system.ts";
import type { CallerInfo, MethodCall } from "../../../gateway/methods/types.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { ProtocolError } from "../../../lib/protocol/error_map.ts";

const registry = new MethodRegistry([
  ...healthMethods,
  ...systemMethods,
  ...configMethods,
  ...logsMethods,
  ...secretsMethods,
  ...modelsMethods,
]);

const ADMIN = ["operator.admin"];

const caller: CallerInfo = {
  connId: "c1",
  clientIp: "127.0.0.1",
  isLoopback: true,
  role: "operator",
  scopes: ADMIN,
};

/** Resolves and runs one call the way the connection layer does. */
async function call(
  name: string,
  params: unknown,
  state: Partial<GatewayState>,
): Promise<unknown> {
  const resolved = await registry.check(name, params, ADMIN);
  if (!resolved.ok) throw ProtocolError.of(resolved.error);
  const c: MethodCall<unknown> = {
    params: resolved.params,
    caller,
    state: state as GatewayState,
    signal: new AbortController().signal,
    respondEarly: () => {},
  };
  return await resolved.method.run(c);
}

async function paramsError(name: string, params: unknown): Promise<string | undefined> {
  const resolved = await registry.check(name, params, ADMIN);
  return resolved.ok ? undefined : resolved.error.message;
}

Deno.test("each method's scope is the one protocol.md names", () => {
  const expected: Record<string, string | null> = {
    "health": null,
    "status": "operator.read",
    "system-presence": "operator.read",
    "system-event": "operator.admin",
    "last-heartbeat": "operator.read",
    "config.get": "operator.read",
    "config.schema": "operator.read",
    "config.set": "operator.admin",
    "config.apply": "operator.admin",
    "config.patch": "operator.admin",
    "logs.tail": "operator.read",
    "secrets.reload": "operator.admin",
    "models.list": "operator.read",
  };
  for (const def of registry.definitions()) {
    assert.ok(Object.hasOwn(expected, def.name), def.name);
    assert.equal(def.scope, expected[def.name], def.name);
  }
});

Deno.test("system-event params are checked before the handler runs", async () => {
  assert.equal(
    await paramsError("system-event", {}),
    "invalid system-event params: text: required",
  );
  assert.equal(
    await paramsError("system-event", { text: "  " }),
    "invalid system-event params: text: must not be empty",
  );
  assert.equal(
    await paramsError("system-event", { text: "hi", wake: "yes" }),
    "invalid system-event params: wake: expected boolean, got string",
  );
  assert.equal(await paramsError("system-event", { text: "hi", extra: 1 }), undefined);
});

Deno.test("system-event refuses wake on a Node: presence line", async () => {
  const state = { systemEvents: [] } as unknown as GatewayState;
  await assert.rejects(
    () => call("system-event", { text: "Node: laptop", wake: true }, state),
    (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.deepEqual(err.shape, {
        code: "INVALID_REQUEST",
        message: "invalid system-event params: wake is not allowed for Node: presence lines",
      });
      return true;
    },
  );
  assert.deepEqual(state.systemEvents, []);
});

Deno.test("logs.tail checks its integer ranges and still takes null as absent", async () => {
  assert.equal(
    await paramsError("logs.tail", { limit: 0 }),
    "invalid logs.tail params: limit: must be >= 1",
  );
  assert.equal(
    await paramsError("logs.tail", { maxBytes: 1_000_001 }),
    "invalid logs.tail params: maxBytes: must be <= 1000000",
  );
  assert.equal(
    await paramsError("logs.tail", { cursor: 1.5 }),
    "invalid logs.tail params: cursor: expected integer, got number",
  );
  assert.equal(await paramsError("logs.tail", { cursor: null, limit: null }), undefined);
});

Deno.test("models.list and config writes type their params", async () => {
  assert.equal(
    await paramsError("models.list", { agentId: 5 }),
    "invalid models.list params: agentId: expected string, got integer",
  );
  assert.equal(await paramsError("models.list", { provider: null }), undefined);
  assert.equal(await paramsError("config.set", {}), "invalid config.set params: raw: required");
  assert.equal(
    await paramsError("config.apply", { raw: "{}", restartDelayMs: "soon" }),
    "invalid config.apply params: restartDelayMs: expected number, got string",
  );
  assert.equal(
    await paramsError("health", { probe: 1 }),
    "invalid health params: probe: expected boolean, got integer",
  );
});

Deno.test("config.apply over the write budget answers the seed's rate-limit shape", async () => {
  for (const [limit, label] of [[3, "3 per 60s"], [30, "30 per 60s"]] as const) {
    const state = {
      configPath: "/nowhere/openclaw.json",
      controlPlaneLimiter: {
        limit,
        windowMs: 60_000,
        take: () => ({ ok: false, retryAfterMs: 41_500 }),
      },
    } as unknown as GatewayState;
    await assert.rejects(
      () => call("config.apply", { raw: "{}", baseHash: "x" }, state),
      (err: unknown) => {
        assert.ok(err instanceof ProtocolError);
        assert.deepEqual(err.shape, {
          code: "UNAVAILABLE",
          message: "rate limit exceeded for config.apply; retry after 42s",
          retryable: true,
          retryAfterMs: 41_500,
          details: { method: "config.apply", limit: label },
        });
        return true;
      },
    );
  }
});

Deno.test("secrets.reload failure is UNAVAILABLE and logged", async () => {
  const warnings: string[] = [];
  const state = {
    reloadSecrets: () => Promise.reject(new Error("provider vault down")),
    log: () => ({ warn: (m: string) => warnings.push(m) }),
  } as unknown as GatewayState;
  await assert.rejects(
    () => call("secrets.reload", {}, state),
    (err: unknown) => {
      assert.ok(err instanceof ProtocolError);
      assert.deepEqual(err.shape, {
        code: "UNAVAILABLE",
        message: "secrets.reload failed: provider vault down",
      });
      return true;
    },
  );
  assert.deepEqual(warnings, [
    "secrets.reload failed; keeping the previous snapshot: provider vault down",
  ]);
});
