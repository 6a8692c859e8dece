/**
 * The model providers the wizard offers, by `--auth-choice`: which provider, which key flag and
 * variable, and the default model it sets when none is configured.
 *
 * @module
 */
import { BUILTIN_PROVIDERS } from "../models/builtin_catalog.ts";
import type { AuthChoice } from "./answers.ts";

/** A built-in provider the wizard can set up with an API key. */
export interface KeyedProvider {
  choice: Exclude<AuthChoice, "custom-api-key" | "skip">;
  provider: string;
  label: string;
  /** The non-interactive flag that carries the key. */
  flag: string;
  /** The variable the key is stored under in `~/.openclaw/.env`. */
  envVar: string;
  baseUrl: string;
  /** `agents.defaults.model` when none is set. */
  defaultModel: string;
}

function builtin(
  choice: KeyedProvider["choice"],
  provider: string,
  label: string,
  model: string,
): KeyedProvider {
  const entry = BUILTIN_PROVIDERS[provider];
  return {
    choice,
    provider,
    label,
    flag: `--${provider}-api-key`,
    envVar: entry.envVar ?? `${provider.toUpperCase()}_API_KEY`,
    baseUrl: entry.baseUrl,
    defaultModel: `${provider}/${model}`,
  };
}

/** The keyed built-in providers, in the order the wizard lists them. */
export const KEYED_PROVIDERS: readonly KeyedProvider[] = [
  builtin("openai-api-key", "openai", "OpenAI API key", "gpt-5"),
  builtin("anthropic-api-key", "anthropic", "Anthropic API key", "claude-sonnet-4-5"),
  builtin("openrouter-api-key", "openrouter", "OpenRouter API key", "anthropic/claude-sonnet-4.5"),
];

/** The variable a custom provider's key is stored under (stock's name). */
export const CUSTOM_API_KEY_ENV = "CUSTOM_API_KEY";

/** Returns the keyed provider of `choice`, if it is one. */
export function keyedProvider(choice: string | undefined): KeyedProvider | undefined {
  return KEYED_PROVIDERS.find((p) => p.choice === choice);
}

/** The wire API of each `--custom-compatibility`. */
export const CUSTOM_APIS: ReadonlyMap<string, string> = new Map([
  ["openai", "openai-completions"],
  ["openai-responses", "openai-responses"],
  ["anthropic", "anthropic-messages"],
]);

/**
 * Returns a provider id for a custom base URL: `http://127.0.0.1:1234/v1` -> `custom-127-0-0-1`.
 * Unparseable URLs give `custom`.
 */
export function customProviderIdFor(baseUrl: string): string {
  let host = "";
  try {
    host = new URL(baseUrl.trim()).hostname;
  } catch { /* checked elsewhere; fall back to the generic id */ }
  const slug = host.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug ? `custom-${slug}` : "custom";
}

/** Returns true for a usable provider id: letters, numbers, `-` and `_`, no `/`. */
export function isValidProviderId(id: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(id);
}
