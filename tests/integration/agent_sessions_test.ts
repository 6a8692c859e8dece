/**
 * The agent runtime's sessions: queueing, parallel sessions, abort, timeout, session management,
 * and a process killed mid-stream whose session the next turn continues.
 */
import assert from "node:assert/strict";
import { createAgentRuntime } from "../../lib/agent/mod.ts";
import type { AgentRuntimeHandle, AgentStreamEvent } from "../../lib/agent/mod.ts";
import { readTranscript } from "../../lib/agent/sessions/transcript.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, waitUntil } from "../helpers.ts";
import { collect, harness, makeConfig, ROOT } from "./_agent_runtime_harness.ts";
import { startHarness } from "../unit/gateway/_agent_harness.ts";

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
  await waitUntil(() => fake.requests.length === 2, { message: "both model requests" });
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
  await waitUntil(() => fake.requests.length === 1, { message: "the model request" });
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
  await waitUntil(() => fake.requests.length === 1, { message: "the model request" });
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
  await using sb = await makeSandbox({ prefix: "openclaw-agent-kill-" });
  const dir = sb.stateDir;
  try {
    const workspace = `${dir}/workspace`;
    const childConfig = makeConfig(
      { fake: { baseUrl: hanging.baseUrl, api: "openai-completions" } },
      "fake/fake-model",
      workspace,
    );
    const script = `${sb.home}/child.ts`;
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
    await waitUntil(() => out.includes("DELTA"), {
      timeoutMs: 30_000,
      message: () => `a DELTA from the child; stdout so far: ${out}`,
    });
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
  }
});

Deno.test("chat.history with a session key the runtime refuses answers INVALID_REQUEST", async () => {
  await using h = await harness({}, "fake/fake-model");
  await using gw = startHarness(h.config, h.runtime);
  const c = await gw.client();
  for (const sessionKey of ["agent::", "agent:main", `x${"y".repeat(512)}`]) {
    const res = await c.request("chat.history", { sessionKey });
    assert.equal(res.ok, false, sessionKey);
    assert.equal(res.error.code, "INVALID_REQUEST", JSON.stringify(res.error));
    assert.equal(res.error.details?.code, "SESSION_KEY_INVALID");
    assert.match(res.error.message, /^Invalid session key "/);
  }
  // A good key still answers (an empty history).
  const ok = await c.request("chat.history", { sessionKey: "agent:main:main" });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.deepEqual(ok.payload.messages, []);
});
