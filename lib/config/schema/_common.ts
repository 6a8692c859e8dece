/**
 * Building blocks shared by the section schemas: secret references, enums whose errors list the
 * allowed values, durations, model references and tool allow/deny policies.
 *
 * @module
 */

import { z } from "zod";

/** Secret provider alias, e.g. `default`, `onepassword_openai` (§3.1). */
export const SECRET_PROVIDER_ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;
/** Env SecretRef id: an upper-case environment variable name. */
export const ENV_SECRET_ID = /^[A-Z][A-Z0-9_]{0,127}$/;
/** Exec SecretRef id: a path-like token handed to the resolver command. */
export const EXEC_SECRET_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;

/** Quotes a value the way config error messages show it. */
export function quoteValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}

function allowedList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** A string enum whose error names the rejected value and lists every allowed one. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    // zod's default text ("Invalid option") omits the value; this error map sees the input.
    error: (iss) =>
      iss.code === "invalid_value"
        ? `Invalid value ${quoteValue(iss.input)}: expected one of ${allowedList(values)}`
        : undefined,
  });
}

/** Error map for discriminated unions: an unknown tag is reported like an enum value. */
function discriminatorError(iss: { code: string; input?: unknown; path?: PropertyKey[] }) {
  const options = (iss as { options?: unknown[] }).options;
  const key = iss.path?.at(-1);
  if (iss.code !== "invalid_union" || !options || typeof key !== "string") return undefined;
  const input = iss.input as Record<string, unknown> | undefined;
  const value = input?.[key];
  return value === undefined
    ? `Missing "${key}": expected one of ${allowedList(options)}`
    : `Invalid value ${quoteValue(value)}: expected one of ${allowedList(options)}`;
}

/** Params for `z.discriminatedUnion` so unknown tags get a human message. */
export const discriminatorParams = { error: discriminatorError };

function isValidJsonPointer(id: string): boolean {
  // RFC 6901: "/" separated, "~" only as "~0" or "~1".
  return id.startsWith("/") && !/~(?![01])/.test(id);
}

function isValidExecId(id: string): boolean {
  return EXEC_SECRET_ID.test(id) && id.split("/").every((seg) => seg !== "." && seg !== "..");
}

const providerAlias = z
  .string()
  .regex(
    SECRET_PROVIDER_ALIAS,
    'Secret provider must match /^[a-z][a-z0-9_-]{0,63}$/ (example: "default")',
  )
  .describe("Alias of an entry in secrets.providers");

const EnvSecretRefSchema = z.strictObject({
  source: z.literal("env"),
  provider: providerAlias,
  id: z
    .string()
    .regex(
      ENV_SECRET_ID,
      'Env secret id must match /^[A-Z][A-Z0-9_]{0,127}$/ (example: "OPENAI_API_KEY")',
    )
    .describe("Environment variable name"),
});

const FileSecretRefSchema = z.strictObject({
  source: z.literal("file"),
  provider: providerAlias,
  id: z
    .string()
    .refine(
      (id) => id === "value" || isValidJsonPointer(id),
      'File secret id must be an absolute JSON pointer (example: "/providers/openai/apiKey"), ' +
        'or "value" for singleValue mode',
    )
    .describe('Absolute JSON pointer into the secrets file, or "value" in singleValue mode'),
});

const ExecSecretRefSchema = z.strictObject({
  source: z.literal("exec"),
  provider: providerAlias,
  id: z
    .string()
    .refine(
      isValidExecId,
      "Exec secret id must match /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/ " +
        'without "." or ".." segments',
    )
    .describe("Id passed to the resolver command"),
});

/** A reference to a secret held outside the config file (§3.1). */
export const SecretRefSchema = z
  .discriminatedUnion(
    "source",
    [EnvSecretRefSchema, FileSecretRefSchema, ExecSecretRefSchema],
    discriminatorParams,
  )
  .describe("Secret reference { source, provider, id }; resolved once at gateway start")
  // A registry id puts it once under $defs in the JSON Schema instead of inline everywhere.
  .meta({ id: "SecretRef" });

/** A secret reference: where to fetch a credential instead of writing it in the file. */
export type SecretRef = z.output<typeof SecretRefSchema>;

/** A credential: a plaintext string (may contain `${VAR}`) or a {@link SecretRef}. */
export const SecretInputSchema = z
  .union([z.string(), SecretRefSchema])
  .describe('Plaintext string, "${ENV_VAR}", or a SecretRef { source, provider, id }')
  .meta({ id: "SecretInput" });

export { isSecretRef } from "../secret_ref.ts";

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d)?)+$/;

/** A duration such as `30m`, `1h30m` or `500ms`; a bare number means `unit`. */
export function duration(unit: "m" | "ms" | "h") {
  return z
    .union([
      z.string().trim().regex(DURATION, "Invalid duration (use ms, s, m, h, d)"),
      z.number().nonnegative(),
    ])
    .describe(`Duration like "30m", "1h" or "45s"; a bare number is in ${unit}`);
}

/** `provider/model` string or `{ primary, fallbacks }` (§3.5). */
export const ModelRefSchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      primary: z.string().min(1).optional().describe('Primary model, "provider/model"'),
      fallbacks: z.array(z.string().min(1)).optional().describe("Tried in order on failure"),
    }),
  ])
  .describe('Model as "provider/model" or { primary, fallbacks[] }');

/** `allow` / `alsoAllow` / `deny` lists of tool names or `group:*` shorthands. */
export const ToolPolicySchema = z.strictObject({
  allow: z.array(z.string()).optional().describe("Only these tools (names, group:*, * wildcards)"),
  alsoAllow: z.array(z.string()).optional().describe("Extra tools on top of the profile"),
  deny: z.array(z.string()).optional().describe("Never these tools; deny always wins"),
});

/** Tool profile names (§3.6). */
export const ToolProfileSchema = oneOf(["minimal", "coding", "messaging", "full"]).describe(
  "Base tool allowlist: minimal | coding | messaging | full (= unset)",
);

/** Agent or UI identity (§3.8). */
export const IdentitySchema = z
  .strictObject({
    name: z.string().optional().describe("Display name"),
    theme: z.string().optional().describe('Persona hint, e.g. "helpful assistant"'),
    emoji: z.string().optional(),
    avatar: z.string().optional().describe("Workspace-relative path, http(s) URL or data URI"),
  })
  .describe("Who the assistant is");

/** Channel / account heartbeat visibility (§7). */
export const HeartbeatVisibilitySchema = z
  .strictObject({
    showOk: z.boolean().optional().describe("Deliver HEARTBEAT_OK acks (default false)"),
    showAlerts: z.boolean().optional().describe("Deliver alert content (default true)"),
    useIndicator: z.boolean().optional().describe("Emit indicator events (default true)"),
  })
  .describe("Heartbeat visibility; account \u2192 channel \u2192 channels.defaults");

/** Ids in allowlists: Telegram and Discord ids are often written as numbers. */
export const AllowFromSchema = z.array(z.union([z.string(), z.number()]));

/** An open-ended object: known keys typed, anything else accepted as-is. */
export const looseRecord = z.record(z.string(), z.unknown());
