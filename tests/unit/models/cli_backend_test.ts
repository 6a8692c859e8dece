import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  BUILTIN_CLI_BACKENDS,
  type CliBackendConfig,
  resolveCliBackends,
  runCliBackend,
} from "../../../lib/models/mod.ts";
import { writeFakeCli } from "../../fixtures/fake_providers/fake_cli.ts";
import { tempDir } from "../../helpers.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  await using dir = await tempDir("openclaw-cli-backend-");
  await fn(dir.path);
}

function backend(id: string, command: string, extra: Partial<CliBackendConfig> = {}) {
  return { ...BUILTIN_CLI_BACKENDS[id], command, ...extra };
}

function hasCode(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OpenClawError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  };
}

Deno.test("runCliBackend() runs claude with -p, the aliased model and the prompt; clears the API key", async () => {
  await withDir(async (dir) => {
    const claude = await writeFakeCli(dir, "claude", {
      stdout: JSON.stringify({
        type: "result",
        is_error: false,
        result: "  Hi there.  ",
        session_id: "sess-1",
        usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 3 },
      }),
    });
    const result = await runCliBackend("claude-cli", backend("claude-cli", claude.command), {
      model: "opus-4.6",
      prompt: "Say hi",
      systemPrompt: "Be kind.",
      env: { PATH: "/usr/bin:/bin", ANTHROPIC_API_KEY: "sk-ant-secret", KEEP_ME: "1" },
    });
    assert.equal(result.text, "Hi there.");
    assert.equal(result.sessionId, "sess-1");
    assert.equal(result.usage?.inputTokens, 15);
    assert.equal(result.usage?.outputTokens, 3);
    assert.deepEqual(await claude.args(), [
      "-p",
      "--output-format",
      "json",
      "--model",
      "opus",
      "--append-system-prompt",
      "Be kind.",
      "Say hi",
    ]);
    const env = await claude.envNames();
    assert.ok(env.includes("KEEP_ME"));
    assert.ok(!env.includes("ANTHROPIC_API_KEY"), "the key would bypass the CLI's login");
  });
});

Deno.test("runCliBackend() reads codex exec --json events: last agent message, thread id, usage", async () => {
  await withDir(async (dir) => {
    const events = [
      { type: "thread.started", thread_id: "th-9" },
      { type: "item.completed", item: { id: "i0", type: "reasoning", text: "thinking" } },
      { type: "item.completed", item: { id: "i1", type: "agent_message", text: "first" } },
      { type: "item.completed", item: { id: "i2", type: "agent_message", text: "final answer" } },
      {
        type: "turn.completed",
        usage: { input_tokens: 7, cached_input_tokens: 2, output_tokens: 4 },
      },
    ];
    const codex = await writeFakeCli(dir, "codex", {
      stdout: events.map((e) => JSON.stringify(e)).join("\n") + "\nnot json\n",
    });
    const result = await runCliBackend("codex-cli", backend("codex-cli", codex.command), {
      model: "gpt-5.4",
      prompt: "hello",
    });
    assert.equal(result.text, "final answer");
    assert.equal(result.sessionId, "th-9");
    assert.equal(result.usage?.inputTokens, 9);
    const args = await codex.args();
    assert.deepEqual(args.slice(0, 2), ["exec", "--json"]);
    assert.deepEqual(args.slice(-3), ["--model", "gpt-5.4", "hello"]);
  });
});

Deno.test("runCliBackend() sends stdin-mode prompts and prompts starting with '-' on stdin", async () => {
  await withDir(async (dir) => {
    const cli = await writeFakeCli(dir, "mycli", { stdout: "plain answer\n" });
    const custom = resolveCliBackends({ "my-cli": { command: cli.command, input: "stdin" } })
      .get("my-cli")!;
    const r1 = await runCliBackend("my-cli", custom, {
      model: "m",
      prompt: "on stdin",
      systemPrompt: "sys",
    });
    assert.equal(r1.text, "plain answer");
    assert.equal(await cli.stdin(), "sys\n\non stdin", "no systemPromptArg: prepended");
    assert.deepEqual(await cli.args(), []);

    const claude = await writeFakeCli(dir, "claude", { stdout: '{"result":"ok"}' });
    await runCliBackend("claude-cli", backend("claude-cli", claude.command), {
      model: "sonnet",
      prompt: "--help me",
    });
    assert.equal(await claude.stdin(), "--help me");
    assert.ok(!(await claude.args()).includes("--help me"));
  });
});

Deno.test("runCliBackend() reports a missing command, a failing exit and an is_error result", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      () =>
        runCliBackend("claude-cli", backend("claude-cli", `${dir}/nope`), {
          model: "opus",
          prompt: "x",
        }),
      hasCode("MODEL_CLI_NOT_FOUND", /command ".*\/nope" was not found/),
    );
    const failing = await writeFakeCli(dir, "failing", {
      stdout: "",
      stderr: "Not logged in. Run claude login",
      exitCode: 3,
    });
    await assert.rejects(
      () =>
        runCliBackend("claude-cli", backend("claude-cli", failing.command), {
          model: "opus",
          prompt: "x",
        }),
      hasCode("MODEL_CLI_FAILED", /exited with code 3: Not logged in/),
    );
    const erroring = await writeFakeCli(dir, "erroring", {
      stdout: JSON.stringify({ type: "result", is_error: true, result: "Credit balance too low" }),
    });
    await assert.rejects(
      () =>
        runCliBackend("claude-cli", backend("claude-cli", erroring.command), {
          model: "opus",
          prompt: "x",
        }),
      hasCode("MODEL_CLI_FAILED", /Credit balance too low/),
    );
  });
});

Deno.test("runCliBackend() kills a slow CLI at the deadline and bounds its output", async () => {
  await withDir(async (dir) => {
    const slow = await writeFakeCli(dir, "slow", { stdout: "late", sleepSeconds: 5 });
    const t0 = performance.now();
    await assert.rejects(
      () =>
        runCliBackend("slow-cli", backend("codex-cli", slow.command, { output: "text" }), {
          model: "m",
          prompt: "x",
          timeoutMs: 200,
        }),
      hasCode("MODEL_CLI_TIMEOUT"),
    );
    assert.ok(performance.now() - t0 < 4_000, "did not wait for the orphaned sleep");

    const chatty = await writeFakeCli(dir, "chatty", { stdout: "x".repeat(10_000) });
    await assert.rejects(
      () =>
        runCliBackend("chatty", backend("codex-cli", chatty.command, { output: "text" }), {
          model: "m",
          prompt: "x",
          maxOutputBytes: 1_000,
        }),
      hasCode("MODEL_CLI_OUTPUT_TOO_LARGE"),
    );
  });
});

Deno.test("runCliBackend() stops when the caller aborts", async () => {
  await withDir(async (dir) => {
    const slow = await writeFakeCli(dir, "slow", { stdout: "late", sleepSeconds: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(
      () =>
        runCliBackend("slow", backend("codex-cli", slow.command, { output: "text" }), {
          model: "m",
          prompt: "x",
          signal: controller.signal,
        }),
      (err: unknown) => !(err instanceof OpenClawError),
    );
  });
});
