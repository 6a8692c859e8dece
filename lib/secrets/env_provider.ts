/**
 * The `env` provider: the ref id is an environment variable name.
 *
 * @module
 */
import type { EnvProviderConfig, IdOutcome, ProviderContext } from "./types.ts";

/** Resolves env ids from `ctx.env`, honouring the provider's optional `allowlist`. */
export function resolveEnvIds(
  ctx: ProviderContext,
  config: EnvProviderConfig,
  ids: readonly string[],
): Map<string, IdOutcome> {
  const out = new Map<string, IdOutcome>();
  const allow = config.allowlist ? new Set(config.allowlist) : undefined;
  for (const id of ids) {
    if (allow && !allow.has(id)) {
      out.set(id, {
        ok: false,
        error: `env provider "${ctx.alias}": variable "${id}" is not in its allowlist`,
        hint: `Add "${id}" to secrets.providers.${ctx.alias}.allowlist`,
      });
      continue;
    }
    const value = ctx.env[id];
    out.set(
      id,
      value ? { ok: true, value } : {
        ok: false,
        error: `env provider "${ctx.alias}": environment variable "${id}" is missing or empty`,
        hint: `Set ${id} in the gateway's environment, ./.env or ~/.openclaw/.env`,
      },
    );
  }
  return out;
}
