/**
 * The OpenAI-compatible HTTP surfaces with the fake runtime: `/v1/chat/completions` (JSON and
 * SSE framing), `/v1/responses` (event order), agent selection, the endpoint switches, and the
 * `/tools/invoke` deny list.
 */
import assert from "node:assert/strict";
import { isHttpToolDenied } from "../../../gateway/http/tools_invoke.ts";
import { parseSse, startHarness } from "./_agent_harness.ts";

const ON = {
  gateway: {
    http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
  },
};

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://gw${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const hi = { model: "openclaw", messages: [{ role: "user", content: "hi" }] };

Deno.test("chat completions answer a chat.completion with the agent's text and usage", async () => {
  await using h = startHarness(ON);
  h.runtime.reply({ text: "hello" });
  const res = await h.app.request(post("/v1/chat/completions", hi));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.match(body.id, /^chatcmpl_[0-9a-f-]{36}$/);
  assert.equal(body.object, "chat.completion");
  assert.equal(body.model, "openclaw");
  assert.deepEqual(body.choices, [{
    index: 0,
    message: { role: "assistant", content: "hello" },
    finish_reason: "stop",
  }]);
  assert.deepEqual(body.usage, { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
  assert.match(h.runtime.requests[0].sessionKey!, /^agent:main:openai:[0-9a-f-]{36}$/);
});

Deno.test("chat completions SSE: role chunk, content, final finish_reason chunk, usage, [DONE]", async () => {
  await using h = startHarness(ON);
  h.runtime.reply({ text: "hello world", deltas: ["hello", " world"] });
  const res = await h.app.request(post("/v1/chat/completions", {
    ...hi,
    stream: true,
    stream_options: { include_usage: true },
  }));
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const frames = parseSse(await res.text());
  assert.equal(frames.at(-1)!.data, "[DONE]");
  const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data));
  assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant" });
  assert.deepEqual(chunks.slice(1, 3).map((c) => c.choices[0].delta.content), ["hello", " world"]);
  assert.deepEqual(chunks[3].choices[0], { index: 0, delta: {}, finish_reason: "stop" });
  assert.deepEqual(chunks[4].choices, []);
  assert.equal(chunks[4].usage.total_tokens, 18);
  assert.equal(chunks.length, 5);
});

Deno.test("chat completions SSE reports a failed turn as an error frame, then [DONE]", async () => {
  await using h = startHarness(ON);
  h.runtime.reply({ stopReason: "error", error: "upstream 500" });
  const res = await h.app.request(post("/v1/chat/completions", { ...hi, stream: true }));
  const frames = parseSse(await res.text());
  assert.deepEqual(frames.map((f) => f.data).slice(-2), [
    JSON.stringify({ error: { message: "upstream 500", type: "api_error" } }),
    "[DONE]",
  ]);
  const nonStream = await h.app.request(post("/v1/chat/completions", hi));
  h.runtime.reply({ stopReason: "error", error: "x" });
  assert.equal(nonStream.status, 200, "the second reply was the default echo");
  const failed = await h.app.request(post("/v1/chat/completions", hi));
  assert.equal(failed.status, 500);
  assert.deepEqual(await failed.json(), { error: { message: "x", type: "api_error" } });
});

Deno.test("the model field and x-openclaw-agent-id pick the agent; bad ones are 400", async () => {
  const { FakeAgentRuntime } = await import("../../fixtures/fake_agent_runtime.ts");
  const runtime = new FakeAgentRuntime([{ id: "main", isDefault: true }, {
    id: "ops",
    isDefault: false,
  }]);
  await using h = startHarness(
    { ...ON, agents: { list: [{ id: "main" }, { id: "ops" }] } },
    runtime,
  );
  const pick = async (model: unknown, headers: Record<string, string> = {}) => {
    const res = await h.app.request(post("/v1/chat/completions", { ...hi, model }, headers));
    return { status: res.status, body: await res.json() };
  };
  for (const m of ["openclaw/ops", "openclaw:ops", "agent:ops", "OpenClaw/OPS"]) {
    assert.equal((await pick(m)).status, 200, m);
    assert.equal(runtime.requests.at(-1)!.agentId, "ops", m);
  }
  for (const m of ["openclaw", "openclaw/default", undefined]) {
    assert.equal((await pick(m)).status, 200);
    assert.equal(runtime.requests.at(-1)!.agentId, "main");
  }
  assert.equal((await pick("gpt-4o", { "x-openclaw-agent-id": "ops" })).status, 200);
  assert.equal(runtime.requests.at(-1)!.agentId, "ops");
  assert.deepEqual(await pick("gpt-4o"), {
    status: 400,
    body: {
      error: {
        message: "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.",
        type: "invalid_request_error",
      },
    },
  });
  assert.deepEqual((await pick("openclaw/ghost")).body.error.message, "Unknown agent 'ghost'.");
});

Deno.test("chat completions: endpoints off answer 404, bad bodies 400/405/413", async () => {
  await using off = startHarness({});
  const res = await off.app.request(post("/v1/chat/completions", hi));
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: { message: "Not Found", type: "not_found" } });
  assert.equal((await off.app.request(post("/v1/responses", { input: "x" }))).status, 404);

  await using h = startHarness(ON);
  const noUser = await h.app.request(post("/v1/chat/completions", {
    messages: [{ role: "system", content: "be brief" }],
  }));
  assert.equal(noUser.status, 400);
  assert.equal((await noUser.json()).error.message, "Missing user message in `messages`.");
  const notJson = await h.app.request(post("/v1/chat/completions", "{nope"));
  assert.equal(notJson.status, 400);
  const get = await h.app.request("http://gw/v1/chat/completions");
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const big = await h.app.request(post("/v1/chat/completions", "{}", {
    "content-length": String(21 * 1024 * 1024),
  }));
  assert.equal(big.status, 413);
  assert.deepEqual(await big.json(), {
    error: { message: "Payload too large", type: "invalid_request_error" },
  });
  assert.equal(h.runtime.requests.length, 0);
});

Deno.test("chat completions keep a stable session per user and pass history of new sessions", async () => {
  await using h = startHarness(ON);
  const body = {
    model: "openclaw",
    user: "alice",
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: [{ type: "text", text: "second" }] },
    ],
  };
  await h.app.request(post("/v1/chat/completions", body));
  const r = h.runtime.requests[0];
  assert.equal(r.sessionKey, "agent:main:openai-user:alice");
  assert.equal(r.message, "second");
  assert.equal(r.extraSystemPrompt, "be brief");
  const { user: _user, ...anonymous } = body;
  await h.app.request(post("/v1/chat/completions", anonymous));
  assert.match(h.runtime.requests[1].extraSystemPrompt!, /User: first\nAssistant: ok/);
  await h.app.request(
    post("/v1/chat/completions", hi, { "x-openclaw-session-key": "agent:main:x" }),
  );
  assert.equal(h.runtime.requests[2].sessionKey, "agent:main:x");
  const cron = await h.app.request(
    post("/v1/chat/completions", hi, { "x-openclaw-session-key": "cron:x" }),
  );
  assert.equal(cron.status, 400);
});

Deno.test("responses answer a response object and stream the §10.4 events in order", async () => {
  await using h = startHarness(ON);
  h.runtime.reply({ text: "hey you", deltas: ["hey", " you"] }, { text: "again" });
  const res = await h.app.request(
    post("/v1/responses", { model: "openclaw", input: "hi", stream: true }),
  );
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const frames = parseSse(await res.text());
  assert.equal(frames.at(-1)!.data, "[DONE]");
  const events = frames.slice(0, -1);
  assert.deepEqual(events.map((f) => f.event), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
  ]);
  const data = events.map((f) => JSON.parse(f.data));
  assert.deepEqual(data.map((d) => d.sequence_number), data.map((_, i) => i));
  assert.ok(data.every((d, i) => d.type === events[i].event));
  const done = data.at(-1).response;
  assert.match(done.id, /^resp_[0-9a-f-]{36}$/);
  assert.equal(done.status, "completed");
  assert.equal(done.output[0].content[0].text, "hey you");
  assert.equal(done.usage.total_tokens, 18);

  const next = await h.app.request(post("/v1/responses", {
    model: "openclaw",
    input: [{ role: "user", content: [{ type: "input_text", text: "more" }] }],
    previous_response_id: done.id,
  }));
  const json = await next.json();
  assert.equal(json.object, "response");
  assert.equal(json.output[0].content[0].text, "again");
  assert.equal(h.runtime.requests[1].sessionKey, h.runtime.requests[0].sessionKey);
  assert.match(h.runtime.requests[0].sessionKey!, /^agent:main:openresponses:/);
  const unknown = await h.app.request(
    post("/v1/responses", { input: "x", previous_response_id: "resp_x" }),
  );
  assert.equal(unknown.status, 400);
});

Deno.test("responses stream a failed turn as response.failed, then [DONE]", async () => {
  await using h = startHarness(ON);
  h.runtime.reply({ stopReason: "timeout" });
  const res = await h.app.request(post("/v1/responses", { input: "hi", stream: true }));
  const frames = parseSse(await res.text());
  assert.deepEqual(frames.slice(-2).map((f) => f.event ?? f.data), ["response.failed", "[DONE]"]);
  assert.equal(JSON.parse(frames.at(-2)!.data).response.error.message, "timed out");
});

Deno.test("tools/invoke runs allowed tools and hides denied ones behind 404", async () => {
  await using h = startHarness({
    gateway: { tools: { allow: ["cron"], deny: ["sessions_list2"] } },
  });
  h.runtime.tools.set("sessions_list", (args) => ({ args }));
  h.runtime.tools.set("cron", () => "cron ran");
  h.runtime.tools.set("exec", () => "must not run");
  const ok = await h.app.request(
    post("/tools/invoke", { tool: "sessions_list", action: "json", args: { a: 1 } }),
  );
  assert.equal(ok.status, 200);
  // `action` joins `args` only for tools whose schema takes one; sessions_list's does not.
  assert.deepEqual(await ok.json(), { ok: true, result: { args: { a: 1 } } });
  const exec = await h.app.request(
    post("/tools/invoke", { tool: "exec", args: { command: "id" } }),
  );
  assert.equal(exec.status, 404);
  assert.deepEqual(await exec.json(), {
    ok: false,
    error: { type: "not_found", message: "Tool not available: exec" },
  });
  assert.equal((await h.app.request(post("/tools/invoke", { name: "cron" }))).status, 200);
  assert.equal(
    (await h.app.request(post("/tools/invoke", { name: "sessions_list2" }))).status,
    404,
  );
  assert.equal((await h.app.request(post("/tools/invoke", { name: "nope" }))).status, 404);
  assert.equal((await h.app.request(post("/tools/invoke", { args: {} }))).status, 400);
  assert.equal((await h.app.request("http://gw/tools/invoke")).status, 405);
});

Deno.test("isHttpToolDenied() applies the default list, allow and deny case-insensitively", () => {
  assert.equal(isHttpToolDenied("exec", undefined), true);
  assert.equal(isHttpToolDenied("EXEC", { allow: ["exec"] }), false);
  assert.equal(isHttpToolDenied("memory_search", undefined), false);
  assert.equal(isHttpToolDenied("memory_search", { deny: ["Memory_Search"] }), true);
  assert.equal(isHttpToolDenied("exec", { allow: ["exec"], deny: ["exec"] }), true);
  // The real tool names that write or run, and aliases of them.
  for (const name of ["write", "edit", "process", "apply_patch", "bash", "apply-patch"]) {
    assert.equal(isHttpToolDenied(name, undefined), true, name);
  }
  assert.equal(isHttpToolDenied("read", undefined), false);
  assert.equal(isHttpToolDenied("write", { allow: ["group:fs"] }), false);
  assert.equal(isHttpToolDenied("edit", { allow: ["write"] }), true);
});
