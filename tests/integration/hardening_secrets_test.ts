/**
 * No configured secret reaches a client, the logs or the CLI's JSON: a real gateway whose config
 * holds a secret in every kind of place (env block variables with ordinary names, gateway and
 * remote credentials, provider keys and headers, channel and account credentials, a `${VAR}`
 * substituted into another value, a literal copy in a non-secret field and a comment, and the
 * value a SecretRef resolved to), read through `config.get`, `config.schema`, `gateway call`,
 * `config get --json`, `config file --json` and `config validate --json`; and the redacted
 * snapshots still round-trip through `config.set` and `config.patch`.
 */
import assert from "node:assert/strict";
import JSON5 from "json5";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { type CliResult, makeSandbox, runCli, startGateway, writeFile } from "../helpers.ts";

const SENTINEL = "__OPENCLAW_REDACTED__";

function rnd(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

const S = {
  envPlain: rnd("env-plain"), // env.PLAIN_SETTING: a variable whose name says nothing
  envUrl: rnd("env-suffix"), // env.BASE_SUFFIX: substituted into a provider baseUrl
  envRemote: rnd("env-remote"), // env.REMOTE_TOK: substituted into gateway.remote.token
  envVar: rnd("env-vars"), // env.vars.STRIPE_KEY
  remotePassword: rnd("remote-pw"),
  providerKey: rnd("provider-key"),
  headerValue: rnd("header-val"),
  botToken: rnd("bot-token"),
  appSecret: rnd("app-secret"),
  accountToken: rnd("account-token"),
  gatewayToken: rnd("gw-token"), // resolved from a SecretRef; only a stale comment has it
};
const ALL = Object.values(S);

const CONFIG = `{
  // retired before the move to a SecretRef: ${S.gatewayToken}
  identity: { name: "Before" },
  env: {
    PLAIN_SETTING: "${S.envPlain}",
    BASE_SUFFIX: "${S.envUrl}",
    REMOTE_TOK: "${S.envRemote}",
    vars: { STRIPE_KEY: "${S.envVar}" },
  },
  gateway: {
    mode: "local",
    auth: { mode: "token", token: { source: "env", provider: "default", id: "GW_TOKEN_REF" } },
    remote: { url: "ws://remote.example:18789", token: "\${REMOTE_TOK}", password: "${S.remotePassword}" },
  },
  models: {
    providers: {
      p: {
        baseUrl: "http://127.0.0.1:9/\${BASE_SUFFIX}",
        apiKey: "${S.providerKey}",
        headers: { "X-Org": "${S.headerValue}" },
        models: [{ id: "m1" }],
      },
    },
  },
  channels: {
    telegram: { enabled: false, botToken: "${S.botToken}" },
    feishu: { enabled: false, appSecret: '${S.appSecret}', accounts: { w: { token: "${S.accountToken}" } } },
  },
  messages: { responsePrefix: "[${S.envPlain}]" },
  logging: { level: "debug" },
}
`;

function leaked(text: string): string[] {
  return ALL.filter((s) => text.includes(s));
}

function assertHidden(what: string, r: CliResult) {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  assert.deepEqual(leaked(r.stdout + r.stderr), [], `${what} leaked:\n${r.stdout}${r.stderr}`);
}

async function connect(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  await c.challenge();
  const res = await c.request("connect", cliConnectParams(S.gatewayToken));
  assert.equal(res.ok, true, JSON.stringify(res));
  return c;
}

Deno.test("config.get, config.schema, the logs and the CLI's JSON hold no configured secret; redacted snapshots round-trip", async () => {
  await using sb = await makeSandbox();
  const logFile = `${sb.home}/logs/gateway.log`;
  const config = CONFIG.replace(
    `logging: { level: "debug" }`,
    `logging: { level: "debug", file: "${logFile}" }`,
  );
  await using gw = await startGateway(sb, config, { env: { GW_TOKEN_REF: S.gatewayToken } });
  const c = await connect(gw.url);
  try {
    const got = await c.request("config.get", {});
    assert.equal(got.ok, true, JSON.stringify(got));
    assert.deepEqual(leaked(JSON.stringify(got)), []);
    const p = got.payload;
    assert.equal(p.valid, true, JSON.stringify(p.issues));
    // Every value of the env block is redacted, whatever the variable is called.
    assert.deepEqual(p.parsed.env, {
      PLAIN_SETTING: SENTINEL,
      BASE_SUFFIX: SENTINEL,
      REMOTE_TOK: SENTINEL,
      vars: { STRIPE_KEY: SENTINEL },
    });
    assert.equal(p.config.env.PLAIN_SETTING, SENTINEL);
    // A substituted or copied secret is scrubbed out of the value that carries it.
    assert.equal(p.config.models.providers.p.baseUrl, `http://127.0.0.1:9/${SENTINEL}`);
    assert.equal(p.parsed.messages.responsePrefix, `[${SENTINEL}]`);
    // References stay visible: they are not secrets.
    assert.deepEqual(p.parsed.gateway.auth.token, {
      source: "env",
      provider: "default",
      id: "GW_TOKEN_REF",
    });
    assert.match(p.raw, /token: "\$\{REMOTE_TOK\}"/);
    assert.match(p.raw, /\/\/ retired before the move to a SecretRef: __OPENCLAW_REDACTED__/);

    const schema = await c.request("config.schema", {});
    assert.equal(schema.ok, true);
    assert.deepEqual(leaked(JSON.stringify(schema)), []);
    assert.deepEqual(schema.payload.uiHints["env.*"], { sensitive: true });
    assert.deepEqual(schema.payload.uiHints["channels.*.botToken"], { sensitive: true });

    // config.patch with values taken from the redacted snapshot keeps what is there.
    const patched = await c.request("config.patch", {
      baseHash: p.hash,
      raw: JSON.stringify({
        env: p.parsed.env,
        messages: p.parsed.messages,
        channels: { telegram: p.parsed.channels.telegram },
        identity: { name: "Patched" },
      }),
    });
    assert.equal(patched.ok, true, JSON.stringify(patched));
    assert.deepEqual(patched.payload.changedPaths, ["identity.name"]);
    assert.deepEqual(leaked(JSON.stringify(patched)), []);

    // config.set with the redacted raw text (one edit) restores every secret as written.
    const again = await c.request("config.get", {});
    const set = await c.request("config.set", {
      baseHash: again.payload.hash,
      raw: again.payload.raw.replace(`name: "Patched"`, `name: "After"`),
    });
    assert.equal(set.ok, true, JSON.stringify(set));
    assert.deepEqual(leaked(JSON.stringify(set)), []);
    const onDisk = await Deno.readTextFile(sb.configPath);
    assert.match(onDisk, /name: "After"/);
    const file = JSON5.parse(onDisk);
    assert.equal(file.env.PLAIN_SETTING, S.envPlain);
    assert.equal(file.env.vars.STRIPE_KEY, S.envVar);
    assert.equal(file.gateway.remote.token, "${REMOTE_TOK}");
    assert.equal(file.models.providers.p.headers["X-Org"], S.headerValue);
    assert.equal(file.channels.feishu.accounts.w.token, S.accountToken);
    assert.equal(file.messages.responsePrefix, `[${S.envPlain}]`);
    // Comments are text, not values: the one the client saw redacted is written as sent.
    assert.match(onDisk, /\/\/ retired before the move to a SecretRef: __OPENCLAW_REDACTED__/);
    // Editing around a scrubbed secret is refused rather than written half-redacted.
    const edited = await c.request("config.patch", {
      baseHash: set.payload.hash,
      raw: JSON.stringify({ messages: { responsePrefix: `[${SENTINEL}] edited` } }),
    });
    assert.equal(edited.ok, false);
    assert.match(edited.error.message, /cannot restore redacted value at messages\.responsePrefix/);
  } finally {
    c.close();
  }

  const cli = (args: string[]) => runCli(sb, args);
  for (const path of ["env", "gateway", "models", "channels", "messages", "env.vars"]) {
    assertHidden(`config get ${path} --json`, await cli(["config", "get", path, "--json"]));
  }
  const one = await cli(["config", "get", "env.PLAIN_SETTING", "--json"]);
  assert.equal(JSON.parse(one.stdout), SENTINEL);
  const url = await cli(["config", "get", "models.providers.p.baseUrl", "--json"]);
  assert.equal(JSON.parse(url.stdout), `http://127.0.0.1:9/${SENTINEL}`);
  assertHidden("config file --json", await cli(["config", "file", "--json"]));
  assertHidden("config validate --json", await cli(["config", "validate", "--json"]));
  assertHidden(
    "gateway call config.get --json",
    await cli(["gateway", "call", "config.get", "--json", "--token", S.gatewayToken]),
  );
  assertHidden(
    "gateway call config.schema --json",
    await cli(["gateway", "call", "config.schema", "--json", "--token", S.gatewayToken]),
  );

  assert.equal(await gw.stop(), 0);
  const log = await Deno.readTextFile(logFile);
  assert.match(log, /config written via config\.set/);
  assert.deepEqual(leaked(log), [], "a secret reached the log file");
  assert.deepEqual(leaked(gw.output()), [], "a secret reached the console");
});

Deno.test("config validate --json and config set --json name a problem without quoting a configured secret", async () => {
  await using sb = await makeSandbox();
  // A token pasted into the env block, then referenced where an enum belongs.
  const pasted = rnd("pasted-token");
  await writeFile(
    sb.configPath,
    `{ env: { GW_BIND: "${pasted}" }, gateway: { mode: "local", bind: "\${GW_BIND}" } }`,
  );
  const validate = await runCli(sb, ["config", "validate", "--json"]);
  assert.equal(validate.code, 78, validate.stderr);
  assert.ok(!validate.stdout.includes(pasted), validate.stdout);
  const issue = JSON.parse(validate.stdout).issues[0];
  assert.equal(issue.path, "gateway.bind");
  assert.match(issue.message, /^Invalid value "__OPENCLAW_REDACTED__": expected one of/);
  const set = await runCli(sb, ["config", "set", "identity.name", "Box", "--json"]);
  assert.equal(set.code, 0, set.stderr);
  assert.ok(!(set.stdout + set.stderr).includes(pasted), set.stdout + set.stderr);
  assert.equal(JSON.parse(set.stdout).remainingIssues[0].path, "gateway.bind");
});
