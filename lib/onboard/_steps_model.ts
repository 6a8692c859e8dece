/**
 * The model steps: which provider, its key (or a custom OpenAI/Anthropic-compatible endpoint),
 * and an optional live test of one tiny request.
 *
 * @module
 */
import { AUTH_CHOICES, CUSTOM_COMPATIBILITIES, type OnboardAnswers } from "./answers.ts";
import { choiceOf, fail, ok, type StepDef, type StepState, textOf } from "./_step.ts";
import { isLocal } from "./_steps_setup.ts";
import {
  CUSTOM_API_KEY_ENV,
  customProviderIdFor,
  isValidProviderId,
  KEYED_PROVIDERS,
  keyedProvider,
} from "./providers.ts";

/** Stock's message for a custom provider without its URL or model. */
export const CUSTOM_REQUIRED_MESSAGE = [
  'Auth choice "custom-api-key" requires a base URL and model ID.',
  "Use --custom-base-url and --custom-model-id.",
].join("\n");

/** Stock's message for a bad `--custom-provider-id`. */
export const CUSTOM_PROVIDER_ID_MESSAGE =
  "Custom provider ID must include letters, numbers, or hyphens.";

const isCustom = (s: StepState) => isLocal(s) && s.answers.authChoice === "custom-api-key";

/** Returns an error for a base URL that is not http(s), else undefined. */
export function baseUrlProblem(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return undefined;
  } catch { /* reported below */ }
  return `Invalid custom base URL "${url.slice(0, 80)}": use http:// or https://`;
}

/** The key already in the environment for the chosen provider, if any. */
function envKey(s: StepState): { name: string; value: string } | undefined {
  const name = keyedProvider(s.answers.authChoice)?.envVar ??
    (s.answers.authChoice === "custom-api-key" ? CUSTOM_API_KEY_ENV : undefined);
  const value = name ? s.ctx.env[name]?.trim() : undefined;
  return name && value ? { name, value } : undefined;
}

const authChoice: StepDef = {
  id: "auth-choice",
  section: "model",
  key: "authChoice",
  applies: isLocal,
  view: () => ({
    id: "auth-choice",
    type: "select",
    title: "Model",
    message: "Model provider",
    options: [
      ...KEYED_PROVIDERS.map((p) => ({ value: p.choice, label: p.label })),
      {
        value: "custom-api-key",
        label: "Custom endpoint",
        hint: "OpenAI- or Anthropic-compatible (LM Studio, vLLM, a proxy)",
      },
      { value: "skip", label: "Skip for now" },
    ],
    initialValue: KEYED_PROVIDERS[0].choice,
  }),
  accept: (value) => {
    const c = choiceOf(value, AUTH_CHOICES);
    return c ? ok({ authChoice: c }) : fail(`Choose one of: ${AUTH_CHOICES.join(", ")}`);
  },
  auto: () => ok({ authChoice: "skip" }),
};

const customBaseUrl: StepDef = {
  id: "custom-base-url",
  section: "model",
  key: "customBaseUrl",
  applies: isCustom,
  view: () => ({
    id: "custom-base-url",
    type: "text",
    message: "API base URL",
    placeholder: "http://127.0.0.1:1234/v1",
  }),
  accept: (value) => {
    const url = textOf(value) ?? "";
    const problem = url === "" ? "Enter the base URL" : baseUrlProblem(url);
    return problem ? fail(problem) : ok({ customBaseUrl: url });
  },
  auto: () => fail(CUSTOM_REQUIRED_MESSAGE),
};

const customModelId: StepDef = {
  id: "custom-model-id",
  section: "model",
  key: "customModelId",
  applies: isCustom,
  view: () => ({
    id: "custom-model-id",
    type: "text",
    message: "Model ID",
    placeholder: "e.g. llama3, qwen2.5-coder",
  }),
  accept: (value) => {
    const id = textOf(value) ?? "";
    return id === "" ? fail("Model ID is required") : ok({ customModelId: id });
  },
  auto: () => fail(CUSTOM_REQUIRED_MESSAGE),
};

const customCompatibility: StepDef = {
  id: "custom-compatibility",
  section: "model",
  key: "customCompatibility",
  applies: isCustom,
  view: () => ({
    id: "custom-compatibility",
    type: "select",
    message: "API compatibility",
    options: [
      { value: "openai", label: "OpenAI Chat Completions" },
      { value: "openai-responses", label: "OpenAI Responses" },
      { value: "anthropic", label: "Anthropic Messages" },
    ],
    initialValue: "openai",
  }),
  accept: (value) => {
    const c = choiceOf(value, CUSTOM_COMPATIBILITIES);
    return c
      ? ok({ customCompatibility: c })
      : fail(`Choose one of: ${CUSTOM_COMPATIBILITIES.join(", ")}`);
  },
  auto: () => ok({ customCompatibility: "openai" }),
};

const customProviderId: StepDef = {
  id: "custom-provider-id",
  section: "model",
  key: "customProviderId",
  applies: isCustom,
  view: (s) => ({
    id: "custom-provider-id",
    type: "text",
    message: "Provider ID (models are named <provider>/<model>)",
    initialValue: customProviderIdFor(s.answers.customBaseUrl ?? ""),
  }),
  accept: (value, s) => {
    const id = (textOf(value) || customProviderIdFor(s.answers.customBaseUrl ?? "")).toLowerCase();
    return isValidProviderId(id) ? ok({ customProviderId: id }) : fail(CUSTOM_PROVIDER_ID_MESSAGE);
  },
  auto: (s) => ok({ customProviderId: customProviderIdFor(s.answers.customBaseUrl ?? "") }),
};

const apiKey: StepDef = {
  id: "api-key",
  section: "model",
  key: "apiKey",
  applies: (s) =>
    isLocal(s) && s.answers.authChoice !== undefined && s.answers.authChoice !== "skip",
  view: (s) => {
    const keyed = keyedProvider(s.answers.authChoice);
    const found = envKey(s);
    return {
      id: "api-key",
      type: "text",
      message: keyed ? `${keyed.label}` : "API key",
      placeholder: found
        ? `leave blank to use ${found.name} from the environment`
        : keyed
        ? "paste the key"
        : "leave blank if the endpoint needs none",
      sensitive: true,
    };
  },
  accept: (value, s) => {
    const key = textOf(value) ?? "";
    if (key !== "") return ok({ apiKey: key });
    const found = envKey(s);
    if (found) return ok({ apiKey: found.value });
    return keyedProvider(s.answers.authChoice) ? fail("Enter the API key") : ok({ apiKey: "" });
  },
  auto: (s) => {
    const found = envKey(s);
    if (found) return ok({ apiKey: found.value });
    const keyed = keyedProvider(s.answers.authChoice);
    if (!keyed) return ok({ apiKey: "" });
    return fail(`Missing ${keyed.flag} (or ${keyed.envVar} in env).`);
  },
};

/** True when there is something to test: a keyed provider with its key, or a custom endpoint. */
function testable(s: StepState): boolean {
  if (!isLocal(s) || !s.canProbe || !s.ctx.interactive) return false;
  const a = s.answers;
  return a.authChoice === "custom-api-key" ||
    (keyedProvider(a.authChoice) !== undefined && (a.apiKey ?? "") !== "");
}

const verify: StepDef = {
  id: "verify",
  section: "model",
  key: "verifyKey",
  applies: testable,
  view: () => ({
    id: "verify",
    type: "confirm",
    message: "Send one tiny test request to the model now? (at most 8 seconds)",
    initialValue: true,
  }),
  accept: (value) =>
    typeof value === "boolean" ? ok({ verifyKey: value }) : fail("Answer yes or no"),
  auto: () => ok({ verifyKey: false }),
};

/** The answers a retry clears, so the model steps are asked again. */
const MODEL_RETRY: readonly (keyof OnboardAnswers)[] = [
  "authChoice",
  "apiKey",
  "customBaseUrl",
  "customModelId",
  "customProviderId",
  "customCompatibility",
  "verifyKey",
  "verifyFailed",
  "keepUnverified",
];

const verifyFailed: StepDef = {
  id: "verify-failed",
  section: "model",
  key: "keepUnverified",
  applies: (s) => testable(s) && (s.answers.verifyFailed ?? "") !== "",
  view: (s) => ({
    id: "verify-failed",
    type: "select",
    message: `The test request failed: ${s.answers.verifyFailed}`,
    options: [
      { value: "retry", label: "Enter the provider again" },
      { value: "keep", label: "Save it anyway" },
    ],
    initialValue: "retry",
  }),
  accept: (value) => {
    if (value === "keep") return ok({ keepUnverified: true });
    if (value === "retry") return { answers: {}, clear: MODEL_RETRY };
    return fail('Choose "retry" or "keep"');
  },
  auto: () => ok({ keepUnverified: true }),
};

/** The model steps, in order. */
export const MODEL_STEPS: readonly StepDef[] = [
  authChoice,
  customBaseUrl,
  customModelId,
  customCompatibility,
  customProviderId,
  apiKey,
  verify,
  verifyFailed,
];
