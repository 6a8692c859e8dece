/**
 * The gateway chapter's HTTP recipes over a real gateway: the documented `/tools/invoke` body
 * verbatim, `dryRun` (checked, answered, nothing run) and agent selection by
 * `x-openclaw-agent-id`.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, startGateway } from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";
import type { FakeProvider } from "../fixtures/fake_providers/mod.ts";

function config(fake: FakeProvider, workspace: string): string {
  return `{
    gateway: {
      mode: "local",
      auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" },
      http: { endpoints: { chatCompletions: { enabled: true } } },
      tools: { allow: ["write"] },
    },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: {
      defaults: { model: "fake/m1", workspace: "${workspace}" },
      list: [{ id: "main", default: true }, { id: "other" }],
    },
  }`;
}

/** `curl -sS …/tools/invoke -H 'Authorization: Bearer …' -H 'Content-Type: …' -d '<raw>'`. */
async function invoke(port: number, raw: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}/tools/invoke`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${AGENT_TEST_TOKEN}`,
      "Content-Type": "application/json",
      ...headers,
    },
    body: raw,
  });
  return { status: r.status, body: await r.json() };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("the chapter's /tools/invoke recipe: exact body, dryRun, x-openclaw-agent-id", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using sb = await makeSandbox();
  const workspace = `${sb.home}/ws`;
  await Deno.mkdir(workspace, { recursive: true });
  await using gw = await startGateway(sb, config(fake, workspace));

  // The chapter's body, byte for byte.
  const chapter = await invoke(
    gw.port,
    '{"tool": "sessions_list", "action": "json", "args": {}}',
  );
  assert.equal(chapter.status, 200, JSON.stringify(chapter.body));
  assert.equal(chapter.body.ok, true);
  assert.equal(typeof chapter.body.result.count, "number");
  // With the documented sessionKey and dryRun:false too (stock's full example).
  const full = await invoke(
    gw.port,
    '{"tool": "sessions_list", "action": "json", "args": {}, "sessionKey": "main", "dryRun": false}',
  );
  assert.equal(full.status, 200, JSON.stringify(full.body));

  // dryRun: validated and answered, the tool does not run.
  const dry = await invoke(
    gw.port,
    JSON.stringify({ tool: "write", args: { path: "dry.txt", content: "x" }, dryRun: true }),
  );
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.equal(dry.body.ok, true);
  assert.equal(dry.body.dryRun, true);
  assert.equal(dry.body.tool, "write");
  assert.equal(await exists(`${workspace}/dry.txt`), false);
  // A dry run still checks the arguments.
  const badDry = await invoke(
    gw.port,
    JSON.stringify({ tool: "write", args: { path: "dry.txt" }, dryRun: true }),
  );
  assert.equal(badDry.status, 400, JSON.stringify(badDry.body));
  assert.equal(badDry.body.ok, false);
  // Without dryRun the same call writes the file (the side effect is real).
  const wet = await invoke(
    gw.port,
    JSON.stringify({ tool: "write", args: { path: "wet.txt", content: "x" } }),
  );
  assert.equal(wet.status, 200, JSON.stringify(wet.body));
  assert.equal(await exists(`${workspace}/wet.txt`), true);

  // A session of agent "other" (through the chat endpoint, picked by the same header).
  fake.enqueue({ text: "hello from other" });
  const chat = await fetch(`http://127.0.0.1:${gw.port}/v1/chat/completions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${AGENT_TEST_TOKEN}`,
      "Content-Type": "application/json",
      "x-openclaw-agent-id": "other",
      "x-openclaw-session-key": "agent:other:recipes",
    },
    body: JSON.stringify({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(chat.status, 200, await chat.text());

  const body = '{"tool": "sessions_list", "action": "json", "args": {}}';
  const forOther = await invoke(gw.port, body, { "x-openclaw-agent-id": "other" });
  assert.equal(forOther.status, 200, JSON.stringify(forOther.body));
  const otherKeys = JSON.stringify(forOther.body.result.sessions);
  assert.match(otherKeys, /agent:other:recipes/);
  const forMain = await invoke(gw.port, body);
  assert.equal(forMain.status, 200, JSON.stringify(forMain.body));
  assert.doesNotMatch(JSON.stringify(forMain.body.result.sessions), /agent:other:/);

  const unknown = await invoke(gw.port, body, { "x-openclaw-agent-id": "nobody" });
  assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
  assert.equal(unknown.body.ok, false);
  assert.equal(unknown.body.error.type, "invalid_request");
});
