/**
 * Smaller sections we model fully: `meta`, `wizard`, `logging` (§3.4), `env`, `secrets`,
 * `cron`, `discovery` (§3.8) and `bindings`.
 *
 * @module
 */

import { z } from "zod";
import {
  discriminatorParams,
  ENV_SECRET_ID,
  oneOf,
  SECRET_PROVIDER_ALIAS,
  SecretInputSchema,
} from "./_common.ts";
import { normalizeDomain } from "../../discovery/names.ts";

/** `meta`: written by the CLI on every config write. */
export const MetaSchema = z
  .strictObject({
    lastTouchedVersion: z.string().optional(),
    // Agents editing the file sometimes write Date.now(); accepted rather than rejected.
    lastTouchedAt: z.union([z.string(), z.number()]).optional(),
  })
  .describe("Written by the CLI");

/** `wizard`: written by `openclaw onboard`. */
export const WizardSchema = z
  .strictObject({
    lastRunAt: z.string().optional(),
    lastRunVersion: z.string().optional(),
    lastRunCommit: z.string().optional(),
    lastRunCommand: z.string().optional(),
    lastRunMode: oneOf(["local", "remote"]).optional(),
    securityAcknowledgedAt: z.string().optional(),
  })
  .describe("Written by the onboarding wizard");

/** Log levels, quietest first. */
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

/** `logging`. */
export const LoggingSchema = z
  .strictObject({
    level: oneOf(LOG_LEVELS).default("info").describe("File log level"),
    file: z.string().optional().describe(
      "Log file (default /tmp/openclaw/openclaw-YYYY-MM-DD.log)",
    ),
    consoleLevel: oneOf(LOG_LEVELS).default("info").describe("Console level (--verbose: debug)"),
    consoleStyle: oneOf(["pretty", "compact", "json"]).default("pretty"),
    redactSensitive: oneOf(["off", "tools"]).default("tools").describe(
      "Mask secrets in tool output and logs",
    ),
    redactPatterns: z
      .array(z.string())
      .optional()
      .describe('Extra regexes to mask ("re" \u2192 gi, or "/re/flags")'),
    maxFileBytes: z.number().int().positive().optional().describe(
      "Stop writing the file past this",
    ),
  })
  .describe("Logging");

/** `env`: inline `KEY: "value"` pairs plus `vars` and `shellEnv`; inline values must be strings. */
export const EnvSchema = z
  .object({
    vars: z
      .record(z.string(), z.string())
      .optional()
      .describe("Variables applied only when not already set"),
    shellEnv: z
      .strictObject({
        enabled: z.boolean().optional().describe("Import variables from the login shell"),
        timeoutMs: z.number().int().nonnegative().optional().describe("Default 15000"),
      })
      .optional(),
  })
  .catchall(z.string())
  .describe("Environment variables for the gateway (never override existing ones)");

const absolutePath = (what: string) =>
  z.string().min(1).refine(
    (p) => p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p),
    `${what} must be an absolute path`,
  );

const SecretProviderSchema = z.discriminatedUnion("source", [
  z.strictObject({
    source: z.literal("env"),
    allowlist: z.array(z.string().regex(ENV_SECRET_ID)).optional(),
  }),
  z.strictObject({
    source: z.literal("file"),
    path: z.string().min(1).describe("JSON file (mode json) or single-value file"),
    mode: oneOf(["json", "singleValue"]).optional().describe('singleValue: the ref id is "value"'),
    timeoutMs: z.number().int().positive().optional().describe("Read timeout (default 5000)"),
    maxBytes: z.number().int().positive().optional().describe("Largest file read (default 1 MiB)"),
    allowInsecurePath: z.boolean().optional().describe("Accept a group/world-writable file"),
  }),
  z.strictObject({
    source: z.literal("exec"),
    command: absolutePath("secrets.providers.*.command").describe("Resolver (absolute path)"),
    args: z.array(z.string()).optional(),
    passEnv: z.array(z.string()).optional().describe("Variables passed to the resolver"),
    env: z.record(z.string(), z.string()).optional(),
    trustedDirs: z.array(absolutePath("trustedDirs entries")).optional(),
    allowSymlinkCommand: z.boolean().optional(),
    allowInsecurePath: z.boolean().optional(),
    jsonOnly: z.boolean().optional().describe("Resolver prints a JSON protocol response"),
    timeoutMs: z.number().int().positive().optional().describe("Kill after this (default 10000)"),
    noOutputTimeoutMs: z.number().int().positive().optional(),
    maxOutputBytes: z.number().int().positive().optional().describe("Default 1 MiB"),
  }),
], discriminatorParams);

const alias = z
  .string()
  .regex(SECRET_PROVIDER_ALIAS, "Secret provider alias must match /^[a-z][a-z0-9_-]{0,63}$/");

/** `secrets`. */
export const SecretsSchema = z
  .strictObject({
    providers: z
      .record(alias, SecretProviderSchema)
      .optional()
      .describe("Secret providers keyed by alias (used as SecretRef.provider)"),
    defaults: z
      .strictObject({ env: alias.optional(), file: alias.optional(), exec: alias.optional() })
      .optional()
      .describe("Default provider alias per source"),
    resolution: z.looseObject({}).optional(),
  })
  .describe("Where SecretRefs are resolved from");

const DeliveryMode = oneOf(["announce", "webhook"]);

/** `cron`. */
export const CronSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run scheduled jobs"),
    store: z.string().optional().describe("Jobs file (default ~/.openclaw/cron/jobs.json)"),
    maxConcurrentRuns: z.number().int().positive().max(32).optional().describe("Default 1"),
    maxJobs: z.number().int().positive().max(5000).optional().describe("Most jobs (default 500)"),
    skipMissedJobs: z
      .boolean()
      .optional()
      .describe("Default catch-up policy none: skip slots missed while the gateway was down"),
    catchUp: oneOf(["none", "latest", "all"])
      .optional()
      .describe("Default catch-up policy of new jobs (latest)"),
    sessionRetention: z
      .union([z.string(), z.literal(false)])
      .optional()
      .describe('Keep run sessions this long ("24h"), or false'),
    runLog: z
      .strictObject({
        maxBytes: z.union([z.string(), z.number()]).optional().describe("Default 2000000"),
        keepLines: z.number().int().positive().optional().describe("Default 2000"),
      })
      .optional(),
    webhook: z.string().optional().describe("Deprecated"),
    webhookToken: SecretInputSchema.optional(),
    retry: z
      .strictObject({
        maxAttempts: z.number().int().min(0).max(10).optional().describe("Default 3"),
        backoffMs: z.array(z.number().int().nonnegative()).min(1).max(10).optional(),
        retryOn: z
          .array(oneOf(["rate_limit", "overloaded", "network", "timeout", "server_error"]))
          .min(1)
          .optional(),
      })
      .optional(),
    failureAlert: z
      .strictObject({
        enabled: z.boolean().optional(),
        after: z.number().int().min(1).optional(),
        cooldownMs: z.number().int().min(0).optional(),
        includeSkipped: z.boolean().optional(),
        mode: DeliveryMode.optional(),
        accountId: z.string().optional(),
      })
      .optional(),
    failureDestination: z
      .strictObject({
        mode: DeliveryMode.optional(),
        channel: z.string().optional(),
        to: z.string().optional(),
        accountId: z.string().optional(),
      })
      .optional(),
  })
  .describe("Scheduled jobs");

/** `discovery`. */
export const DiscoverySchema = z
  .strictObject({
    mdns: z
      .strictObject({
        mode: oneOf(["minimal", "full", "off"]).optional().describe(
          "Bonjour beacon detail (default minimal)",
        ),
      })
      .optional(),
    wideArea: z
      .strictObject({
        enabled: z.boolean().optional().describe(
          "Write a unicast DNS-SD zone under <stateDir>/dns/ (serve it with openclaw dns setup)",
        ),
        domain: z.string().refine((d) => normalizeDomain(d) !== undefined, {
          message: "Must be a DNS name like openclaw.internal",
        }).optional().describe("Zone domain (default openclaw.internal)"),
      })
      .optional(),
  })
  .describe("Gateway discovery (Bonjour / wide-area DNS-SD)");

/** `bindings[]`: route inbound traffic to an agent. */
export const BindingsSchema = z
  .array(
    z.looseObject({
      agentId: z.string().min(1).describe("Agent that handles matching traffic"),
      match: z
        .looseObject({
          channel: z.string().optional(),
          accountId: z.string().optional(),
          peer: z
            .union([
              z.string(),
              z.looseObject({ kind: z.string().optional(), id: z.string().optional() }),
            ])
            .optional(),
          guildId: z.string().optional(),
          teamId: z.string().optional(),
        })
        .describe("What to match"),
    }),
  )
  .describe("Routing rules: first match wins");
