/**
 * Resolving a batch of SecretRefs against the configured providers: refs are grouped per
 * provider so each file is read once and each exec resolver runs once, groups run concurrently,
 * and every ref gets an outcome (nothing here throws for a ref that cannot be resolved).
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { type Env, processEnv } from "../paths.ts";
import { maskSecrets } from "./mask.ts";
import { SecretProviderError } from "./_provider_error.ts";
import { type SecretRef, secretRefKey } from "./ref.ts";
import type { IdOutcome, ProviderContext, SecretProviderConfig } from "./types.ts";

/** Options for {@linkcode resolveRefOutcomes}. */
export interface ResolveOptions {
  /** Environment for env refs and exec `passEnv`. @default the process environment */
  env?: Env;
  /** Base of relative file provider paths. @default Deno.cwd() */
  cwd?: string;
  /** More strings to mask out of error messages (e.g. the config's plaintext secrets). */
  mask?: Iterable<string>;
}

/** The outcome of one ref. */
export type RefOutcome =
  | { ok: true; value: string }
  | { ok: false; error: string; hint?: string; provider: string };

/** The part of the config resolution reads. */
export type SecretsConfigView = Pick<OpenClawConfig, "secrets">;

function describeValue(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === "string") return "an empty string";
  return Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

/**
 * Returns the provider config a ref resolves through: the configured alias, or for env refs an
 * implicit `{ source: "env" }` (so `{ source: "env", provider: "default" }` works with no
 * providers configured).
 *
 * @throws {SecretProviderError} when the alias is missing or has another source.
 */
export function providerForRef(ref: SecretRef, config: SecretsConfigView): SecretProviderConfig {
  const providers = config.secrets?.providers ?? {};
  const configured = Object.hasOwn(providers, ref.provider) ? providers[ref.provider] : undefined;
  if (!configured) {
    if (ref.source === "env") return { source: "env" };
    throw new SecretProviderError(`secret provider "${ref.provider}" is not configured`, {
      hint: `Add secrets.providers.${ref.provider} ({ source: "${ref.source}", \u2026 }) ` +
        "or fix the ref's provider",
    });
  }
  if (configured.source !== ref.source) {
    throw new SecretProviderError(
      `secret provider "${ref.provider}" is ${
        configured.source === "file" ? "a" : "an"
      } ${configured.source} provider, but the ref asks ` +
        `for source "${ref.source}"`,
      { hint: `Set the ref's source to "${configured.source}", or use another provider` },
    );
  }
  return configured;
}

// Each provider is imported when a ref first needs it: an env-only config never loads the file
// and exec machinery.
async function resolveGroup(
  ctx: ProviderContext,
  provider: SecretProviderConfig,
  ids: string[],
): Promise<Map<string, IdOutcome>> {
  switch (provider.source) {
    case "env": {
      const { resolveEnvIds } = await import("./env_provider.ts");
      return resolveEnvIds(ctx, provider, ids);
    }
    case "file": {
      const { resolveFileIds } = await import("./file_provider.ts");
      return await resolveFileIds(ctx, provider, ids);
    }
    case "exec": {
      const { resolveExecIds } = await import("./exec_provider.ts");
      return await resolveExecIds(ctx, provider, ids);
    }
  }
}

/**
 * Resolves `refs` and returns an outcome per ref key (`source:provider:id`). Error messages
 * name the provider and never contain a resolved value.
 */
export async function resolveRefOutcomes(
  refs: readonly SecretRef[],
  config: SecretsConfigView,
  options: ResolveOptions = {},
): Promise<Map<string, RefOutcome>> {
  const env = options.env ?? processEnv();
  const cwd = options.cwd ?? Deno.cwd();
  const groups = new Map<string, { source: SecretRef["source"]; alias: string; ids: string[] }>();
  for (const ref of refs) {
    const gk = `${ref.source}:${ref.provider}`;
    const g = groups.get(gk) ?? { source: ref.source, alias: ref.provider, ids: [] };
    if (!g.ids.includes(ref.id)) g.ids.push(ref.id);
    groups.set(gk, g);
  }
  const outcomes = new Map<string, RefOutcome>();
  await Promise.all([...groups.values()].map(async (g) => {
    const keyOf = (id: string) => secretRefKey({ source: g.source, provider: g.alias, id });
    const failAll = (error: string, hint?: string) => {
      for (const id of g.ids) {
        outcomes.set(keyOf(id), { ok: false, error, hint, provider: g.alias });
      }
    };
    let results: Map<string, IdOutcome>;
    try {
      const provider = providerForRef(
        { source: g.source, provider: g.alias, id: g.ids[0] },
        config,
      );
      results = await resolveGroup({ alias: g.alias, env, cwd }, provider, g.ids);
    } catch (err) {
      if (err instanceof SecretProviderError) failAll(err.message, err.hint);
      else failAll(`${g.source} provider "${g.alias}" failed: ${(err as Error).message}`);
      return;
    }
    for (const id of g.ids) {
      const r = results.get(id);
      if (!r) {
        outcomes.set(keyOf(id), {
          ok: false,
          error: `${g.source} provider "${g.alias}" returned nothing for "${id}"`,
          provider: g.alias,
        });
      } else if (!r.ok) {
        outcomes.set(keyOf(id), { ok: false, error: r.error, hint: r.hint, provider: g.alias });
      } else if (typeof r.value !== "string" || r.value === "") {
        outcomes.set(keyOf(id), {
          ok: false,
          error: `${g.source} provider "${g.alias}" returned ${
            describeValue(r.value)
          } for "${id}"; a secret must be a non-empty string`,
          provider: g.alias,
        });
      } else {
        outcomes.set(keyOf(id), { ok: true, value: r.value });
      }
    }
  }));
  // A resolver's stderr could echo a value another provider returned: mask them all.
  const known = [...options.mask ?? []];
  for (const o of outcomes.values()) if (o.ok) known.push(o.value);
  for (const [k, o] of outcomes) {
    if (!o.ok) outcomes.set(k, { ...o, error: maskSecrets(o.error, known) });
  }
  return outcomes;
}
