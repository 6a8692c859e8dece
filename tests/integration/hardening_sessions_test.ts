/**
 * Hardening item 12 end to end: failing `/v1/chat/completions` calls (the provider answers 500)
 * on a real gateway leave no transcripts and no store entries behind, streamed or not.
 */
import assert from "node:assert/strict";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox, startGateway } from "../helpers.ts";
import { AGENT_TEST_TOKEN as TOKEN, agentConfig } from "./_agent_setup.ts";

function transcripts(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".jsonl"));
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

Deno.test({
  name: "30 failing /v1/chat/completions calls leave no sessions behind",
  async fn() {
    await using sb = await makeSandbox();
    // An empty script: every model request gets a 500.
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using gw = await startGateway(sb, agentConfig(fake));
    const sessions = `${sb.stateDir}/agents/main/sessions`;
    const post = (body: Record<string, unknown>) =>
      fetch(`http://127.0.0.1:${gw.port}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openclaw", ...body }),
      });

    for (let i = 0; i < 30; i++) {
      // No `user`: each call gets a session key of its own.
      const stream = i % 6 === 5;
      const res = await post({ messages: [{ role: "user", content: `call ${i}` }], stream });
      const text = await res.text();
      if (stream) {
        assert.equal(res.status, 200);
        assert.match(text, /error/i, "the stream reports the failure");
      } else {
        assert.equal(res.status, 500, text);
      }
    }
    assert.ok(fake.requests.length >= 1, "the provider was asked");
    assert.deepEqual(transcripts(sessions), []);
    assert.deepEqual(storeKeys(`${sessions}/sessions.json`), []);

    // The same path works when the model answers: one call, one session.
    fake.enqueue({ text: "finally" });
    const ok = await post({ messages: [{ role: "user", content: "and now?" }] });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal((await ok.json()).choices[0].message.content, "finally");
    assert.equal(transcripts(sessions).length, 1);
    assert.equal(storeKeys(`${sessions}/sessions.json`).length, 1);

    assert.equal(await gw.stop(), 0);
    assert.equal(transcripts(sessions).length, 1, "shutdown adds nothing");
    assert.equal(storeKeys(`${sessions}/sessions.json`).length, 1);
  },
});
