/**
 * Shared set-up of the agent runtime integration tests: a config pointing at fake providers, a
 * runtime in a temp state dir, and small waiting/collecting helpers.
 */
import { createAgentRuntime } from "../../lib/agent/mod.ts";
import type { AgentStreamEvent } from "../../lib/agent/mod.ts";
import { OpenClawConfigSchema } from "../../lib/config/schema.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { FakeProvider, FakeProviderKind } from "../fixtures/fake_providers/mod.ts";

// The AI SDK logs compatibility notes (e.g. unknown model limits) to the console.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const KINDS: FakeProviderKind[] = [
  "openai-completions",
  "openai-responses",
  "anthropic-messages",
];
export const ROOT = new URL("../../", import.meta.url).pathname;

export interface ProviderSpec {
  baseUrl: string;
  api: string;
  reasoning?: boolean;
}

export function makeConfig(
  providers: Record<string, ProviderSpec>,
  model: string | { primary: string; fallbacks?: string[] },
  workspace: string,
  extra: Record<string, unknown> = {},
  defaults: Record<string, unknown> = {},
): OpenClawConfig {
  const entries = Object.fromEntries(
    Object.entries(providers).map(([id, p]) => [id, {
      baseUrl: p.baseUrl,
      api: p.api,
      apiKey: "test-key",
      models: [{
        id: "fake-model",
        name: "Fake",
        cost: { input: 1, output: 2 },
        ...(p.reasoning ? { reasoning: true, maxTokens: 40_000 } : {}),
      }],
    }]),
  );
  return OpenClawConfigSchema.parse({
    models: { mode: "replace", providers: entries },
    agents: { defaults: { model, workspace, ...defaults } },
    ...extra,
  });
}

/** A temp state dir, a runtime over it, and cleanup. */
export async function harness(
  providers: Record<string, FakeProvider>,
  model: string | { primary: string; fallbacks?: string[] },
  options: { maxSteps?: number; extra?: Record<string, unknown>; reasoning?: boolean } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-agent-" });
  const workspace = `${dir}/workspace`;
  const specs = Object.fromEntries(
    Object.entries(providers).map((
      [id, f],
    ) => [id, { baseUrl: f.baseUrl, api: f.kind, reasoning: options.reasoning }]),
  );
  const config = makeConfig(specs, model, workspace, options.extra);
  const runtime = createAgentRuntime({
    config,
    stateDir: dir,
    ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
  });
  return {
    dir,
    workspace,
    config,
    runtime,
    transcriptPath: (sessionId: string) => `${dir}/agents/main/sessions/${sessionId}.jsonl`,
    storePath: `${dir}/agents/main/sessions/sessions.json`,
    async [Symbol.asyncDispose]() {
      await runtime.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function collect(events: AgentStreamEvent[]) {
  return (e: AgentStreamEvent) => events.push(e);
}
