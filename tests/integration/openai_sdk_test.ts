/**
 * The official `openai` npm SDK as a client of our `/v1/chat/completions` and `/v1/responses`,
 * streaming and not, against a real gateway whose agent answers through a fake provider.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type FakeProvider, startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { type GatewayProcess, makeSandbox, startGateway } from "../helpers.ts";
import { AGENT_TEST_TOKEN as TOKEN, agentConfig } from "./_agent_setup.ts";

/** Runs `fn` with an SDK client pointed at a fresh gateway and its fake provider. */
async function withSdk(
  fn: (client: OpenAI, fake: FakeProvider, gw: GatewayProcess) => Promise<void>,
): Promise<void> {
  await using sb = await makeSandbox();
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using gw = await startGateway(sb, agentConfig(fake));
  const client = new OpenAI({
    baseURL: `http://127.0.0.1:${gw.port}/v1`,
    apiKey: TOKEN,
    maxRetries: 0,
    timeout: 20_000,
  });
  await fn(client, fake, gw);
}

Deno.test({
  name: "the openai SDK gets a chat completion (non-stream)",
  async fn() {
    await withSdk(async (client, fake) => {
      fake.enqueue({ text: "Paris is the capital of France." });
      const completion = await client.chat.completions.create({
        model: "openclaw/main",
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "What is the capital of France?" },
        ],
      });
      assert.equal(completion.object, "chat.completion");
      assert.equal(completion.choices[0].message.role, "assistant");
      assert.equal(completion.choices[0].message.content, "Paris is the capital of France.");
      assert.equal(completion.choices[0].finish_reason, "stop");
      assert.equal(completion.model, "openclaw/main");
      assert.equal(completion.usage?.total_tokens, 18);
      const sent = fake.requests[0].body.messages as { role: string; content: string }[];
      assert.equal(sent.at(-1)!.content, "What is the capital of France?");
      assert.match(sent[0].content, /Answer briefly\./);
    });
  },
});

Deno.test({
  name: "the openai SDK streams a chat completion to its final finish_reason chunk",
  async fn() {
    await withSdk(async (client, fake) => {
      fake.enqueue({ text: "one two three four" });
      const stream = await client.chat.completions.create({
        model: "openclaw",
        messages: [{ role: "user", content: "count" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      const finishes: (string | null)[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          text += choice.delta.content ?? "";
          finishes.push(choice.finish_reason);
        }
      }
      assert.equal(text, "one two three four");
      assert.equal(finishes.at(-1), "stop");
      assert.equal(usage?.prompt_tokens, 11);

      // The SDK's stream helper insists on a finish_reason before [DONE] (stock issue #23013).
      fake.enqueue({ text: "helper text" });
      const runner = client.chat.completions.stream({
        model: "openclaw",
        messages: [{ role: "user", content: "again" }],
      });
      const final = await runner.finalChatCompletion();
      assert.equal(final.choices[0].message.content, "helper text");
      assert.equal(final.choices[0].finish_reason, "stop");
    });
  },
});

Deno.test({
  name: "the openai SDK gets a response from /v1/responses (non-stream and stream)",
  async fn() {
    await withSdk(async (client, fake) => {
      fake.enqueue({ text: "A calm reply." }, { text: "Streamed reply." }, { text: "Follow-up." });
      const response = await client.responses.create({
        model: "openclaw",
        input: "Say something calm.",
        instructions: "Be calm.",
      });
      assert.equal(response.status, "completed");
      assert.match(response.id, /^resp_/);
      assert.equal(response.output_text, "A calm reply.");
      assert.equal(response.usage?.total_tokens, 18);

      const stream = await client.responses.create({
        model: "openclaw",
        input: [{ role: "user", content: "Stream please." }],
        stream: true,
      });
      const types: string[] = [];
      let deltas = "";
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") deltas += event.delta;
        if (event.type === "response.completed") completed = event.response;
      }
      assert.equal(types[0], "response.created");
      assert.equal(types.at(-1), "response.completed");
      assert.equal(deltas, "Streamed reply.");
      const item = completed?.output[0] as OpenAI.Responses.ResponseOutputMessage | undefined;
      assert.deepEqual(item?.content.map((c) => c.type === "output_text" ? c.text : ""), [
        "Streamed reply.",
      ]);

      const helper = client.responses.stream({
        model: "openclaw",
        input: "And then?",
        previous_response_id: completed!.id,
      });
      const last = await helper.finalResponse();
      assert.equal(last.output_text, "Follow-up.");
      const sessionOf = (i: number) => JSON.stringify(fake.requests[i].body.messages);
      assert.match(sessionOf(2), /Stream please\./, "previous_response_id continued the session");
    });
  },
});
