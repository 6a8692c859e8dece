/**
 * The agent surfaces end to end: a real gateway process with the real agent runtime, a fake
 * OpenAI-compatible provider as its model, and real clients (`openclaw agent`, raw WebSocket,
 * fetch).
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import {
  freePort,
  type GatewayProcess,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
  startGateway,
  waitUntil,
  writeFile,
} from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

const TOKEN = AGENT_TEST_TOKEN;

async function connect(gw: GatewayProcess): Promise<RawClient> {
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(TOKEN));
  assert.equal(res.ok, true, JSON.stringify(res));
  return c;
}

function api(gw: GatewayProcess, path: string, body: unknown, init: RequestInit = {}) {
  return fetch(`http://127.0.0.1:${gw.port}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Every JSONL transcript line of an agent's sessions (each must parse, except a torn last). */
async function transcriptLines(sb: Sandbox, agentId = "main"): Promise<unknown[]> {
  const dir = `${sb.stateDir}/agents/${agentId}/sessions`;
  const out: unknown[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".jsonl")) continue;
    const lines = (await Deno.readTextFile(`${dir}/${e.name}`)).split("\n");
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        if (i !== lines.length - 1) throw err; // only the last line may be torn
      }
    });
  }
  return out;
}

Deno.test({
  name: "openclaw agent --message hi --json runs a turn through the gateway",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "hello from the model" });
    await using gw = await startGateway(sb, agentConfig(fake));
    const r = await runCli(sb, ["agent", "--message", "hi", "--json"], {
      env: { OPENCLAW_GATEWAY_TOKEN: TOKEN },
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.doesNotMatch(r.stderr, /falling back/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, "ok");
    assert.equal(out.summary, "completed");
    assert.equal(out.result.payloads[0].text, "hello from the model");
    assert.equal(out.result.meta.agentMeta.model, "m1");
    assert.equal(fake.requests.length, 1);
    const text = await runCli(sb, ["agent", "-m", "again"], {
      env: { OPENCLAW_GATEWAY_TOKEN: TOKEN },
    });
    assert.equal(text.code, 1, "the fake has no scripted turn left: the run fails");
    assert.match(text.stderr, /Agent run error/);
    assert.equal(gw.port > 0, true);
  },
});

Deno.test({
  name: "openclaw agent runs embedded with --local, and falls back when no gateway listens",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "local answer" }, { text: "fallback answer" });
    await writeFile(sb.configPath, agentConfig(fake, `port: ${freePort()},`));
    const local = await runCli(sb, ["agent", "--message", "hi", "--local", "--json"]);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(JSON.parse(local.stdout).result.payloads[0].text, "local answer");
    assert.equal(local.stderr, "");
    const fallback = await runCli(sb, ["agent", "--message", "hi"]);
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.equal(fallback.stdout.trim(), "fallback answer");
    assert.match(fallback.stderr, /Gateway agent failed; falling back to embedded: /);
    const lines = await transcriptLines(sb);
    assert.ok(lines.length >= 4, "both turns are in the main transcript");
  },
});

Deno.test({
  name: "POST /tools/invoke runs allowed tools and refuses the HTTP deny list",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using gw = await startGateway(sb, agentConfig(fake, `tools: { deny: ["memory_get"] },`));
    const ok = await api(gw, "/tools/invoke", { tool: "sessions_list", args: {} });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal((await ok.json()).ok, true);
    const exec = await api(gw, "/tools/invoke", { tool: "exec", args: { command: "id" } });
    assert.equal(exec.status, 404);
    assert.deepEqual(await exec.json(), {
      ok: false,
      error: { type: "not_found", message: "Tool not available: exec" },
    });
    const denied = await api(gw, "/tools/invoke", { tool: "memory_get", args: {} });
    assert.equal(denied.status, 404);
    await denied.body?.cancel();
    const noAuth = await api(gw, "/tools/invoke", { tool: "sessions_list" }, {
      headers: { "content-type": "application/json" },
    });
    assert.equal(noAuth.status, 401);
    await noAuth.body?.cancel();
    assert.equal(fake.requests.length, 0);
  },
});

Deno.test({
  name: "a client that disconnects from /v1/chat/completions aborts the run",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "too late", delayMs: 20_000 });
    await using gw = await startGateway(sb, agentConfig(fake));
    const ws = await connect(gw);
    const ac = new AbortController();
    const pending = api(gw, "/v1/chat/completions", {
      model: "openclaw",
      user: "disc",
      messages: [{ role: "user", content: "hi" }],
    }, { signal: ac.signal }).catch((e) => e);
    await waitUntil(() => fake.requests.length === 1, { message: "the model request" });
    ac.abort();
    assert.equal((await pending).name, "AbortError");
    const ended = await ws.next(
      (f) =>
        f.event === "chat" && f.payload.sessionKey === "agent:main:openai-user:disc" &&
        f.payload.state !== "delta",
      10_000,
    );
    assert.equal(ended.payload.state, "aborted");
    ws.close();
  },
});

Deno.test({
  name: "killing the gateway mid-turn leaves a readable transcript and the session goes on",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "never delivered", delayMs: 20_000 });
    const gw = await startGateway(sb, agentConfig(fake));
    const ws = await connect(gw);
    ws.send({
      type: "req",
      id: "a1",
      method: "agent",
      params: { message: "first message", idempotencyKey: "kill-1" },
    });
    const accepted = await ws.next((f) => f.type === "res" && f.id === "a1");
    assert.equal(accepted.payload.status, "accepted");
    await waitUntil(() => fake.requests.length === 1, { message: "the model request" });
    await gw.stop("SIGKILL");
    ws.close();
    const before = await transcriptLines(sb);
    assert.ok(before.length >= 1, "the transcript is readable after SIGKILL");

    fake.enqueue({ text: "second answer" });
    await using gw2 = spawnGateway(sb, ["--port", String(gw.port)], { port: gw.port });
    await gw2.waitFor(/Gateway listening on/);
    const r = await runCli(sb, ["agent", "--message", "second message", "--json"], {
      env: { OPENCLAW_GATEWAY_TOKEN: TOKEN },
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).result.payloads[0].text, "second answer");
    const sent = JSON.stringify(fake.requests[1].body.messages);
    assert.match(sent, /second message/);
    assert.ok((await transcriptLines(sb)).length > before.length);
  },
});
