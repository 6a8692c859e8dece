/**
 * The agent RPC surfaces (agent, agent.wait, chat.*, sessions.*, tools.invoke) over a real
 * WebSocket against the in-process hub, with the fake runtime; plus the dispatcher and the
 * idempotency cache on their own.
 */
import assert from "node:assert/strict";
import { dispatchTurn, LazyAgentRuntime } from "../../../gateway/agent_runtime.ts";
import { IdempotencyCache } from "../../../gateway/idempotency.ts";
import { FakeAgentRuntime } from "../../fixtures/fake_agent_runtime.ts";
import type { AnyFrame, RawClient } from "../../fixtures/ws_client.ts";
import { startHarness } from "./_agent_harness.ts";

let nextId = 0;
/** Sends a request and returns its id (for methods that answer more than once). */
function send(c: RawClient, method: string, params: unknown): string {
  const id = `t${++nextId}`;
  c.send({ type: "req", id, method, params });
  return id;
}
const resOf = (id: string) => (f: AnyFrame) => f.type === "res" && f.id === id;
const eventOf = (name: string, runId: string) => (f: AnyFrame) =>
  f.type === "event" && f.event === name && f.payload?.runId === runId;

Deno.test("agent answers accepted then the final result on the same request id", async () => {
  await using h = startHarness();
  const c = await h.client();
  const id = send(c, "agent", { message: "hi", idempotencyKey: "run-1" });
  const first = await c.next(resOf(id));
  assert.equal(first.ok, true);
  assert.equal(first.payload.status, "accepted");
  assert.equal(first.payload.runId, "run-1");
  assert.equal(first.payload.sessionKey, "agent:main:main");
  assert.equal(first.payload.agentId, "main");
  assert.equal(typeof first.payload.acceptedAt, "number");
  const final = await c.next(resOf(id));
  assert.equal(final.ok, true);
  assert.equal(final.payload.status, "ok");
  assert.equal(final.payload.summary, "completed");
  assert.equal(final.payload.runId, "run-1");
  assert.deepEqual(final.payload.result.payloads, [{ text: "echo: hi", mediaUrl: null }]);
  assert.equal(final.payload.result.meta.agentMeta.model, "m1");
  assert.equal(final.payload.result.meta.agentMeta.provider, "fake");
  assert.equal(h.runtime.requests[0].channel, "cli");
});

Deno.test("agent replays of one idempotencyKey run the turn once", async () => {
  await using h = startHarness();
  h.runtime.reply({ text: "slow answer", delayMs: 150 });
  const c = await h.client();
  const a = send(c, "agent", { message: "hi", idempotencyKey: "k1" });
  const b = send(c, "agent", { message: "hi", idempotencyKey: "k1" });
  for (const id of [a, b]) {
    assert.equal((await c.next(resOf(id))).payload.status, "accepted");
  }
  const finals = [await c.next(resOf(a)), await c.next(resOf(b))];
  assert.deepEqual(finals.map((f) => f.payload.result.payloads[0].text), [
    "slow answer",
    "slow answer",
  ]);
  // After the end: the cached outcome at once, without an accepted phase.
  const again = await c.request("agent", { message: "hi", idempotencyKey: "k1" });
  assert.equal(again.payload.status, "ok");
  assert.equal(h.runtime.requests.length, 1);
});

Deno.test("agent refuses bad params with invalid agent params messages", async () => {
  await using h = startHarness();
  const c = await h.client();
  const cases: [unknown, RegExp][] = [
    [{ message: "hi" }, /^invalid agent params: idempotencyKey: required$/],
    [{ idempotencyKey: "x" }, /^invalid agent params: message/],
    [{ message: "hi", idempotencyKey: "x", agentId: "ghost" }, /unknown agent "ghost"/],
    [
      { message: "hi", idempotencyKey: "x", thinking: "max" },
      /thinking: "max" is not one of "off", "minimal", "low", "medium", "high", "xhigh"/,
    ],
    [{ message: "hi", idempotencyKey: "x", timeout: -1 }, /timeout: must be >= 0/],
  ];
  for (const [params, re] of cases) {
    const res = await c.request("agent", params);
    assert.equal(res.ok, false);
    assert.equal(res.error.code, "INVALID_REQUEST");
    assert.match(res.error.message, re);
  }
  assert.equal(h.runtime.requests.length, 0);
});

Deno.test("agent reports a failed turn as status error and agent.wait sees it", async () => {
  await using h = startHarness();
  h.runtime.reply({ stopReason: "error", error: "provider exploded" });
  const c = await h.client();
  const id = send(c, "agent", { message: "hi", idempotencyKey: "bad" });
  await c.next(resOf(id));
  const final = await c.next(resOf(id));
  assert.equal(final.payload.status, "error");
  assert.equal(final.payload.summary, "provider exploded");
  const wait = await c.request("agent.wait", { runId: "bad", timeoutMs: 1000 });
  assert.equal(wait.payload.status, "error");
  assert.equal(wait.payload.error, "provider exploded");
  const unknown = await c.request("agent.wait", { runId: "nope", timeoutMs: 10 });
  assert.deepEqual(unknown.payload, { runId: "nope", status: "timeout" });
});

Deno.test("chat.send acks started and streams chat and agent events with per-run seq", async () => {
  await using h = startHarness();
  h.runtime.reply({ text: "hello there", deltas: ["hel", "lo ", "there"] });
  const c = await h.client();
  const ack = await c.request("chat.send", {
    sessionKey: "agent:main:main",
    message: "hi",
    idempotencyKey: "chat-1",
  });
  assert.deepEqual(ack.payload, { runId: "chat-1", status: "started" });
  const final = await c.next(eventOf("chat", "chat-1") as never);
  const chats = [final];
  while (chats.at(-1)!.payload.state === "delta") {
    chats.push(await c.next(eventOf("chat", "chat-1")));
  }
  const last = chats.at(-1)!.payload;
  assert.equal(last.state, "final");
  assert.equal(last.sessionKey, "agent:main:main");
  assert.deepEqual(last.message.content, [{ type: "text", text: "hello there" }]);
  assert.deepEqual(chats.map((e) => e.payload.seq), chats.map((_, i) => i + 1));
  const agentEvents: AnyFrame[] = [];
  for (;;) {
    const e = await c.next(eventOf("agent", "chat-1"));
    agentEvents.push(e);
    if (e.payload.stream === "lifecycle" && e.payload.data.phase === "end") break;
  }
  assert.equal(agentEvents[0].payload.stream, "lifecycle");
  assert.equal(agentEvents[0].payload.data.phase, "start");
  assert.deepEqual(agentEvents.map((e) => e.payload.seq), agentEvents.map((_, i) => i + 1));
  const assistant = agentEvents.filter((e) => e.payload.stream === "assistant");
  assert.deepEqual(assistant.map((e) => e.payload.data.delta), ["hel", "lo ", "there"]);
  assert.equal(assistant.at(-1)!.payload.data.text, "hello there");
  assert.ok(agentEvents.some((e) => e.payload.stream === "usage"));
  const changed = await c.next((f) => f.event === "sessions.changed");
  assert.equal(changed.payload.sessionKey, "agent:main:main");
  const replay = await c.request("chat.send", {
    sessionKey: "agent:main:main",
    message: "hi",
    idempotencyKey: "chat-1",
  });
  assert.deepEqual(replay.payload, { runId: "chat-1", status: "ok" });
  assert.equal(h.runtime.requests.length, 1);
});

Deno.test("chat.send replays in_flight, chat.abort ends the run as aborted", async () => {
  await using h = startHarness();
  h.runtime.reply({ delayMs: 5000 });
  const c = await h.client();
  const p = { sessionKey: "agent:main:main", message: "hi", idempotencyKey: "long" };
  assert.equal((await c.request("chat.send", p)).payload.status, "started");
  await c.next((f) => f.event === "agent" && f.payload.data?.phase === "start");
  assert.deepEqual((await c.request("chat.send", p)).payload, {
    runId: "long",
    status: "in_flight",
  });
  const abort = await c.request("chat.abort", { sessionKey: "agent:main:main" });
  assert.deepEqual(abort.payload, { ok: true, aborted: true, runIds: ["long"] });
  const ended = await c.next((f) => f.event === "chat" && f.payload.state !== "delta");
  assert.equal(ended.payload.state, "aborted");
});

Deno.test("chat.history, sessions.list, preview, reset and delete work over one session", async () => {
  await using h = startHarness();
  const c = await h.client();
  const id = send(c, "agent", {
    message: "remember me",
    idempotencyKey: "h1",
    sessionKey: "agent:main:side",
  });
  await c.next(resOf(id));
  await c.next(resOf(id));
  const hist = await c.request("chat.history", { sessionKey: "agent:main:side" });
  assert.equal(hist.ok, true, JSON.stringify(hist));
  assert.deepEqual(hist.payload.messages.map((m: AnyFrame) => [m.role, m.content[0].text]), [
    ["user", "remember me"],
    ["assistant", "echo: remember me"],
  ]);
  assert.equal(typeof hist.payload.sessionId, "string");
  const list = await c.request("sessions.list", {});
  assert.deepEqual(list.payload.sessions.map((s: AnyFrame) => s.key), ["agent:main:side"]);
  assert.equal(list.payload.sessions[0].messageCount, 2);
  assert.equal(list.payload.hasMore, false);
  const preview = await c.request("sessions.preview", {
    keys: ["agent:main:side", "agent:main:x"],
  });
  assert.deepEqual(preview.payload.previews.map((p: AnyFrame) => p.status), ["ok", "missing"]);
  const bad = await c.request("sessions.preview", { keys: [] });
  assert.match(bad.error.message, /^invalid sessions.preview params: keys/);
  const reset = await c.request("sessions.reset", { key: "agent:main:side" });
  assert.equal(reset.payload.ok, true);
  assert.notEqual(reset.payload.entry.sessionId, hist.payload.sessionId);
  const changed = await c.next((f) =>
    f.event === "sessions.changed" && f.payload.reason === "reset"
  );
  assert.equal(changed.payload.sessionKey, "agent:main:side");
  const main = await c.request("sessions.delete", { key: "agent:main:main" });
  assert.match(main.error.message, /cannot delete the main session/);
  const del = await c.request("sessions.delete", { key: "agent:main:side" });
  assert.deepEqual(del.payload, { ok: true, key: "agent:main:side", deleted: true, archived: [] });
});

Deno.test("sessions.delete refuses the main session under any spelling of its key", async () => {
  await using h = startHarness({ session: { mainKey: "Home" } });
  const c = await h.client();
  for (const key of ["agent:main:home", "home", "HOME", "main", "AGENT:Main:home"]) {
    const res = await c.request("sessions.delete", { key });
    assert.equal(res.ok, false, key);
    assert.equal(
      res.error.message,
      `invalid sessions.delete params: cannot delete the main session "${key}"; use sessions.reset`,
    );
  }
  const bad = await c.request("sessions.delete", { key: "agent::" });
  assert.equal(bad.error.code, "INVALID_REQUEST");
  assert.equal(bad.error.details.code, "SESSION_KEY_INVALID");
});

Deno.test("sessions.delete with archivedOnly needs only operator.write and keeps the live session", async () => {
  await using h = startHarness();
  const admin = await h.client();
  const id = send(admin, "agent", {
    message: "x",
    idempotencyKey: "a1",
    sessionKey: "agent:main:s",
  });
  await admin.next(resOf(id));
  await admin.next(resOf(id));
  const writer = await h.client(["operator.write"]);
  const full = await writer.request("sessions.delete", { key: "agent:main:s" });
  assert.equal(full.error.code, "FORBIDDEN");
  assert.match(full.error.message, /^missing scope: operator\.admin$/);
  const archived = await writer.request("sessions.delete", {
    key: "agent:main:s",
    archivedOnly: true,
  });
  assert.deepEqual(archived.payload, {
    ok: true,
    key: "agent:main:s",
    deleted: false,
    archived: [],
  });
  assert.ok(h.runtime.sessions.has("agent:main:s"), "the live session is still there");
});

Deno.test("agent takes thinking levels in any case", async () => {
  await using h = startHarness();
  const c = await h.client();
  const id = send(c, "agent", { message: "hi", idempotencyKey: "t1", thinking: "HIGH" });
  await c.next(resOf(id));
  await c.next(resOf(id));
  assert.equal(h.runtime.requests[0].thinking, "high");
});

Deno.test("tools.invoke answers ok or an ok:false payload, never an RPC error for refusals", async () => {
  await using h = startHarness();
  h.runtime.tools.set("sessions_list", () => ({ sessions: [] }));
  const c = await h.client();
  const ok = await c.request("tools.invoke", { name: "sessions_list", args: {} });
  assert.deepEqual(ok.payload, { ok: true, toolName: "sessions_list", output: { sessions: [] } });
  const missing = await c.request("tools.invoke", { name: "nope" });
  assert.equal(missing.ok, true);
  assert.equal(missing.payload.ok, false);
  assert.equal(missing.payload.error.type, "not_found");
  const bad = await c.request("tools.invoke", { name: "x", args: [1] });
  assert.match(
    bad.error.message,
    /^invalid tools.invoke params: args: expected object, got array$/,
  );
});

Deno.test("hello-ok advertises the agent methods and events", async () => {
  await using h = startHarness();
  const c = await (await import("../../fixtures/ws_client.ts")).RawClient.open(
    h.base.replace("http", "ws"),
  );
  await c.challenge();
  const hello =
    (await c.request("connect", (await import("../../fixtures/ws_client.ts")).cliConnectParams()))
      .payload;
  for (
    const m of [
      "agent",
      "agent.wait",
      "chat.send",
      "chat.history",
      "chat.abort",
      "sessions.list",
      "models.list",
      "tools.invoke",
    ]
  ) {
    assert.ok(hello.features.methods.includes(m), m);
  }
  for (const e of ["agent", "chat", "sessions.changed"]) {
    assert.ok(hello.features.events.includes(e), e);
  }
  c.close();
});

Deno.test("dispatchTurn() reports a runtime that throws as a failed turn with terminal events", async () => {
  const runtime = new FakeAgentRuntime().reply({ throws: "kaboom" });
  const events: [string, AnyFrame][] = [];
  const host = {
    config: {},
    agent: () => Promise.resolve(runtime),
    broadcast: (e: string, p: unknown) => void events.push([e, p as AnyFrame]),
  } as never;
  const result = await dispatchTurn(host, runtime, {
    runId: "r1",
    agentId: "main",
    sessionKey: "agent:main:main",
    message: "hi",
  });
  assert.equal(result.stopReason, "error");
  assert.equal(result.error, "kaboom");
  const agent = events.filter(([e]) => e === "agent").map(([, p]) => p);
  assert.deepEqual(agent.map((p) => [p.stream, p.data.phase]), [["lifecycle", "error"]]);
  const chat = events.filter(([e]) => e === "chat").map(([, p]) => p);
  assert.equal(chat.length, 1);
  assert.equal(chat[0].state, "error");
  assert.equal(chat[0].errorMessage, "kaboom");
});

Deno.test("dispatchTurn() adds the lifecycle events a silent runtime leaves out", async () => {
  const runtime = new FakeAgentRuntime().reply({ silent: true, text: "ok" });
  const events: AnyFrame[] = [];
  const host = {
    config: {},
    agent: () => Promise.resolve(runtime),
    broadcast: (e: string, p: AnyFrame) => e === "agent" && events.push(p),
  } as never;
  await dispatchTurn(host, runtime, { runId: "r", agentId: "main", message: "x" }, {
    chatDeltaIntervalMs: 0,
  });
  const phases = events.filter((p) => p.stream === "lifecycle").map((p) => p.data.phase);
  assert.deepEqual(phases, ["end"]);
});

Deno.test("IdempotencyCache forgets an outcome after the TTL but never an in-flight run", async () => {
  let now = 0;
  const cache = new IdempotencyCache<string>({ ttlMs: 1000, now: () => now });
  const pending = Promise.withResolvers<string>();
  cache.start("a", "run-a", pending.promise);
  now = 5000;
  assert.equal(cache.get("a")?.runId, "run-a", "in flight: kept");
  pending.resolve("done");
  await pending.promise;
  await Promise.resolve();
  assert.equal(cache.get("a")?.outcome, "done");
  now = 6001;
  assert.equal(cache.get("a"), undefined);
  assert.throws(() => new IdempotencyCache({ ttlMs: 0 }), RangeError);
});

Deno.test("models.list lists the catalog with the agent's default model", async () => {
  await using h = startHarness({
    models: {
      mode: "replace",
      providers: {
        fake: {
          baseUrl: "http://127.0.0.1:9/v1",
          api: "openai-completions",
          apiKey: "x",
          models: [{ id: "m1" }],
        },
      },
    },
    agents: { defaults: { model: "fake/m1" } },
  });
  const c = await h.client();
  const res = await c.request("models.list", {});
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.equal(res.payload.defaultModel, "fake/m1");
  const m1 = res.payload.models.find((m: AnyFrame) => m.key === "fake/m1");
  assert.equal(m1.id, "m1");
  assert.equal(m1.provider, "fake");
  assert.equal(m1.available, true);
  assert.ok(m1.tags.includes("default"));
});

Deno.test("LazyAgentRuntime creates once, retries after a failure and refuses after close", async () => {
  const warnings: string[] = [];
  let calls = 0;
  const runtime = new FakeAgentRuntime();
  const configs: unknown[] = [];
  const lazy = new LazyAgentRuntime(() => {
    calls++;
    if (calls === 1) return Promise.reject(new Error("not built yet"));
    return Promise.resolve(
      Object.assign(runtime, { updateConfig: (c: unknown) => configs.push(c) }),
    );
  }, (m) => warnings.push(m));
  lazy.updateConfig({} as never); // nothing to update yet
  await assert.rejects(lazy.get(), /agent runtime unavailable: not built yet/);
  assert.equal(await lazy.get(), runtime);
  assert.equal(await lazy.get(), runtime);
  assert.equal(calls, 2);
  lazy.updateConfig({ x: 1 } as never);
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(configs, [{ x: 1 }]);
  await lazy.close(1000);
  assert.equal(runtime.closed, true);
  await assert.rejects(lazy.get(), /gateway is stopping/);
  assert.deepEqual(warnings, ["agent runtime unavailable: not built yet"]);
});
