/**
 * `config.get`, `config.set`, `config.apply`, `config.patch`, `config.schema`: the config over
 * RPC, redacted on the way out, guarded by `baseHash` on the way in (protocol.md §8.3), and
 * written through the same locked, comment-keeping path as `openclaw config set`.
 *
 * @module
 */
import { z } from "zod";
import type { ConfigEdit } from "../../lib/config/edit.ts";
import { formatIssueLines } from "../../lib/config/check.ts";
import { checkConfigTextCached } from "../../lib/config/check_cached.ts";
import { formatConfigPath, getAtPath, type PathSegment, setAtPath } from "../../lib/config/path.ts";
import { parseConfigText, readConfigFile } from "../../lib/config/read.ts";
import {
  findSentinelPaths,
  isRedactionOf,
  knownSecretValues,
  redactConfigObject,
  redactConfigText,
  REDACTED_SENTINEL,
  scrubSecretStrings,
  sentinelRestorations,
} from "../../lib/config/redact.ts";
import { diffConfigPaths } from "../../lib/config/reload_rules.ts";
import { configSchemaIsolated } from "../../lib/config/schema_isolated.ts";
import { updateConfigText } from "../../lib/config/store.ts";
import { OpenClawError } from "../../lib/errors.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { rateLimitError } from "../../lib/protocol/errors.ts";
import { VERSION } from "../../lib/version.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import type { MethodCall } from "./types.ts";

/**
 * `config.set` params (protocol.md §8.3). `baseHash` may be `null` (same as absent); a missing
 * or empty one is refused in {@link writeConfig} only once a config file exists.
 */
const ConfigSetParams = z.looseObject({
  raw: z.string(),
  baseHash: z.string().nullish(),
});

/** `config.apply` params: as `config.set`, plus the restart delay (default 2000 ms). */
const ConfigApplyParams = z.looseObject({
  ...ConfigSetParams.shape,
  restartDelayMs: z.number().optional(),
});

/** `config.patch` params: `raw` is a JSON5 merge-patch object. */
const ConfigPatchParams = ConfigSetParams;

function parseRaw(method: string, raw: string, path: string): unknown {
  try {
    return parseConfigText(raw, path);
  } catch (err) {
    throw invalidRequest(
      `invalid ${method} params: raw is not valid JSON5: ${(err as Error).message}`,
    );
  }
}

/** Enforces the seed's 3-per-60-s limit per deviceId+clientIp on control-plane writes. */
function takeWriteSlot(method: string, { caller, state }: MethodCall<unknown>): void {
  const key = `${caller.deviceId ?? "-"}|${caller.clientIp}`;
  const limiter = state.controlPlaneLimiter;
  const verdict = limiter.take(key);
  if (verdict.ok) return;
  const label = `${limiter.limit} per ${limiter.windowMs / 1000}s`;
  throw ProtocolError.of(rateLimitError(method, verdict.retryAfterMs, label));
}

/**
 * The secret values a config response must not carry: the plaintext secrets of `configs` and
 * of the running config, and every SecretRef value the gateway resolved.
 */
function responseSecrets(state: GatewayState, ...configs: unknown[]): string[] {
  const resolved = state.secrets?.values ? [...state.secrets.values.values()] : [];
  return knownSecretValues([...configs, state.config], resolved);
}

interface WriteResult {
  path: string;
  hash: string | null;
  config: unknown;
  changedPaths: string[];
  noop: boolean;
  /** What the reload after the write decided (restart means one is scheduled). */
  reload: string;
}

/**
 * Writes new config text under the file lock: checks `baseHash` against the file as it is now,
 * validates the result, and keeps the file untouched on any failure.
 */
async function writeConfig(
  method: string,
  state: GatewayState,
  baseHash: string | null | undefined,
  compute: (currentText: string, currentParsed: unknown) => string,
): Promise<WriteResult> {
  let changedPaths: string[] = [];
  let validated: unknown;
  let resolved: unknown;
  const update = await updateConfigText(state.configPath, async (current) => {
    if (current.exists) {
      if (!baseHash) {
        throw invalidRequest("config base hash required; re-run config.get and retry");
      }
      if (baseHash !== current.hash) {
        throw invalidRequest("config changed since last load; re-run config.get and retry");
      }
    }
    const currentParsed = current.exists ? parseConfigText(current.text, state.configPath) : {};
    const next = compute(current.text, currentParsed);
    const check = await checkConfigTextCached(next, state.configPath, {
      applyEnv: false,
      stateDir: state.stateDir,
    });
    if (!check.valid) {
      throw invalidRequest(
        `invalid config: ${formatIssueLines(check.issues).replaceAll("\n", "; ")}`,
        {
          issues: check.issues,
        },
      );
    }
    validated = check.config;
    resolved = check.resolved;
    changedPaths = diffConfigPaths(currentParsed, parseConfigText(next, state.configPath));
    return changedPaths.length === 0 && current.exists ? undefined : next;
  }).catch((err) => {
    if (err instanceof OpenClawError) throw invalidRequest(`${method} failed: ${err.message}`);
    throw err;
  });
  let reload = "noop";
  if (update.changed) {
    state.log("config").info(
      `config written via ${method}: ${changedPaths.join(", ") || "(new file)"}`,
    );
    reload = await state.reloadConfig(method);
  }
  return {
    path: state.configPath,
    hash: update.hash,
    config: redactConfigObject(validated, responseSecrets(state, resolved)),
    changedPaths,
    noop: !update.changed,
    reload,
  };
}

type ApplyEdits = typeof import("../../lib/config/edit.ts").applyConfigEdits;

/** Loads the comment-keeping editor only when a write comes in (it is not needed to start). */
async function loadEditor(): Promise<ApplyEdits> {
  return (await import("../../lib/config/edit.ts")).applyConfigEdits;
}

/** Replaces the sentinel in client-sent text with the current values, keeping its formatting. */
function restoreSentinels(
  applyConfigEdits: ApplyEdits,
  method: string,
  raw: string,
  currentParsed: unknown,
  path: string,
): string {
  if (!raw.includes(REDACTED_SENTINEL)) return raw;
  let restorations;
  try {
    restorations = sentinelRestorations(parseRaw(method, raw, path), currentParsed);
  } catch (err) {
    throw invalidRequest(`invalid ${method} params: ${(err as Error).message}`);
  }
  return applyConfigEdits(raw, restorations.map((r) => ({ op: "set" as const, ...r })), path).text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Turns a JSON merge patch (RFC 7386) into edits: objects merge, null deletes, arrays replace.
 * The redaction sentinel means "keep what is there": a value that is (or holds, where secrets
 * were scrubbed out of it) the sentinel keeps the current value.
 *
 * @throws {ProtocolError} `INVALID_REQUEST` when a redacted value cannot be restored.
 */
export function mergePatchEdits(
  patch: Record<string, unknown>,
  current: unknown,
  at: PathSegment[] = [],
): ConfigEdit[] {
  const edits: ConfigEdit[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = [...at, key];
    const hit = getAtPath(current, path);
    if (value === REDACTED_SENTINEL) continue; // "keep what is there"
    if (typeof value === "string" && value.includes(REDACTED_SENTINEL)) {
      if (hit.found && isRedactionOf(value, hit.value)) continue;
      throw invalidRequest(
        `invalid config.patch params: cannot restore redacted value at ${
          formatConfigPath(path)
        }; send the whole new value`,
      );
    }
    if (value === null) {
      edits.push({ op: "unset", path });
      continue;
    }
    if (isRecord(value) && hit.found && isRecord(hit.value)) {
      edits.push(...mergePatchEdits(value, current, path));
    } else {
      edits.push({ op: "set", path, value: restoreWithin(stripNulls(value), hit, path) });
    }
  }
  return edits;
}

/** Puts the current values back where a replaced array or new subtree carries sentinels. */
function restoreWithin(
  value: unknown,
  hit: { found: true; value: unknown } | { found: false },
  at: PathSegment[],
): unknown {
  if (findSentinelPaths(value).length === 0) return value;
  let restorations;
  try {
    restorations = sentinelRestorations(value, hit.found ? hit.value : undefined);
  } catch (err) {
    throw invalidRequest(
      `invalid config.patch params at ${formatConfigPath(at)}: ${(err as Error).message}`,
    );
  }
  let out = value;
  for (const r of restorations) out = setAtPath(out, r.path, r.value);
  return out;
}

function stripNulls(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v);
  return out;
}

/** `config.schema`'s `generatedAt`, set by its first call (the schema never changes after). */
let schemaGeneratedAt: string | undefined;

/** The config methods. */
export const configMethods: MethodDefinition[] = [
  defineMethod({
    name: "config.get",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: async ({ state }) => {
      const file = await readConfigFile(state.configPath);
      let parsed: unknown = null;
      let readError: string | undefined;
      try {
        parsed = file.exists ? parseConfigText(file.text, state.configPath) : {};
      } catch (err) {
        readError = (err as Error).message;
      }
      const check = readError
        ? undefined
        : await checkConfigTextCached(file.text, state.configPath, {
          applyEnv: false,
          stateDir: state.stateDir,
        });
      const secrets = responseSecrets(state, parsed, check?.resolved);
      // `path` and the hashes describe the file, not its content; everything else is scrubbed.
      const content = scrubSecretStrings({
        parsed: redactConfigObject(parsed, secrets),
        valid: check?.valid ?? false,
        config: check?.config ? redactConfigObject(check.config, secrets) : null,
        issues: check?.issues ?? (readError ? [{ path: "<root>", message: readError }] : []),
        warnings: [],
        legacyIssues: check?.legacy ?? [],
        ...(readError ? { readError } : {}),
      }, secrets);
      return {
        path: state.configPath,
        exists: file.exists,
        raw: file.exists ? await redactConfigText(file.text, secrets) : null,
        ...content,
        hash: file.hash,
        appliedConfigHash: state.configHash,
      };
    },
  }),

  defineMethod({
    name: "config.set",
    scope: "operator.admin",
    params: ConfigSetParams,
    handler: async ({ params, state }) => {
      const { raw } = params;
      parseRaw("config.set", raw, state.configPath);
      const edit = await loadEditor();
      const r = await writeConfig(
        "config.set",
        state,
        params.baseHash,
        (_text, current) => restoreSentinels(edit, "config.set", raw, current, state.configPath),
      );
      return { ok: true, path: r.path, hash: r.hash, config: r.config };
    },
  }),

  defineMethod({
    name: "config.apply",
    scope: "operator.admin",
    params: ConfigApplyParams,
    handler: async (call) => {
      const { params, state } = call;
      const { raw } = params;
      parseRaw("config.apply", raw, state.configPath);
      takeWriteSlot("config.apply", call);
      const edit = await loadEditor();
      const r = await writeConfig(
        "config.apply",
        state,
        params.baseHash,
        (_text, current) => restoreSentinels(edit, "config.apply", raw, current, state.configPath),
      );
      const delayMs = params.restartDelayMs === undefined
        ? 2000
        : Math.max(0, params.restartDelayMs);
      state.requestRestart("config.apply", delayMs);
      return {
        ok: true,
        path: r.path,
        hash: r.hash,
        config: r.config,
        restart: { scheduled: true, delayMs, reason: "config.apply" },
        sentinel: { persisted: false, payload: null },
      };
    },
  }),

  defineMethod({
    name: "config.patch",
    scope: "operator.admin",
    params: ConfigPatchParams,
    handler: async (call) => {
      const { params, state } = call;
      const patch = parseRaw("config.patch", params.raw, state.configPath);
      if (!isRecord(patch)) {
        throw invalidRequest("invalid config.patch params: raw must be a JSON5 object");
      }
      takeWriteSlot("config.patch", call);
      const edit = await loadEditor();
      const r = await writeConfig("config.patch", state, params.baseHash, (text, current) => {
        const edits = mergePatchEdits(patch, current);
        return edits.length ? edit(text, edits, state.configPath).text : text;
      });
      if (r.noop) return { ok: true, noop: true, changedPaths: [], path: r.path, config: r.config };
      return {
        ok: true,
        path: r.path,
        hash: r.hash,
        config: r.config,
        changedPaths: r.changedPaths,
        // Only a restart-class change restarts; hot changes are already live (gateway.reload.mode).
        restart: { scheduled: r.reload === "restart", reason: "config.patch" },
      };
    },
  }),

  defineMethod({
    name: "config.schema",
    scope: "operator.read",
    params: z.looseObject({}),
    // The schema is static: it holds no config value. `uiHints` marks the secret-bearing paths
    // (the ones `config.get` redacts) so editors can render them as password fields.
    handler: async () => {
      // Stock's `generatedAt`: when the schema was built. It is static, so the first call fixes
      // it (wall time: metadata, not a schedule, so not the injectable clock).
      schemaGeneratedAt ??= new Date().toISOString();
      return {
        ...await configSchemaIsolated(),
        version: VERSION,
        generatedAt: schemaGeneratedAt,
      };
    },
  }),
];
