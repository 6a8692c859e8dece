/**
 * The `secrets` subsystem: every SecretRef of the config resolved once into the snapshot that
 * requests read from, swapped only when a reload resolves every ref (`secrets.reload`, or a hot
 * reload that changed the refs). A ref that does not resolve at start stops the start.
 *
 * @module
 */
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { errorMessage } from "../../lib/errors.ts";
import { collectSecretRefs } from "../../lib/secrets/collect.ts";
import { resolveSecretRefs, type SecretSnapshot } from "../../lib/secrets/snapshot.ts";
import type { Logger } from "../../lib/log/mod.ts";
import type { GatewaySubsystem } from "./lifecycle.ts";
import type { LoggingSubsystem } from "./logging.ts";

/** What the secrets subsystem reads and swaps. */
export interface SecretsHost {
  readonly config: OpenClawConfig;
  secrets: SecretSnapshot;
}

/** The secrets subsystem plus the reload the `secrets.reload` method calls. */
export interface SecretsSubsystem extends GatewaySubsystem {
  /**
   * Re-resolves every ref; `commit` runs with the new snapshot before it is swapped in (the
   * server re-resolves auth there and may refuse). Throws and keeps the old snapshot otherwise.
   */
  reloadNow(): Promise<{ warningCount: number }>;
}

/** Options for {@linkcode secretsSubsystem}. */
export interface SecretsSubsystemOptions {
  logging: LoggingSubsystem;
  /** Checks a new snapshot and applies what depends on it (auth); throws to refuse it. */
  commit(next: SecretSnapshot): void;
}

/** Creates the secrets subsystem. */
export function secretsSubsystem(
  host: SecretsHost,
  options: SecretsSubsystemOptions,
): SecretsSubsystem {
  // Every value resolved during this start, rotated-out ones included: masked in logs and in a
  // failing resolver's stderr.
  const resolved = new Set<string>();
  let log: Logger | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let reloads = 0;

  // New values are masked before anything can log them, even if the swap is then refused.
  const mask = async (snapshot: SecretSnapshot) => {
    const fresh = [...snapshot.values.values()].filter((v) => !resolved.has(v));
    fresh.forEach((v) => resolved.add(v));
    if (fresh.length > 0) await options.logging.maskValues(fresh);
  };

  const reloadNow = () => {
    const run = async () => {
      const next = await resolveSecretRefs(host.config, { mask: resolved });
      await mask(next);
      options.commit(next);
      host.secrets = next;
      for (const w of next.warnings) log?.warn(w.message);
      reloads++;
      log?.info(`secrets reloaded (${next.values.size} resolved)`);
      return { warningCount: next.warnings.length };
    };
    const p = queue.then(run, run);
    queue = p.catch(() => {});
    return p;
  };

  return {
    id: "secrets",
    required: true,
    after: ["logging"],
    async start(ctx) {
      log = ctx.log;
      const first = await resolveSecretRefs(host.config);
      await mask(first);
      host.secrets = first;
      for (const w of first.warnings) log?.warn(w.message);
    },
    async reload({ config, previous }) {
      const refs = (c: OpenClawConfig) => JSON.stringify(collectSecretRefs(c));
      if (refs(config) === refs(previous)) return;
      await reloadNow().catch((err) =>
        log?.warn(
          `secret refs changed but did not resolve; keeping the previous secrets: ${
            errorMessage(err)
          }`,
        )
      );
    },
    reloadNow,
    stop() {},
    health: () => ({
      resolved: host.secrets.values.size,
      warnings: host.secrets.warnings.length,
      reloads,
    }),
  };
}
