/**
 * What a `/v1/chat/completions` turn leaves on disk: the whole record is written before the
 * answer is returned, so a gateway killed with SIGKILL right after the response keeps it.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, startGateway } from "../helpers.ts";
import { AGENT_TEST_TOKEN, agentConfig } from "./_agent_setup.ts";

Deno.test({
  name: "a /v1/chat/completions turn survives kill -9 right after its response",
  async fn() {
    await using sb = await makeSandbox();
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    fake.enqueue({ text: "kept on disk" });
    await using gw = await startGateway(sb, agentConfig(fake));
    const r = await fetch(`http://127.0.0.1:${gw.port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${AGENT_TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "openclaw",
        user: "crash",
        messages: [{ role: "user", content: "remember this" }],
      }),
    });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).choices[0].message.content, "kept on disk");
    await gw.stop("SIGKILL");

    const dir = `${sb.stateDir}/agents/main/sessions`;
    const store = JSON.parse(await Deno.readTextFile(`${dir}/sessions.json`));
    const entry = store["agent:main:openai-user:crash"];
    assert.equal(entry.model, "m1");
    assert.equal(entry.modelProvider, "fake");
    const text = await Deno.readTextFile(`${dir}/${entry.sessionId}.jsonl`);
    assert.ok(text.endsWith("\n"), "no torn last line");
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.type === "message" ? `message:${l.message.role}` : l.type),
      ["session", "message:user", "model_change", "message:assistant"],
    );
    assert.equal(lines[0].id, entry.sessionId);
    assert.equal(lines[1].message.content[0].text, "remember this");
    assert.equal(lines[3].message.content[0].text, "kept on disk");
    for (let i = 2; i < lines.length; i++) assert.equal(lines[i].parentId, lines[i - 1].id);
  },
});
