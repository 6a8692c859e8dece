/**
 * Property tests of config redaction: configs with random secrets at every secret-bearing path
 * (env block variables of any name, gateway credentials, provider keys and headers, channel and
 * account credentials, …, plus a copy in a comment, a `${VAR}` substituted into another value
 * and a resolved SecretRef) go through the real `config.get` and `config.schema` handlers via
 * the method registry; no secret may appear anywhere in their JSON, and the redacted raw text
 * must restore to the file through the sentinel.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import JSON5 from "json5";
import { configMethods } from "../../../gateway/methods/config.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";
import type { MethodCall } from "../../../gateway/methods/types.ts";
import type { GatewayState } from "../../../gateway/state.ts";
import { checkConfigText } from "../../../lib/config/load.ts";
import { setAtPath } from "../../../lib/config/path.ts";
import {
  isSecretPath,
  REDACTED_SENTINEL,
  sentinelRestorations,
} from "../../../lib/config/redact.ts";
import { ENV_MAP_PATHS, SECRET_INPUT_PATHS, secretInputPaths } from "../../../lib/config/schema.ts";
import { createSecretSnapshot } from "../../../lib/secrets/snapshot.ts";

const registry = new MethodRegistry(configMethods);

async function call(name: string, state: Partial<GatewayState>): Promise<unknown> {
  const resolved = registry.resolve(name, {}, ["operator.read"]);
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.error));
  const c: MethodCall<unknown> = {
    params: resolved.params,
    caller: {
      connId: "c1",
      clientIp: "127.0.0.1",
      isLoopback: true,
      role: "operator",
      scopes: ["operator.read"],
    },
    state: state as GatewayState,
    signal: new AbortController().signal,
    respondEarly: () => {},
  };
  return await resolved.method.run(c);
}

// Quotes, backslashes and non-ASCII exercise the escaping of raw JSON5 text; no `{`, so a secret
// is never a `${VAR}` placeholder, and no newline, so it can sit in a line comment.
const SECRET_CHARS = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ..."-_.:/+=!@#%&*\"'\\ é🦞",
];
const secret = fc
  .string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 12, maxLength: 40 })
  .filter((s) => (s.match(/[A-Za-z0-9]/g) ?? []).length >= 8 && s.trim() === s);

const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);
const id = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const CHANNEL_KEYS = [
  "token",
  "botToken",
  "appToken",
  "appSecret",
  "signingSecret",
  "webhookSecret",
  "clientSecret",
  "password",
] as const;
const channelCreds = fc.record(
  Object.fromEntries(CHANNEL_KEYS.map((k) => [k, secret])) as Record<
    (typeof CHANNEL_KEYS)[number],
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] },
);

/** A config with a random secret at every secret-bearing path, and the facts to check it by. */
const scenario = fc.record({
  env: fc.dictionary(envName, secret, { minKeys: 1, maxKeys: 4 }),
  envVars: fc.dictionary(envName, secret, { maxKeys: 3 }),
  auth: fc.record({ token: secret, password: secret }),
  remote: fc.record({ token: secret, password: secret }),
  providers: fc.dictionary(
    id,
    fc.record({
      apiKey: secret,
      headers: fc.dictionary(fc.stringMatching(/^X-[A-Za-z]{1,8}$/), secret),
    }),
    { minKeys: 1, maxKeys: 3 },
  ),
  channels: fc.dictionary(
    id,
    fc.record({ creds: channelCreds, accounts: fc.dictionary(id, channelCreds, { maxKeys: 2 }) }),
    { minKeys: 1, maxKeys: 3 },
  ),
  more: fc.record({
    cronToken: secret,
    hooksToken: secret,
    skillKey: secret,
    skillEnv: secret,
    talkKey: secret,
    talkProviderKey: secret,
    dockerEnv: secret,
    execEnv: secret,
  }),
  resolvedRef: secret,
  json5: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildConfig(s: Scenario) {
  const channels: Record<string, unknown> = {};
  for (const [name, ch] of Object.entries(s.channels)) {
    channels[name === "defaults" ? "defaultsx" : name] = {
      enabled: true,
      ...ch.creds,
      accounts: ch.accounts,
    };
  }
  const firstEnv = Object.keys(s.env)[0];
  const providers: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(s.providers)) {
    providers[name] = {
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: p.apiKey,
      headers: p.headers,
      models: [{ id: "m1", maxTokens: 4096 }],
    };
  }
  return {
    env: { ...s.env, vars: s.envVars, shellEnv: { enabled: false } },
    gateway: {
      mode: "local",
      auth: { mode: "token", ...s.auth },
      // The env block's first variable substituted into a value that is not secret-bearing.
      remote: { url: `ws://gw.example/\${${firstEnv}}`, ...s.remote },
    },
    models: { providers },
    channels,
    cron: { webhookToken: s.more.cronToken },
    hooks: { token: s.more.hooksToken },
    skills: { entries: { sk: { apiKey: s.more.skillKey, env: { SKILL_VAR: s.more.skillEnv } } } },
    talk: {
      apiKey: s.more.talkKey,
      providers: {
        plain: { apiKey: s.more.talkProviderKey },
        ref: { apiKey: { source: "env", provider: "default", id: "TALK_REF_KEY" } },
      },
    },
    agents: { defaults: { sandbox: { docker: { env: { DOCKER_VAR: s.more.dockerEnv } } } } },
    secrets: {
      providers: {
        vault: { source: "exec", command: "/usr/bin/true", env: { X: s.more.execEnv } },
      },
    },
  };
}

/** Every secret the scenario configured (plus the value the gateway resolved for the ref). */
function secretsOf(s: Scenario): string[] {
  const out = [
    ...Object.values(s.env),
    ...Object.values(s.envVars),
    s.auth.token,
    s.auth.password,
    s.remote.token,
    s.remote.password,
    ...Object.values(s.providers).flatMap((p) => [p.apiKey, ...Object.values(p.headers)]),
    ...Object.values(s.channels).flatMap((c) => [
      ...Object.values(c.creds),
      ...Object.values(c.accounts).flatMap((a) => Object.values(a)),
    ]),
    ...Object.values(s.more),
    s.resolvedRef,
  ];
  return out.filter((v): v is string => typeof v === "string");
}

function leaks(json: string, secrets: string[]): string[] {
  return secrets.filter((v) => json.includes(v) || json.includes(JSON.stringify(v).slice(1, -1)));
}

Deno.test("config.get and config.schema carry no configured secret, and raw restores exactly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "redact-prop-" });
  try {
    const configPath = `${dir}/openclaw.json`;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const config = buildConfig(s);
        const body = s.json5 ? JSON5.stringify(config, null, 2) : JSON.stringify(config, null, 2);
        // A secret copied into a comment, and the resolved SecretRef value noted there too.
        const text = `// gateway token: ${s.auth.token}\n// ref value: ${s.resolvedRef}\n${body}\n`;
        await Deno.writeTextFile(configPath, text);
        const check = checkConfigText(text, configPath, { applyEnv: false });
        assert.equal(check.valid, true, JSON.stringify(check.issues));
        const state: Partial<GatewayState> = {
          configPath,
          config: check.config!,
          configHash: null,
          secrets: createSecretSnapshot(new Map([["env:default:TALK_REF_KEY", s.resolvedRef]])),
        };
        const secrets = secretsOf(s);

        const got = await call("config.get", state) as Record<string, unknown>;
        assert.deepEqual(leaks(JSON.stringify(got), secrets), []);
        assert.equal(got.valid, true);
        const parsed = got.parsed as { env: Record<string, unknown> };
        for (const name of Object.keys(s.env)) assert.equal(parsed.env[name], REDACTED_SENTINEL);
        const cfg = got.config as { talk: { providers: { ref: { apiKey: unknown } } } };
        assert.deepEqual(cfg.talk.providers.ref.apiKey, {
          source: "env",
          provider: "default",
          id: "TALK_REF_KEY",
        });

        // Sending the redacted raw text back restores every value as written.
        const sent = JSON5.parse(got.raw as string);
        const written = JSON5.parse(text);
        let restored: unknown = sent;
        for (const r of sentinelRestorations(sent, written)) {
          restored = setAtPath(restored, r.path, r.value);
        }
        assert.deepEqual(restored, written);

        const schema = await call("config.schema", state);
        assert.deepEqual(leaks(JSON.stringify(schema), secrets), []);
      }),
      { numRuns: 60 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every secret-bearing path of the schema is one definition: list, schema, hints, redaction", async () => {
  // The zod-free list the redaction uses is exactly what the schema types as SecretInput.
  assert.deepEqual([...SECRET_INPUT_PATHS].sort(), secretInputPaths());
  const schema = await call("config.schema", { configPath: "/nonexistent" }) as {
    uiHints: Record<string, { sensitive?: boolean }>;
  };
  const hinted = Object.keys(schema.uiHints).filter((k) => schema.uiHints[k].sensitive);
  assert.deepEqual(
    hinted.sort(),
    [...SECRET_INPUT_PATHS, ...ENV_MAP_PATHS.map((p) => `${p}.*`)].sort(),
  );
  fc.assert(
    fc.property(fc.constantFrom(...hinted), id.filter((k) => k !== "vars"), (pattern, key) => {
      const path = pattern.split(".").map((seg) => seg === "*" ? key : seg);
      assert.ok(isSecretPath(path), path.join("."));
    }),
  );
  for (const path of [["gateway", "port"], ["models", "providers", "x", "baseUrl"], ["env"]]) {
    assert.equal(isSecretPath(path), false, path.join("."));
  }
});
