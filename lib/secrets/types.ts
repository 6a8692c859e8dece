/**
 * Shapes shared by the providers and the resolver.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import type { Env } from "../paths.ts";

/** One entry of `secrets.providers`. */
export type SecretProviderConfig = NonNullable<
  NonNullable<OpenClawConfig["secrets"]>["providers"]
>[string];
/** `{ source: "env" }`. */
export type EnvProviderConfig = Extract<SecretProviderConfig, { source: "env" }>;
/** `{ source: "file", path, mode }`. */
export type FileProviderConfig = Extract<SecretProviderConfig, { source: "file" }>;
/** `{ source: "exec", command, ... }`. */
export type ExecProviderConfig = Extract<SecretProviderConfig, { source: "exec" }>;

/** What became of one id at a provider. */
export type IdOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: string; hint?: string };

/** What a provider is given besides its config and ids. */
export interface ProviderContext {
  /** The provider alias (the ref's `provider`). */
  alias: string;
  /** Variables env refs and `passEnv` read. */
  env: Env;
  /** Base of relative file paths. */
  cwd: string;
}
