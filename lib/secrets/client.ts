/**
 * SecretRefs among the credentials a CLI sends to its gateway (`gateway.auth.*`,
 * `gateway.remote.*`): resolved locally so `--token` is not needed when the config keeps the
 * gateway's secret in a provider.
 *
 * @module
 */
import type { SecretResolver } from "../auth/resolve.ts";
import { getAtPath } from "../config/path.ts";
import { isSecretRef, type SecretRef, secretRefKey } from "./ref.ts";
import { type ResolveOptions, resolveRefOutcomes, type SecretsConfigView } from "./resolve.ts";

const CLIENT_SECRET_PATHS = [
  ["gateway", "auth", "token"],
  ["gateway", "auth", "password"],
  ["gateway", "remote", "token"],
  ["gateway", "remote", "password"],
];

/**
 * Resolves the client credential refs of a (loosely read) config and returns a resolver for
 * `clientCredentials`. Refs that fail resolve to `undefined`: the connect then fails with the
 * gateway's own auth error.
 */
export async function clientSecretResolver(
  config: Record<string, unknown>,
  options: ResolveOptions = {},
): Promise<SecretResolver> {
  const refs: SecretRef[] = [];
  for (const path of CLIENT_SECRET_PATHS) {
    const hit = getAtPath(config, path);
    if (hit.found && isSecretRef(hit.value)) refs.push(hit.value);
  }
  if (refs.length === 0) return () => undefined;
  // The config was read without the schema; resolution only reads `secrets.providers`.
  const outcomes = await resolveRefOutcomes(refs, config as SecretsConfigView, options);
  return (ref) => {
    const o = outcomes.get(secretRefKey(ref));
    return o?.ok ? o.value : undefined;
  };
}
