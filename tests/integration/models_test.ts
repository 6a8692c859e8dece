/**
 * Models against local fake providers that speak the real wire formats: the AI SDK through
 * `createLanguageModel`, streaming and not, tool round trips, fallbacks, and the `models` CLI.
 */
import assert from "node:assert/strict";
import { generateText, isStepCount, streamText, tool } from "ai";
import { z } from "zod";
import { OpenClawError } from "../../lib/errors.ts";
import {
  createLanguageModel,
  type ModelCatalog,
  ModelCooldowns,
  type ModelTarget,
  resolveCatalog,
  runWithFallbacks,
} from "../../lib/models/mod.ts";
import {
  type FakeProvider,
  type FakeProviderKind,
  startFakeProvider,
} from "../fixtures/fake_providers/mod.ts";
import { freePort, makeSandbox, runCli, tempDir, writeFile } from "../helpers.ts";

// The AI SDK logs compatibility notes (e.g. unknown model limits) to the console.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const KINDS: FakeProviderKind[] = ["openai-completions", "openai-responses", "anthropic-messages"];

function providerEntry(fake: FakeProvider, extra: Record<string, unknown> = {}) {
  return {
    baseUrl: fake.baseUrl,
    api: fake.kind,
    apiKey: "test-key",
    models: [{ id: "fake-model", name: "Fake", cost: { input: 1, output: 2 } }],
    ...extra,
  };
}

function catalogOf(providers: Record<string, unknown>): Promise<ModelCatalog> {
  return resolveCatalog({
    // deno-lint-ignore no-explicit-any -- test providers are built loosely from fakes
    models: { mode: "replace", providers: providers as any },
  }, {});
}

/** The system prompt as each wire format carries it. */
function systemPromptOf(kind: FakeProviderKind, body: Record<string, unknown>): string {
  if (kind === "anthropic-messages") return (body.system as { text: string }[])[0].text;
  const list = (kind === "openai-completions" ? body.messages : body.input) as {
    role?: string;
    content: string;
  }[];
  return list.find((m) => m.role === "system" || m.role === "developer")!.content;
}

function assertAuth(kind: FakeProviderKind, headers: Record<string, string>) {
  if (kind === "anthropic-messages") assert.equal(headers["x-api-key"], "test-key");
  else assert.equal(headers.authorization, "Bearer test-key");
}

const weather = tool({
  description: "Current weather of a city",
  inputSchema: z.object({ city: z.string() }),
  execute: ({ city }) => Promise.resolve({ city, forecast: "sunny", celsius: 21 }),
});

for (const kind of KINDS) {
  Deno.test(`generateText() against fake ${kind}: text, system prompt, auth, usage`, async () => {
    await using fake = await startFakeProvider({ kind });
    const catalog = await catalogOf({ fake: providerEntry(fake) });
    fake.enqueue({ text: "Hello from the fake.", usage: { input: 20, output: 5 } });
    const result = await generateText({
      model: await createLanguageModel("fake/fake-model", catalog),
      instructions: "You are terse.",
      prompt: "Say hello",
      maxOutputTokens: 256,
      maxRetries: 0,
    });
    assert.equal(result.text, "Hello from the fake.");
    assert.equal(result.usage.inputTokens, 20);
    assert.equal(result.usage.outputTokens, 5);
    const req = fake.requests[0];
    assert.equal(req.body.model, "fake-model");
    assert.notEqual(req.body.stream, true);
    assertAuth(kind, req.headers);
    assert.equal(systemPromptOf(kind, req.body), "You are terse.");
    if (kind === "openai-responses") assert.equal(req.body.store, false);
  });

  Deno.test(`streamText() against fake ${kind}: deltas arrive in pieces`, async () => {
    await using fake = await startFakeProvider({ kind });
    const catalog = await catalogOf({ fake: providerEntry(fake) });
    fake.enqueue({ text: "Streaming works fine." });
    const result = streamText({
      model: await createLanguageModel("fake/fake-model", catalog),
      prompt: "Stream please",
      maxOutputTokens: 256,
      maxRetries: 0,
    });
    const deltas: string[] = [];
    for await (const part of result.stream) {
      if (part.type === "text-delta") deltas.push(part.text);
      if (part.type === "error") throw part.error;
    }
    assert.ok(deltas.length > 1, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(""), "Streaming works fine.");
    assert.equal(await result.finishReason, "stop");
    assert.equal((await result.usage).outputTokens, 7);
    assert.equal(fake.requests[0].body.stream, true);
  });

  for (const stream of [false, true]) {
    Deno.test(`tool round trip against fake ${kind} (${stream ? "stream" : "json"})`, async () => {
      await using fake = await startFakeProvider({ kind });
      const catalog = await catalogOf({ fake: providerEntry(fake) });
      fake.enqueue(
        { toolCalls: [{ id: "call_w1", name: "get_weather", args: { city: "Paris" } }] },
        { text: "It is sunny in Paris, 21 °C." },
      );
      const options = {
        model: await createLanguageModel("fake/fake-model", catalog),
        prompt: "Weather in Paris?",
        tools: { get_weather: weather },
        stopWhen: isStepCount(3),
        maxOutputTokens: 256,
        maxRetries: 0,
      };
      let text: string;
      if (stream) {
        const r = streamText(options);
        text = "";
        for await (const part of r.stream) {
          if (part.type === "text-delta") text += part.text;
          if (part.type === "error") throw part.error;
        }
      } else {
        text = (await generateText(options)).text;
      }
      assert.equal(text, "It is sunny in Paris, 21 °C.");
      assert.equal(fake.requests.length, 2);
      const [first, second] = fake.requests.map((r) => JSON.stringify(r.body));
      assert.match(first, /get_weather/, "the tool was offered");
      assert.match(first, /Current weather of a city/);
      assert.match(second, /call_w1/, "the tool result refers to the call");
      assert.match(second, /sunny/, "the tool result was sent back");
    });
  }
}

Deno.test("createLanguageModel() anthropic: authHeader sends Bearer, base URL without /v1 works", async () => {
  await using fake = await startFakeProvider({ kind: "anthropic-messages" });
  const catalog = await catalogOf({
    proxy: providerEntry(fake, { baseUrl: fake.baseUrl.replace(/\/v1$/, ""), authHeader: true }),
  });
  fake.enqueue({ text: "ok" });
  await generateText({
    model: await createLanguageModel("proxy/fake-model", catalog),
    prompt: "hi",
    maxOutputTokens: 64,
    maxRetries: 0,
  });
  assert.equal(fake.requests[0].path, "/v1/messages");
  assert.equal(fake.requests[0].headers.authorization, "Bearer test-key");
  assert.equal(fake.requests[0].headers["x-api-key"], undefined);
});

Deno.test("createLanguageModel() keyless local provider sends no auth header, config headers go out", async () => {
  await using fake = await startFakeProvider({ kind: "openai-responses" });
  const catalog = await catalogOf({
    local: providerEntry(fake, { apiKey: undefined, headers: { "x-team": "blue" } }),
  });
  fake.enqueue({ text: "ok" });
  await generateText({
    model: await createLanguageModel("local/fake-model", catalog),
    prompt: "hi",
    maxRetries: 0,
  });
  assert.equal(fake.requests[0].headers.authorization, undefined);
  assert.equal(fake.requests[0].headers["x-team"], "blue");
});

Deno.test("createLanguageModel() refuses a provider without a key, naming the variable", async () => {
  const catalog = await resolveCatalog({}, {});
  await assert.rejects(
    () => createLanguageModel("openai/gpt-5", catalog),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "MODEL_AUTH_MISSING" &&
      /OPENAI_API_KEY/.test(err.hint ?? ""),
  );
});

/** An attempt that generates text, or completes through a CLI backend. */
async function generateAttempt(target: ModelTarget, _ref: unknown, signal: AbortSignal) {
  if (target.kind === "cli") return (await target.complete({ prompt: "hi", signal })).text;
  const r = await generateText({
    model: target.model,
    prompt: "hi",
    maxOutputTokens: target.info.maxTokens,
    maxRetries: 0,
    abortSignal: signal,
  });
  return r.text;
}

/** An attempt that streams; an error part fails the attempt so the chain moves on. */
async function streamAttempt(target: ModelTarget, _ref: unknown, signal: AbortSignal) {
  assert.equal(target.kind, "api");
  if (target.kind !== "api") throw new Error("unreachable");
  const r = streamText({
    model: target.model,
    prompt: "hi",
    maxRetries: 0,
    abortSignal: signal,
    onError: () => {}, // errors arrive as stream parts; the default logs them to the console
  });
  let text = "";
  for await (const part of r.stream) {
    if (part.type === "error") throw part.error;
    if (part.type === "text-delta") text += part.text;
  }
  return text;
}

Deno.test("runWithFallbacks(): a primary answering 500 falls back to the next provider", async () => {
  await using primary = await startFakeProvider({ kind: "openai-completions" });
  await using backup = await startFakeProvider({ kind: "anthropic-messages" });
  const catalog = await catalogOf({ a: providerEntry(primary), b: providerEntry(backup) });
  const cooldowns = new ModelCooldowns();
  primary.enqueue({ status: 500, error: "upstream exploded" });
  backup.enqueue({ text: "backup here" });
  const result = await runWithFallbacks(
    { primary: "a/fake-model", fallbacks: ["b/fake-model"] },
    generateAttempt,
    { catalog, cooldowns },
  );
  assert.equal(result.value, "backup here");
  assert.equal(result.ref, "b/fake-model");
  assert.equal(result.attempts[0].reason, "server");
  assert.equal(result.attempts[0].status, 500);
  assert.match(result.attempts[0].error ?? "", /upstream exploded/);
  assert.ok(cooldowns.isCooling("a/fake-model"));

  backup.enqueue({ text: "still backup" });
  const again = await runWithFallbacks(["a/fake-model", "b/fake-model"], generateAttempt, {
    catalog,
    cooldowns,
  });
  assert.equal(again.value, "still backup");
  assert.equal(again.attempts[0].skipped, "cooldown");
  assert.equal(primary.requests.length, 1, "the cooling primary got no second request");
});

Deno.test("runWithFallbacks(): a streaming primary answering 429 falls back", async () => {
  await using primary = await startFakeProvider({ kind: "openai-responses" });
  await using backup = await startFakeProvider({ kind: "openai-completions" });
  const catalog = await catalogOf({ a: providerEntry(primary), b: providerEntry(backup) });
  primary.enqueue({ status: 429, error: "slow down" });
  backup.enqueue({ text: "streamed backup" });
  const result = await runWithFallbacks(["a/fake-model", "b/fake-model"], streamAttempt, {
    catalog,
  });
  assert.equal(result.value, "streamed backup");
  assert.equal(result.attempts[0].reason, "rate_limit");
});

Deno.test("runWithFallbacks(): timeouts, refused connections and 401s move on; 400 stops", async () => {
  await using slow = await startFakeProvider({ kind: "openai-completions" });
  await using denied = await startFakeProvider({ kind: "anthropic-messages" });
  await using good = await startFakeProvider({ kind: "openai-completions" });
  const closed = `http://127.0.0.1:${freePort()}/v1`;
  const catalog = await catalogOf({
    slow: providerEntry(slow),
    gone: providerEntry(slow, { baseUrl: closed }),
    denied: providerEntry(denied),
    good: providerEntry(good),
  });
  slow.enqueue({ text: "too late", delayMs: 5_000 });
  denied.enqueue({ status: 401, error: "invalid x-api-key" });
  good.enqueue({ text: "finally" });
  const result = await runWithFallbacks(
    ["slow/fake-model", "gone/fake-model", "denied/fake-model", "good/fake-model"],
    generateAttempt,
    { catalog, attemptTimeoutMs: 300 },
  );
  assert.equal(result.value, "finally");
  assert.deepEqual(result.attempts.map((a) => a.reason ?? "ok"), [
    "timeout",
    "network",
    "auth",
    "ok",
  ]);

  good.enqueue({ status: 400, error: "bad request" }, { text: "unused" });
  await assert.rejects(
    () => runWithFallbacks(["good/fake-model", "denied/fake-model"], generateAttempt, { catalog }),
    (err: unknown) => err instanceof OpenClawError && err.code === "MODEL_REQUEST_FAILED",
  );
  assert.equal(denied.requests.length, 1, "the fallback was not tried after a 400");
});

Deno.test("runWithFallbacks(): a CLI backend answers when the API model fails", async () => {
  await using primary = await startFakeProvider({ kind: "anthropic-messages" });
  await using dir = await tempDir("openclaw-fake-cli-");
  const { writeFakeCli } = await import("../fixtures/fake_providers/fake_cli.ts");
  const claude = await writeFakeCli(dir.path, "claude", {
    stdout: JSON.stringify({ type: "result", result: "from claude cli", session_id: "s1" }),
  });
  const catalog = await resolveCatalog({
    models: { mode: "replace", providers: { a: providerEntry(primary) } },
    agents: { defaults: { cliBackends: { "claude-cli": { command: claude.command } } } },
  }, {});
  primary.enqueue({ status: 503, error: "overloaded" });
  const result = await runWithFallbacks(
    { primary: "a/fake-model", fallbacks: ["claude-cli/opus-4.6"] },
    generateAttempt,
    { catalog },
  );
  assert.equal(result.value, "from claude cli");
  assert.equal(result.ref, "claude-cli/opus-4.6");
  const args = await claude.args();
  assert.deepEqual(args, ["-p", "--output-format", "json", "--model", "opus", "hi"]);
});

async function writeConfig(path: string, fake: FakeProvider, extra = "") {
  await writeFile(
    path,
    `{
  // a config pointing at the fake provider
  agents: { defaults: { model: { primary: "fake/fake-model", fallbacks: ["claude-cli/opus-4.6"] } } },
  models: {
    mode: "merge",
    providers: {
      fake: { baseUrl: "${fake.baseUrl}", api: "${fake.kind}", apiKey: "\${FAKE_KEY}",
        models: [{ id: "fake-model", name: "Fake Model", contextWindow: 32000 }] },
    },
  },
  ${extra}
}`,
  );
}

Deno.test("openclaw models list --json / status --json show the catalog and auth, never keys", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  await using sb = await makeSandbox({ env: { FAKE_KEY: "sk-fake-123456" } });
  await writeConfig(sb.configPath, fake);

  const list = await runCli(sb, ["models", "list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout);
  const row = listed.models.find((m: { key: string }) => m.key === "fake/fake-model");
  assert.deepEqual(
    [row.name, row.contextWindow, row.local, row.available, row.auth],
    ["Fake Model", 32000, true, true, "config"],
  );
  assert.deepEqual(row.tags, ["configured", "default"]);
  assert.ok(listed.models.some((m: { key: string }) => m.key === "anthropic/claude-opus-4-6"));
  const cli = listed.models.find((m: { key: string }) => m.key === "claude-cli/opus-4.6");
  assert.deepEqual(cli.tags, ["fallback#1"]);

  const status = await runCli(sb, ["models", "status", "--json"]);
  assert.equal(status.code, 0, status.stderr);
  assert.ok(!status.stdout.includes("sk-fake-123456"), "the key is never printed");
  const report = JSON.parse(status.stdout);
  assert.equal(report.agentId, "main");
  assert.equal(report.resolvedDefault, "fake/fake-model");
  assert.deepEqual(report.fallbacks, ["claude-cli/opus-4.6"]);
  const fakeAuth = report.auth.providers.find((p: { provider: string }) => p.provider === "fake");
  assert.deepEqual(fakeAuth.effective, { kind: "config", detail: "models.providers.fake.apiKey" });
  assert.equal(fakeAuth.inUse, true);
  assert.deepEqual(report.auth.missingProvidersInUse, []);
  assert.equal(fake.requests.length, 0, "status without --probe sends nothing");
});

Deno.test("openclaw models status --probe buckets live results; --check and --plain", async () => {
  await using fake = await startFakeProvider({ kind: "openai-responses" });
  await using sb = await makeSandbox({ env: { FAKE_KEY: "sk-fake" } });
  await writeConfig(sb.configPath, fake);
  fake.enqueue({ text: "OK" });
  const ok = await runCli(sb, ["models", "status", "--json", "--probe"]);
  assert.equal(ok.code, 0, ok.stderr);
  const probes = JSON.parse(ok.stdout).auth.probes;
  assert.equal(probes.totalTargets, 1, "CLI backends are not probed");
  assert.equal(probes.results[0].ref, "fake/fake-model");
  assert.equal(probes.results[0].status, "ok");
  assert.equal(fake.requests[0].body.max_output_tokens, 16);

  fake.enqueue({ status: 401, error: "bad key" });
  const denied = await runCli(sb, ["models", "status", "--json", "--probe"]);
  assert.equal(JSON.parse(denied.stdout).auth.probes.results[0].status, "auth");

  fake.enqueue({ status: 429, error: "slow down" });
  const limited = await runCli(sb, ["models", "status", "--json", "--probe"]);
  assert.equal(JSON.parse(limited.stdout).auth.probes.results[0].status, "rate_limit");

  const plain = await runCli(sb, ["models", "status", "--plain"]);
  assert.equal(plain.stdout.trim(), "fake/fake-model");

  await writeConfig(sb.configPath, fake, 'agent: { model: "openai/gpt-5" },');
  const unset = await runCli(sb, ["models", "status", "--check", "--agent", "main"]);
  assert.equal(unset.code, 0, "defaults win over the legacy block");
  await writeFile(sb.configPath, '{ agents: { defaults: { model: "openai/gpt-5" } } }');
  const missing = await runCli(sb, ["models", "status", "--check"]);
  assert.equal(missing.code, 1, missing.stdout + missing.stderr);
  assert.match(missing.stdout, /Missing auth\n- openai/);

  const badAgent = await runCli(sb, ["models", "status", "--json", "--agent", "ghost"]);
  assert.equal(badAgent.code, 1);
  assert.equal(JSON.parse(badAgent.stdout).error.type, "AGENT_UNKNOWN");
});
