/**
 * A turn that fails before the model answers leaves no session behind (hardening item 12): no
 * store entry, no transcript. An existing session keeps its entry and transcript.
 */
import assert from "node:assert/strict";
import type { AgentStreamEvent } from "../../../lib/agent/mod.ts";
import { SessionStore } from "../../../lib/agent/sessions/store.ts";
import { readTranscript } from "../../../lib/agent/sessions/transcript.ts";
import { startFakeProvider } from "../../fixtures/fake_providers/mod.ts";
import { freePort } from "../../helpers.ts";
import { collect, harness } from "../../integration/_agent_runtime_harness.ts";

function sessionFiles(dir: string): string[] {
  try {
    return [...Deno.readDirSync(`${dir}/agents/main/sessions`)]
      .map((e) => e.name)
      .filter((n) => n.endsWith(".jsonl"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

function storeKeys(path: string): string[] {
  try {
    return Object.keys(JSON.parse(Deno.readTextFileSync(path)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

Deno.test("50 turns on new sessions that the provider answers with 500 leave no session", async () => {
  // An empty script: every request gets a 500.
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  for (let i = 0; i < 50; i++) {
    const events: AgentStreamEvent[] = [];
    const result = await h.runtime.runTurn({
      message: `question ${i}`,
      sessionKey: `openai:fail-${i}`,
      onEvent: collect(events),
    });
    assert.equal(result.stopReason, "error");
    assert.equal(result.sessionId, "", "no session was created");
    assert.deepEqual(
      events.map((e) => e.type === "lifecycle" ? e.phase : e.type),
      ["start", "error"],
    );
  }
  assert.ok(fake.requests.length >= 1, "the provider was asked");
  assert.deepEqual(sessionFiles(h.dir), []);
  assert.deepEqual(storeKeys(h.storePath), []);
  assert.deepEqual(await h.runtime.listSessions(), []);
  await h.runtime.close();
  assert.deepEqual(sessionFiles(h.dir), [], "nothing written on close either");
  assert.deepEqual(storeKeys(h.storePath), []);
});

Deno.test("turns against an unreachable provider leave no session", async () => {
  const closed = { baseUrl: `http://127.0.0.1:${freePort()}/v1`, kind: "openai-responses" };
  await using h = await harness(
    { down: closed as Parameters<typeof harness>[0][string] },
    "down/fake-model",
  );
  for (let i = 0; i < 5; i++) {
    const result = await h.runtime.runTurn({ message: "anyone?", sessionKey: `s${i}` });
    assert.equal(result.stopReason, "error");
  }
  await h.runtime.close();
  assert.deepEqual(sessionFiles(h.dir), []);
  assert.deepEqual(storeKeys(h.storePath), []);
});

Deno.test("a failing turn on an existing session keeps its entry and transcript", async () => {
  await using fake = await startFakeProvider({ kind: "anthropic-messages" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "first answer" });
  const ok = await h.runtime.runTurn({ message: "hello", sessionKey: "kept" });
  assert.equal(ok.stopReason, "stop");
  const failed = await h.runtime.runTurn({ message: "again", sessionKey: "kept" });
  assert.equal(failed.stopReason, "error");
  assert.equal(failed.sessionId, ok.sessionId);
  await h.runtime.close();
  assert.deepEqual(sessionFiles(h.dir), [`${ok.sessionId}.jsonl`]);
  const store = JSON.parse(Deno.readTextFileSync(h.storePath));
  assert.equal(store["agent:main:kept"].sessionId, ok.sessionId);
  // As before: the user's message and an error record are appended to the existing transcript.
  const { entries } = await readTranscript(h.transcriptPath(ok.sessionId));
  const messages = entries.flatMap((e) =>
    e.type === "message" ? [(e as { message: { role: string; stopReason?: string } }).message] : []
  );
  assert.deepEqual(messages.map((m) => [m.role, m.stopReason]), [
    ["user", undefined],
    ["assistant", "stop"],
    ["user", undefined],
    ["assistant", "error"],
  ]);
});

Deno.test("a failing turn that would start a new transcript leaves the key on the old one", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "first answer" });
  const ok = await h.runtime.runTurn({ message: "hello" });
  const other = crypto.randomUUID();
  const failed = await h.runtime.runTurn({
    message: "in a new transcript",
    sessionKey: "main",
    sessionId: other,
  });
  assert.equal(failed.stopReason, "error");
  assert.equal((await h.runtime.listSessions())[0].sessionId, ok.sessionId);
  await h.runtime.close();
  assert.deepEqual(sessionFiles(h.dir), [`${ok.sessionId}.jsonl`]);
});

Deno.test("a new session is on disk before its first delta goes out", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "streamed in pieces" });
  const seen: { store: string[]; transcript: string }[] = [];
  const events: AgentStreamEvent[] = [];
  const result = await h.runtime.runTurn({
    message: "stream please",
    sessionKey: "fresh",
    onEvent: (e) => {
      events.push(e);
      if (e.type === "assistant_delta" && seen.length === 0) {
        const store = storeKeys(h.storePath);
        const files = sessionFiles(h.dir);
        const transcript = files.length === 1
          ? Deno.readTextFileSync(`${h.dir}/agents/main/sessions/${files[0]}`)
          : "";
        seen.push({ store, transcript });
      }
    },
  });
  assert.equal(result.stopReason, "stop");
  assert.deepEqual(seen[0].store, ["agent:main:fresh"]);
  assert.match(seen[0].transcript, /"type":"session"[\s\S]*stream please/);
  // The events keep their order.
  const types = events.map((e) => e.type === "lifecycle" ? e.phase : e.type);
  assert.equal(types[0], "start");
  assert.equal(types.at(-1), "end");
  assert.equal(
    events.flatMap((e) => e.type === "assistant_delta" ? [e.text] : []).join(""),
    "streamed in pieces",
  );
  assert.ok(types.indexOf("usage") > types.lastIndexOf("assistant_delta"));
});

Deno.test("turns on an existing session write the store behind; close() writes the rest", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using h = await harness({ fake }, "fake/fake-model");
  fake.enqueue({ text: "one", usage: { input: 10, output: 1 } });
  const first = await h.runtime.runTurn({ message: "a" });
  const onDisk = JSON.parse(Deno.readTextFileSync(h.storePath))["agent:main:main"];
  assert.equal(onDisk.inputTokens, 10, "a session's first turn is written before it returns");
  for (let i = 0; i < 5; i++) {
    fake.enqueue({ text: `more ${i}`, usage: { input: 20 + i, output: 1 } });
    await h.runtime.runTurn({ message: `b${i}` });
  }
  assert.ok(SessionStore.unflushed(h.storePath), "the last turns are not written yet");
  const [row] = await h.runtime.listSessions();
  assert.equal(row.sessionId, first.sessionId);
  assert.equal(row.totalTokens, 24, "readers in the process see the latest");
  await h.runtime.close();
  const after = JSON.parse(Deno.readTextFileSync(h.storePath))["agent:main:main"];
  assert.equal(after.inputTokens, 24);
  assert.equal(after.sessionId, first.sessionId);
});
