/**
 * Tools end to end: the model calls exec/process through the agent loop, a client drives them
 * through `POST /tools/invoke` where the policy allows it, and a sandboxed session's commands run
 * in a docker container with no network, a read-only root and the workspace mounted.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { dockerGate, removeContainersByPrefix, testPrefix } from "../fixtures/docker.ts";
import { makeSandbox, runCli, startGateway, writeFile } from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

const gate = await dockerGate();

async function invoke(port: number, body: unknown) {
  const r = await fetch(`http://127.0.0.1:${port}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${AGENT_TEST_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

Deno.test("background exec through the agent loop, then process poll/write/kill through /tools/invoke", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    agentConfig(fake, `tools: { allow: ["exec", "process"] },`),
  );
  fake.enqueue({
    toolCalls: [{ id: "c1", name: "exec", args: { command: "sleep 30", background: true } }],
  });
  fake.enqueue({ toolCalls: [{ id: "c2", name: "process", args: { action: "list" } }] });
  fake.enqueue({ text: "started it" });
  const r = await runCli(sb, ["agent", "--message", "start a long job", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  // The model saw exec's sessionId and the process list (the third request carries both results).
  const third = JSON.stringify(fake.requests[2]?.body);
  assert.match(third, /running/);
  assert.match(third, /sleep 30/);

  const list = await invoke(gw.port, {
    tool: "process",
    args: { action: "list" },
    sessionKey: "agent:main:main",
  });
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const job = JSON.stringify(list.body.result);
  const sessionId = /"sessionId":"([^"]+)"/.exec(job)?.[1];
  assert.ok(sessionId, job);
  const killed = await invoke(gw.port, {
    tool: "process",
    args: { action: "kill", sessionId },
    sessionKey: "agent:main:main",
  });
  assert.equal(killed.status, 200, JSON.stringify(killed.body));
  const polled = await invoke(gw.port, {
    tool: "process",
    args: { action: "poll", sessionId, timeout: 3000 },
    sessionKey: "agent:main:main",
  });
  assert.doesNotMatch(JSON.stringify(polled.body.result), /"status":"running"/);

  // exec + write + poll over HTTP, allowed because gateway.tools.allow re-allows them.
  const cat = await invoke(gw.port, { tool: "exec", args: { command: "cat", background: true } });
  assert.equal(cat.status, 200, JSON.stringify(cat.body));
  const catId = cat.body.result.sessionId;
  await invoke(gw.port, {
    tool: "process",
    args: { action: "write", sessionId: catId, data: "hello stdin\n", eof: true },
  });
  const out = await invoke(gw.port, {
    tool: "process",
    args: { action: "poll", sessionId: catId, timeout: 3000 },
  });
  assert.match(JSON.stringify(out.body.result), /hello stdin/);
  // tools.exec.notifyOnExit: the exit became a System: line queued for the session.
  const status = await runCli(sb, ["gateway", "call", "status"]);
  assert.ok(JSON.parse(status.stdout).queuedSystemEvents >= 1, status.stdout);
});

Deno.test("exec stays refused over HTTP without gateway.tools.allow", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, agentConfig(fake));
  const denied = await invoke(gw.port, { tool: "exec", args: { command: "id" } });
  assert.equal(denied.status, 404);
  assert.equal(denied.body.ok, false);
});

Deno.test({
  name:
    "a sandboxed session's exec runs in a container: no network, read-only root, workspace mounted",
  ignore: gate.ignore,
  async fn() {
    await gate.assert();
    const prefix = testPrefix();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using sb = await makeSandbox();
    try {
      const workspace = `${sb.home}/ws`;
      await writeFile(`${workspace}/hello.txt`, "from the host\n");
      const config = agentConfig(fake).replace(
        `agents: { defaults: { model: "fake/m1" } },`,
        `agents: { defaults: { model: "fake/m1", workspace: "${workspace}",
          sandbox: { mode: "all", scope: "agent", workspaceAccess: "rw",
            docker: { image: "openclaw-test:busybox", containerPrefix: "${prefix}" } } } },`,
      );
      await using _gw = await startGateway(sb, config);
      fake.enqueue({
        toolCalls: [{
          id: "c1",
          name: "exec",
          args: {
            command:
              "cat /proc/net/dev; touch /x 2>&1 || echo ROOT-READ-ONLY; cat hello.txt; echo made-inside > inside.txt",
          },
        }],
      });
      fake.enqueue({ text: "checked" });
      const r = await runCli(sb, ["agent", "--message", "look around", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const toolResult = JSON.stringify(fake.requests[1]?.body);
      assert.match(toolResult, /lo:/);
      assert.doesNotMatch(toolResult, /eth0/);
      assert.match(toolResult, /ROOT-READ-ONLY|Read-only file system/);
      assert.match(toolResult, /from the host/);
      assert.equal(await Deno.readTextFile(`${workspace}/inside.txt`), "made-inside\n");
    } finally {
      await removeContainersByPrefix(prefix);
    }
  },
});

Deno.test("the gateway's --token never reaches the environment of commands the agent runs", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using sb = await makeSandbox();
  await using gw = await startGateway(
    sb,
    agentConfig(fake, `tools: { allow: ["exec", "process"] },`),
    { args: ["--token", AGENT_TEST_TOKEN] },
  );
  const r = await invoke(gw.port, {
    tool: "exec",
    args: { command: 'printenv OPENCLAW_GATEWAY_TOKEN || echo "no gateway token here"' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const text = JSON.stringify(r.body.result);
  assert.match(text, /no gateway token here/);
  assert.doesNotMatch(text, new RegExp(AGENT_TEST_TOKEN));
});
