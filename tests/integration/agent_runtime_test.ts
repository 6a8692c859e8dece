/**
 * The agent runtime against local fake providers that speak the real wire formats: streaming
 * turns on each API, tool round trips, fallback, model overrides, thinking options, direct tool
 * invocation and config updates.
 */
import assert from "node:assert/strict";
import { createAgentRuntime } from "../../lib/agent/mod.ts";
import type { AgentStreamEvent } from "../../lib/agent/mod.ts";
import { readTranscript } from "../../lib/agent/sessions/transcript.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, writeFile } from "../helpers.ts";
import { collect, harness, KINDS, makeConfig } from "./_agent_runtime_harness.ts";

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
  await using sb = await makeSandbox({ prefix: "openclaw-agent-cli-" });
  const { writeFakeCli } = await import("../fixtures/fake_providers/fake_cli.ts");
  const claude = await writeFakeCli(sb.home, "claude", {
    stdout: JSON.stringify({ type: "result", result: "from claude cli", session_id: "s1" }),
  });
  const config = makeConfig(
    { a: { baseUrl: primary.baseUrl, api: primary.kind } },
    { primary: "a/fake-model", fallbacks: ["claude-cli/opus-4.6"] },
    `${sb.stateDir}/workspace`,
    {},
    { cliBackends: { "claude-cli": { command: claude.command } } },
  );
  const runtime = createAgentRuntime({
    config,
    stateDir: sb.stateDir,
    env: { PATH: "/usr/bin:/bin" },
  });
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
