/**
 * The agent runtime against local fake providers that speak the real wire formats: streaming
 * turns on each API, a tool round trip, fallback, queueing, abort, timeout, thinking options,
 * and a process killed mid-stream whose session the next turn continues.
 */
import assert from "node:assert/strict";
import { createAgentRuntime } from "../../lib/agent/mod.ts";
import type { AgentRuntimeHandle, AgentStreamEvent } from "../../lib/agent/mod.ts";
import { readTranscript } from "../../lib/agent/sessions/transcript.ts";
import { OpenClawConfigSchema } from "../../lib/config/schema.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import {
  type FakeProvider,
  type FakeProviderKind,
  startFakeProvider,
} from "../fixtures/fake_providers/mod.ts";
import { writeFile } from "../helpers.ts";

// The AI SDK logs compatibility notes (e.g. unknown model limits) to the console.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const KINDS: FakeProviderKind[] = ["openai-completions", "openai-responses", "anthropic-messages"];
const ROOT = new URL("../../", import.meta.url).pathname;

interface ProviderSpec {
  baseUrl: string;
  api: string;
  reasoning?: boolean;
}

function makeConfig(
  providers: Record<string, ProviderSpec>,
  model: string | { primary: string; fallbacks?: string[] },
  workspace: string,
  extra: Record<string, unknown> = {},
  defaults: Record<string, unknown> = {},
): OpenClawConfig {
  const entries = Object.fromEntries(
    Object.entries(providers).map(([id, p]) => [id, {
      baseUrl: p.baseUrl,
      api: p.api,
      apiKey: "test-key",
      models: [{
        id: "fake-model",
        name: "Fake",
        cost: { input: 1, output: 2 },
        ...(p.reasoning ? { reasoning: true, maxTokens: 40_000 } : {}),
      }],
    }]),
  );
  return OpenClawConfigSchema.parse({
    models: { mode: "replace", providers: entries },
    agents: { defaults: { model, workspace, ...defaults } },
    ...extra,
  });
}

/** A temp state dir, a runtime over it, and cleanup. */
async function harness(
  providers: Record<string, FakeProvider>,
  model: string | { primary: string; fallbacks?: string[] },
  options: { maxSteps?: number; extra?: Record<string, unknown>; reasoning?: boolean } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-agent-" });
  const workspace = `${dir}/workspace`;
  const specs = Object.fromEntries(
    Object.entries(providers).map((
      [id, f],
    ) => [id, { baseUrl: f.baseUrl, api: f.kind, reasoning: options.reasoning }]),
  );
  const config = makeConfig(specs, model, workspace, options.extra);
  const runtime = createAgentRuntime({
    config,
    stateDir: dir,
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
  });
  return {
    dir,
    workspace,
    config,
    runtime,
    transcriptPath: (sessionId: string) => `${dir}/agents/main/sessions/${sessionId}.jsonl`,
    storePath: `${dir}/agents/main/sessions/sessions.json`,
    async [Symbol.asyncDispose]() {
      await runtime.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function collect(events: AgentStreamEvent[]) {
  return (e: AgentStreamEvent) => events.push(e);
}

for (const kind of KINDS) {
  Deno.test(`runTurn() streams a ${kind} answer and records the turn`, async () => {
    await using fake = await startFakeProvider({ kind });
    await using h = await harness({ fake }, "fake/fake-model");
    fake.enqueue({ text: "Hello from the fake provider.", usage: { input: 20, output: 5 } });
    const events: AgentStreamEvent[] = [];
    const result = await h.runtime.runTurn({
      message: "Say hello",
      channel: "cli",
      onEvent: collect(events),
    });
    assert.equal(result.stopReason, "stop");
    assert.equal(result.text, "Hello from the fake provider.");
    assert.equal(result.model, "fake/fake-model");
    assert.equal(result.sessionKey, "agent:main:main");
    assert.equal(result.usage.inputTokens, 20);
    assert.equal(result.usage.outputTokens, 5);
    assert.ok(result.usage.costUsd > 0, "cost comes from the catalog prices");
    const deltas = events.filter((e) => e.type === "assistant_delta");
    assert.ok(deltas.length > 1, "text arrives in pieces");
    assert.equal(
      deltas.map((d) => d.type === "assistant_delta" ? d.text : "").join(""),
      result.text,
    );
    assert.deepEqual(
      events.filter((e) => e.type === "lifecycle").map((e) => e.type === "lifecycle" && e.phase),
      ["start", "end"],
    );
    assert.equal(fake.requests[0].body.stream, true);

    const lines = (await Deno.readTextFile(h.transcriptPath(result.sessionId))).trim().split("\n");
    const header = JSON.parse(lines[0]);
    assert.equal(header.type, "session");
    assert.equal(header.version, 3);
    assert.equal(header.id, result.sessionId);
    const { entries } = await readTranscript(h.transcriptPath(result.sessionId));
    const messages = entries.filter((e) => e.type === "message");
    assert.equal(messages.length, 2);
    const [user, assistant] = messages.map((e) => (e as { message: Record<string, unknown> }));
    assert.equal(user.message.role, "user");
    assert.equal((user as Record<string, unknown>).channel, "cli");
    assert.equal(assistant.message.role, "assistant");
    assert.equal(assistant.message.provider, "fake");
    assert.equal(assistant.message.model, "fake-model");
    assert.equal(assistant.message.api, kind);
    assert.equal(assistant.message.stopReason, "stop");
    assert.ok(entries.some((e) => e.type === "model_change"));
    assert.equal(entries[0].parentId, null);
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i].parentId, entries[i - 1].id);

    const store = JSON.parse(await Deno.readTextFile(h.storePath));
    const row = store["agent:main:main"];
    assert.equal(row.sessionId, result.sessionId);
    assert.equal(row.modelProvider, "fake");
    assert.equal(row.model, "fake-model");
    assert.equal(row.inputTokens, 20);
    assert.equal(row.lastChannel, "cli");

    const history = await h.runtime.history({ sessionKey: "main" });
    assert.deepEqual(history.map((m) => [m.role, m.text]), [
      ["user", "Say hello"],
      ["assistant", "Hello from the fake provider."],
    ]);
    assert.equal(history[1].model, "fake/fake-model");

    // The next turn sends the conversation so far.
    fake.enqueue({ text: "Again." });
    await h.runtime.runTurn({ message: "Once more" });
    assert.match(JSON.stringify(fake.requests[1].body), /Hello from the fake provider\./);
  });
}

Deno.test("runTurn() runs a memory_get tool call and records call and result", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  await writeFile(`${h.workspace}/MEMORY.md`, "The user's cat is called Miso.\n");
  fake.enqueue(
    { toolCalls: [{ id: "call_m1", name: "memory_get", args: { path: "MEMORY.md" } }] },
    { text: "Your cat is Miso." },
  );
  const events: AgentStreamEvent[] = [];
  const result = await h.runtime.runTurn({ message: "What's my cat?", onEvent: collect(events) });
  assert.equal(result.stopReason, "stop");
  assert.equal(result.text, "Your cat is Miso.");
  assert.equal(result.toolCalls.length, 1);
  assert.equal(result.toolCalls[0].name, "memory_get");
  assert.match(String(result.toolCalls[0].result), /Miso/);
  assert.ok(events.some((e) => e.type === "tool_call"));
  assert.ok(events.some((e) => e.type === "tool_result"));
  const offered = JSON.stringify(fake.requests[0].body.tools);
  assert.match(offered, /memory_get/);
  assert.match(offered, /sessions_list/);
  assert.match(JSON.stringify(fake.requests[1].body), /call_m1[\s\S]*Miso/);

  const { entries } = await readTranscript(h.transcriptPath(result.sessionId));
  const roles = entries.filter((e) => e.type === "message").map((e) =>
    (e as { message: { role: string } }).message.role
  );
  assert.deepEqual(roles, ["user", "assistant", "toolResult", "assistant"]);
  const call = entries.find((e) =>
    e.type === "message" && (e as { message: { role: string } }).message.role === "assistant"
  ) as { message: { content: { type: string; name?: string }[]; stopReason: string } };
  assert.equal(call.message.stopReason, "toolUse");
  assert.equal(call.message.content.find((c) => c.type === "toolCall")?.name, "memory_get");

  const history = await h.runtime.history({ sessionKey: "agent:main:main" });
  assert.equal(history[1].toolCalls?.[0].name, "memory_get");
  assert.match(String(history[1].toolCalls?.[0].result), /Miso/);
  assert.equal(history[2].role, "tool");
});

Deno.test("runTurn() feeds an unknown tool's error back and goes on", async () => {
  await using fake = await startFakeProvider({ kind: "anthropic-messages" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue(
    { toolCalls: [{ name: "memory_get", args: { path: "../secrets.txt" } }] },
    { text: "I cannot read that." },
  );
  const result = await h.runtime.runTurn({ message: "read ../secrets.txt" });
  assert.equal(result.stopReason, "stop");
  assert.equal(result.toolCalls[0].isError, true);
  assert.match(String(result.toolCalls[0].result), /only MEMORY\.md and memory/);
  assert.match(JSON.stringify(fake.requests[1].body), /is_error/);
});

Deno.test("runTurn() stops at the step limit with tool_calls", async () => {
  await using fake = await startFakeProvider({
    kind: "openai-responses",
    defaultTurn: { toolCalls: [{ name: "session_status", args: {} }] },
  });
  await using h = await harness({ fake }, "fake/fake-model", { maxSteps: 3 });
  const result = await h.runtime.runTurn({ message: "loop forever" });
  assert.equal(result.stopReason, "tool_calls");
  assert.equal(fake.requests.length, 3);
  assert.equal(result.toolCalls.length, 3);
});

Deno.test("runTurn() falls back when the primary answers 500 and records who answered", async () => {
  await using primary = await startFakeProvider({ kind: "openai-completions" });
  await using backup = await startFakeProvider({ kind: "anthropic-messages" });
  await using h = await harness({ primary, backup }, {
    primary: "primary/fake-model",
    fallbacks: ["backup/fake-model"],
  });
  primary.enqueue({ status: 500, error: "upstream exploded" });
  backup.enqueue({ text: "Backup here." }, { text: "Still backup." });
  const events: AgentStreamEvent[] = [];
  const result = await h.runtime.runTurn({ message: "hi", onEvent: collect(events) });
  assert.equal(result.stopReason, "stop");
  assert.equal(result.text, "Backup here.");
  assert.equal(result.model, "backup/fake-model");
  const fb = events.find((e) => e.type === "model_fallback");
  assert.ok(fb && fb.type === "model_fallback");
  assert.equal(fb.from, "primary/fake-model");
  assert.equal(fb.to, "backup/fake-model");
  assert.equal(fb.reason, "server");

  const { entries } = await readTranscript(h.transcriptPath(result.sessionId));
  const answer = entries.find((e) =>
    e.type === "message" && (e as { message: { role: string } }).message.role === "assistant"
  ) as { message: { provider: string; model: string; api: string } };
  assert.equal(answer.message.provider, "backup");
  assert.equal(answer.message.api, "anthropic-messages");
  const history = await h.runtime.history({ sessionKey: "main" });
  assert.equal(history[1].model, "backup/fake-model");

  // The failed primary cools down: the next turn goes straight to the backup.
  const second = await h.runtime.runTurn({ message: "again" });
  assert.equal(second.model, "backup/fake-model");
  assert.equal(primary.requests.length, 1);
});

Deno.test("runTurn() falls back to a CLI backend, which gets no tools", async () => {
  await using primary = await startFakeProvider({ kind: "anthropic-messages" });
  const dir = await Deno.makeTempDir({ prefix: "openclaw-agent-cli-" });
  try {
    const { writeFakeCli } = await import("../fixtures/fake_providers/fake_cli.ts");
    const claude = await writeFakeCli(dir, "claude", {
      stdout: JSON.stringify({ type: "result", result: "from claude cli", session_id: "s1" }),
    });
    const config = makeConfig(
      { a: { baseUrl: primary.baseUrl, api: primary.kind } },
      { primary: "a/fake-model", fallbacks: ["claude-cli/opus-4.6"] },
      `${dir}/workspace`,
      {},
      { cliBackends: { "claude-cli": { command: claude.command } } },
    );
    const runtime = createAgentRuntime({ config, stateDir: dir, env: { PATH: "/usr/bin:/bin" } });
    try {
      primary.enqueue({ status: 503, error: "overloaded" });
      const result = await runtime.runTurn({ message: "hello cli" });
      assert.equal(result.stopReason, "stop");
      assert.equal(result.text, "from claude cli");
      assert.equal(result.model, "claude-cli/opus-4.6");
      assert.ok((await claude.args()).includes("hello cli"));
      const history = await runtime.history({ sessionKey: "main" });
      assert.equal(history[1].model, "claude-cli/opus-4.6");
    } finally {
      await runtime.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runTurn() with a model override uses only that model", async () => {
  await using a = await startFakeProvider({ kind: "openai-completions" });
  await using b = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ a, b }, { primary: "a/fake-model", fallbacks: ["b/fake-model"] });
  b.enqueue({ status: 500 });
  const result = await h.runtime.runTurn({ message: "hi", model: "b/fake-model" });
  assert.equal(result.stopReason, "error");
  assert.match(result.error ?? "", /b\/fake-model/);
  assert.equal(a.requests.length, 0, "no fallback to the agent's chain");
});

Deno.test("runTurn() queues two turns on one session, never interleaving them", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "first answer", delayMs: 300 }, { text: "second answer" });
  const order: string[] = [];
  const track = (name: string) => (e: AgentStreamEvent) => {
    if (e.type === "lifecycle") order.push(`${name}:${e.phase}`);
  };
  const [one, two] = await Promise.all([
    h.runtime.runTurn({ message: "one", onEvent: track("one") }),
    h.runtime.runTurn({ message: "two", onEvent: track("two") }),
  ]);
  assert.deepEqual(order, ["one:start", "one:end", "two:start", "two:end"]);
  assert.equal(one.text, "first answer");
  assert.equal(two.text, "second answer");
  assert.equal(one.sessionId, two.sessionId);
  // The second call saw the whole first exchange.
  assert.match(JSON.stringify(fake.requests[1].body), /one[\s\S]*first answer[\s\S]*two/);
  const history = await h.runtime.history({ sessionKey: "main" });
  assert.deepEqual(history.map((m) => m.text), ["one", "first answer", "two", "second answer"]);
});

Deno.test("runTurn() on different sessions runs in parallel", async () => {
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "ok", delayMs: 200 },
  });
  await using h = await harness({ fake }, "fake/fake-model");
  const started: string[] = [];
  const runs = ["agent:main:a", "agent:main:b"].map((sessionKey) =>
    h.runtime.runTurn({
      message: "hi",
      sessionKey,
      onEvent: (e) => e.type === "lifecycle" && e.phase === "start" && started.push(sessionKey),
    })
  );
  await until(() => fake.requests.length === 2);
  assert.equal(started.length, 2, "both started before either ended");
  await Promise.all(runs);
});

Deno.test("abort() ends a running turn as aborted; the session stays usable", async () => {
  await using fake = await startFakeProvider({ kind: "openai-responses" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "never seen", delayMs: 30_000 }, { text: "back again" });
  const events: AgentStreamEvent[] = [];
  const running = h.runtime.runTurn({
    message: "slow one",
    runId: "run-1",
    onEvent: collect(events),
  });
  await until(() => fake.requests.length === 1);
  assert.deepEqual(h.runtime.abort({ sessionKey: "main" }), ["run-1"]);
  const result = await running;
  assert.equal(result.stopReason, "aborted");
  assert.equal(result.runId, "run-1");
  const end = events.at(-1);
  assert.ok(end?.type === "lifecycle" && end.phase === "end");
  assert.deepEqual(await h.runtime.waitForRun("run-1", 10), result);

  const next = await h.runtime.runTurn({ message: "fast one" });
  assert.equal(next.text, "back again");
  const history = await h.runtime.history({ sessionKey: "main" });
  assert.deepEqual(history.map((m) => [m.role, m.text]), [
    ["user", "slow one"],
    ["user", "fast one"],
    ["assistant", "back again"],
  ]);
  const store = JSON.parse(await Deno.readTextFile(h.storePath));
  assert.equal(store["agent:main:main"].abortedLastRun, false);
});

Deno.test("runTurn() honours the request's abort signal, also while queued", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "slow", delayMs: 30_000 });
  const first = new AbortController();
  const second = new AbortController();
  const a = h.runtime.runTurn({ message: "a", signal: first.signal });
  const b = h.runtime.runTurn({ message: "b", signal: second.signal });
  await until(() => fake.requests.length === 1);
  second.abort();
  first.abort();
  assert.equal((await a).stopReason, "aborted");
  const rb = await b;
  assert.equal(rb.stopReason, "aborted");
  assert.equal(fake.requests.length, 1, "the queued turn never called the model");
  const history = await h.runtime.history({ sessionKey: "main" });
  assert.deepEqual(history.map((m) => m.text), ["a"], "the queued turn left no trace");
});

Deno.test("runTurn() ends as timeout after timeoutSeconds", async () => {
  await using fake = await startFakeProvider({ kind: "anthropic-messages" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "too late", delayMs: 30_000 });
  const events: AgentStreamEvent[] = [];
  const result = await h.runtime.runTurn({
    message: "hurry",
    timeoutSeconds: 0.3,
    onEvent: collect(events),
  });
  assert.equal(result.stopReason, "timeout");
  assert.match(result.error ?? "", /timed out/i);
  const end = events.at(-1);
  assert.ok(end?.type === "lifecycle" && end.phase === "error");
  const { entries } = await readTranscript(h.transcriptPath(result.sessionId));
  const last = entries.at(-1) as { message: { stopReason: string; errorMessage?: string } };
  assert.equal(last.message.stopReason, "error");
  assert.match(last.message.errorMessage ?? "", /timed out/i);
});

Deno.test("runTurn() sends thinking options to reasoning models, nothing when off", async () => {
  await using anth = await startFakeProvider({ kind: "anthropic-messages" });
  await using resp = await startFakeProvider({ kind: "openai-responses" });
  await using comp = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ anth, resp, comp }, "anth/fake-model", { reasoning: true });
  anth.enqueue({ text: "a" }, { text: "b" });
  resp.enqueue({ text: "c" });
  await h.runtime.runTurn({ message: "think", thinking: "high" });
  assert.deepEqual(anth.requests[0].body.thinking, { type: "enabled", budget_tokens: 16384 });
  await h.runtime.runTurn({ message: "do not", thinking: "off" });
  assert.equal(anth.requests[1].body.thinking, undefined);
  await h.runtime.runTurn({ message: "responses", thinking: "low", model: "resp/fake-model" });
  assert.equal(resp.requests[0].body.reasoning?.effort, "low");
  comp.enqueue({ text: "d" });
  await h.runtime.runTurn({ message: "compat", thinking: "xhigh", model: "comp/fake-model" });
  assert.equal(comp.requests[0].body.reasoning_effort, "high");
});

Deno.test("waitForRun(), resetSession(), deleteSession() and listSessions()", async () => {
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "fine" },
  });
  await using h = await harness({ fake }, "fake/fake-model");
  const waiting = h.runtime.waitForRun("known-later", 5_000);
  const first = await h.runtime.runTurn({ message: "hello", runId: "known-later" });
  assert.deepEqual(await waiting, first);
  assert.equal(await h.runtime.waitForRun("never-started", 20), undefined);

  const { sessionId } = await h.runtime.resetSession({ sessionKey: "main" });
  assert.notEqual(sessionId, first.sessionId);
  assert.ok((await Deno.stat(h.transcriptPath(first.sessionId))).isFile, "old transcript kept");
  assert.deepEqual(await h.runtime.history({ sessionKey: "main" }), []);
  const second = await h.runtime.runTurn({ message: "after reset" });
  assert.equal(second.sessionId, sessionId);

  await h.runtime.runTurn({ message: "other", sessionKey: "agent:main:side" });
  const list = await h.runtime.listSessions();
  assert.deepEqual(list.map((s) => s.key).sort(), ["agent:main:main", "agent:main:side"]);
  const main = list.find((s) => s.key === "agent:main:main")!;
  assert.equal(main.messageCount, 2);
  assert.equal(main.lastMessagePreview, "fine");
  assert.equal(main.model, "fake/fake-model");

  assert.deepEqual(
    await h.runtime.deleteSession({ sessionKey: "agent:main:side", deleteTranscript: true }),
    { deleted: true },
  );
  assert.deepEqual(await h.runtime.deleteSession({ sessionKey: "agent:main:side" }), {
    deleted: false,
  });
  assert.equal((await h.runtime.listSessions({ limit: 10 })).length, 1);
});

Deno.test("runTurn() with sessionId continues that transcript", async () => {
  await using fake = await startFakeProvider({
    kind: "openai-completions",
    defaultTurn: { text: "noted" },
  });
  await using h = await harness({ fake }, "fake/fake-model");
  const first = await h.runtime.runTurn({ message: "remember 42" });
  await h.runtime.resetSession({ sessionKey: "main" });
  const resumed = await h.runtime.runTurn({ message: "what number?", sessionId: first.sessionId });
  assert.equal(resumed.sessionId, first.sessionId);
  assert.match(JSON.stringify(fake.requests[1].body), /remember 42/);
  await assert.rejects(
    () => h.runtime.runTurn({ message: "x", sessionId: "../../etc/passwd" }),
    /Invalid session id/,
  );
});

Deno.test("invokeTool() goes through the registry and its policies", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  const missing = await h.runtime.invokeTool({ name: "nope", surface: "rpc" });
  assert.deepEqual(missing, {
    ok: false,
    toolName: "nope",
    error: { type: "not_found", message: 'Tool "nope" is not available' },
  });
  const listed = await h.runtime.invokeTool({ name: "sessions_list", surface: "http" });
  assert.equal(listed.ok, true);
  const bad = await h.runtime.invokeTool({
    name: "memory_search",
    args: { query: 5 },
    surface: "rpc",
  });
  assert.equal(!bad.ok && bad.error.type, "invalid_request");

  // The real exec tool: allowed over RPC, refused over HTTP by the deny list.
  const overHttp = await h.runtime.invokeTool({
    name: "exec",
    args: { command: "echo ran" },
    surface: "http",
  });
  assert.equal(!overHttp.ok && overHttp.error.type, "forbidden");
  const ran = await h.runtime.invokeTool({
    name: "exec",
    args: { command: "echo ran" },
    surface: "rpc",
  });
  assert.ok(ran.ok, JSON.stringify(ran));
  assert.match(JSON.stringify(ran.output), /ran/);
  h.runtime.tools.addPolicy("test", (r) => r.tool !== "exec");
  const denied = await h.runtime.invokeTool({
    name: "exec",
    args: { command: "echo ran" },
    surface: "rpc",
  });
  assert.equal(!denied.ok && denied.error.type, "forbidden");
});

Deno.test("updateConfig() applies to the next turn", async () => {
  await using a = await startFakeProvider({ kind: "openai-completions" });
  await using b = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ a, b }, "a/fake-model");
  a.enqueue({ text: "from a" });
  b.enqueue({ text: "from b" });
  assert.equal((await h.runtime.runTurn({ message: "1" })).model, "a/fake-model");
  h.runtime.updateConfig(
    makeConfig(
      { a: { baseUrl: a.baseUrl, api: a.kind }, b: { baseUrl: b.baseUrl, api: b.kind } },
      "b/fake-model",
      h.workspace,
    ),
  );
  assert.equal((await h.runtime.runTurn({ message: "2" })).model, "b/fake-model");
});

/** A Chat Completions server that streams one delta, then never finishes. */
function startHangingProvider(): { baseUrl: string; close(): Promise<void> } {
  const ctl = new AbortController();
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, signal: ctl.signal },
    async (req) => {
      await req.body?.cancel();
      const chunk = {
        id: "c1",
        object: "chat.completion.chunk",
        created: 0,
        model: "fake-model",
        choices: [{ index: 0, delta: { role: "assistant", content: "Partial ans" } }],
      };
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          streams.push(c);
          c.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(chunk)}\n\n`));
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/v1`,
    async close() {
      for (const c of streams) {
        try {
          c.close();
        } catch { /* gone */ }
      }
      ctl.abort();
      await server.finished;
    },
  };
}

Deno.test("a process killed mid-stream leaves a transcript the next turn continues", async () => {
  const hanging = startHangingProvider();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const dir = await Deno.makeTempDir({ prefix: "openclaw-agent-kill-" });
  try {
    const workspace = `${dir}/workspace`;
    const childConfig = makeConfig(
      { fake: { baseUrl: hanging.baseUrl, api: "openai-completions" } },
      "fake/fake-model",
      workspace,
    );
    const script = `${dir}/child.ts`;
    await Deno.writeTextFile(
      script,
      `import { createAgentRuntime } from ${JSON.stringify(`${ROOT}lib/agent/mod.ts`)};
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const config = JSON.parse(Deno.args[0]);
const runtime = createAgentRuntime({ config, stateDir: Deno.args[1] });
await runtime.runTurn({
  message: "first question",
  onEvent: (e) => { if (e.type === "assistant_delta") console.log("DELTA"); },
});
console.log("FINISHED");
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        "--config",
        `${ROOT}deno.json`,
        script,
        JSON.stringify(childConfig),
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let out = "";
    const dec = new TextDecoder();
    const pump = (async () => {
      for await (const c of child.stdout) out += dec.decode(c, { stream: true });
    })();
    const errPump = child.stderr.pipeTo(new WritableStream());
    await until(() => out.includes("DELTA"), 30_000);
    child.kill("SIGKILL");
    const status = await child.status;
    await Promise.all([pump, errPump]);
    assert.equal(status.signal, "SIGKILL");
    assert.ok(!out.includes("FINISHED"));

    const config = makeConfig(
      { fake: { baseUrl: fake.baseUrl, api: "openai-completions" } },
      "fake/fake-model",
      workspace,
    );
    const runtime: AgentRuntimeHandle = createAgentRuntime({ config, stateDir: dir });
    try {
      const before = await runtime.history({ sessionKey: "main" });
      assert.deepEqual(before.map((m) => [m.role, m.text]), [["user", "first question"]]);
      // As if the kill had also cut a write in half.
      const store = JSON.parse(
        await Deno.readTextFile(`${dir}/agents/main/sessions/sessions.json`),
      );
      const path = `${dir}/agents/main/sessions/${store["agent:main:main"].sessionId}.jsonl`;
      await Deno.writeTextFile(path, '{"type":"message","id":"torn","message":{"ro', {
        append: true,
      });
      fake.enqueue({ text: "Here is the answer." });
      const result = await runtime.runTurn({ message: "are you there?" });
      assert.equal(result.stopReason, "stop");
      assert.equal(result.text, "Here is the answer.");
      const history = await runtime.history({ sessionKey: "main" });
      assert.deepEqual(history.map((m) => [m.role, m.text]), [
        ["user", "first question"],
        ["user", "are you there?"],
        ["assistant", "Here is the answer."],
      ]);
      const sent = JSON.stringify(fake.requests[0].body.messages);
      assert.match(sent, /first question[\s\S]*are you there\?/);
      const { skipped } = await readTranscript(path);
      assert.equal(skipped, 1, "only the torn line is lost");
    } finally {
      await runtime.close();
    }
  } finally {
    await hanging.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
