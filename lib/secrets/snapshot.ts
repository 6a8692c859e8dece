/**
 * The gateway's secret snapshot: every active SecretRef of the config resolved once, up front.
 * Requests read from it and never reach a provider, so a provider outage cannot fail a request;
 * a start (or `secrets.reload`) fails as a whole when any ref does not resolve.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { collectSecretStrings } from "../config/schema/secret_strings.ts";
import { OpenClawError } from "../errors.ts";
import { collectSecretRefs, type SecretRefUse } from "./collect.ts";
import { type SecretRef, secretRefKey } from "./ref.ts";
import type { ResolveOptions } from "./resolve.ts";

/** A ref that was found but deliberately not resolved. */
export interface SecretWarning {
  code: "SECRETS_REF_IGNORED_INACTIVE_SURFACE";
  path: string;
  ref: SecretRef;
  message: string;
}

/** Resolved secrets, indexed by ref. */
export interface SecretSnapshot {
  /** The value of `ref`, or `undefined` when it was not part of the resolution. */
  get(ref: SecretRef): string | undefined;
  /** `source:provider:id` -> value. */
  readonly values: ReadonlyMap<string, string>;
  /** Every ref found in the config (active and inactive). */
  readonly refs: readonly SecretRefUse[];
  readonly warnings: readonly SecretWarning[];
}

/** Builds a snapshot from resolved values. */
export function createSecretSnapshot(
  values: ReadonlyMap<string, string>,
  refs: readonly SecretRefUse[] = [],
  warnings: readonly SecretWarning[] = [],
): SecretSnapshot {
  const map = new Map(values);
  return {
    get: (ref) => map.get(secretRefKey(ref)),
    values: map,
    refs,
    warnings,
  };
}

/** A snapshot with nothing in it (a config without refs). */
export function emptySecretSnapshot(): SecretSnapshot {
  return createSecretSnapshot(new Map());
}

/**
 * Resolves every active SecretRef in a validated config, once per distinct ref.
 *
 * @throws {OpenClawError} `SECRET_REF_UNRESOLVED` naming the config path, the ref
 *   (`source:provider:id`) and the provider's reason, with a hint to fix it.
 */
export async function resolveSecretRefs(
  config: Partial<OpenClawConfig>,
  options: ResolveOptions = {},
): Promise<SecretSnapshot> {
  const refs = collectSecretRefs(config);
  const warnings: SecretWarning[] = refs.filter((u) => !u.active).map((u) => ({
    code: "SECRETS_REF_IGNORED_INACTIVE_SURFACE",
    path: u.path,
    ref: u.ref,
    message: `${u.path}: SecretRef ${secretRefKey(u.ref)} not resolved (${u.inactiveReason})`,
  }));
  const active = refs.filter((u) => u.active);
  if (active.length === 0) return createSecretSnapshot(new Map(), refs, warnings);

  // The providers (files, processes, JSON pointers) are loaded by the first config with a ref
  // to resolve: most configs have none, and their start does without them.
  const { resolveRefOutcomes } = await import("./resolve.ts");
  const outcomes = await resolveRefOutcomes(active.map((u) => u.ref), config, {
    ...options,
    mask: [...options.mask ?? [], ...collectSecretStrings(config)],
  });
  const values = new Map<string, string>();
  const failed: { use: SecretRefUse; error: string; hint?: string; provider: string }[] = [];
  for (const use of active) {
    const o = outcomes.get(secretRefKey(use.ref));
    if (o?.ok) values.set(secretRefKey(use.ref), o.value);
    else if (o) failed.push({ use, error: o.error, hint: o.hint, provider: o.provider });
  }
  if (failed.length > 0) {
    const first = failed[0];
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more unresolved ref(s))` : "";
    throw new OpenClawError(
      "SECRET_REF_UNRESOLVED",
      `Cannot resolve ${first.use.path} (${secretRefKey(first.use.ref)}): ${first.error}${more}`,
      {
        hint: first.hint ?? "Fix secrets.providers or the ref, then check with: " +
            "openclaw secrets audit",
        details: {
          unresolved: failed.map((f) => ({
            path: f.use.path,
            ref: f.use.ref,
            provider: f.provider,
            message: f.error,
          })),
        },
      },
    );
  }
  return createSecretSnapshot(values, refs, warnings);
}
