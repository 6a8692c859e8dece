/**
 * Shared set-up of the agent integration tests: the gateway token and a config whose only model
 * is a fake provider, with both OpenAI-compatible endpoints on.
 */
import type { FakeProvider } from "../fixtures/fake_providers/mod.ts";

/** The gateway token of the agent integration tests. */
export const AGENT_TEST_TOKEN = "agent-api-test-token-0123456789";

/** The gateway config: the fake provider as the only model, both HTTP endpoints on. */
export function agentConfig(fake: FakeProvider, gatewayExtra = ""): string {
  return `{
    gateway: {
      mode: "local",
      auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" },
      http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
      ${gatewayExtra}
    },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1" } },
  }`;
}
