/**
 * Shared set-up of the agent runtime integration tests: a config pointing at fake providers, a
 * runtime in a sandbox's state dir, and an event collector.
 */
import { createAgentRuntime } from "../../lib/agent/mod.ts";
import type { AgentStreamEvent } from "../../lib/agent/mod.ts";
import { OpenClawConfigSchema } from "../../lib/config/schema.ts";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import type { FakeProvider, FakeProviderKind } from "../fixtures/fake_providers/mod.ts";
import { makeSandbox } from "../helpers.ts";

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

/** A sandbox's state dir (`dir`), a runtime over it, and cleanup. */
export async function harness(
  providers: Record<string, FakeProvider>,
  model: string | { primary: string; fallbacks?: string[] },
  options: { maxSteps?: number; extra?: Record<string, unknown>; reasoning?: boolean } = {},
) {
  const sb = await makeSandbox({ prefix: "openclaw-agent-" });
  const dir = sb.stateDir;
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
      await sb[Symbol.asyncDispose]();
    },
  };
}

export function collect(events: AgentStreamEvent[]) {
  return (e: AgentStreamEvent) => events.push(e);
}
