import assert from "node:assert/strict";
import JSON5 from "json5";
import { makeSandbox, runCli, writeFile } from "../helpers.ts";

const COMMENTED = `// my openclaw config
{
  // gateway settings
  gateway: {
    mode: "local",
    port: 18789, // the default
  },
}
`;

Deno.test("config file prints the active path, honouring profiles and OPENCLAW_CONFIG_PATH", async () => {
  await using sb = await makeSandbox();
  assert.equal(
    (await runCli(sb, ["config", "file"])).stdout.trim(),
    `${sb.home}/.openclaw/openclaw.json`,
  );
  assert.equal(
    (await runCli(sb, ["--dev", "config", "file"])).stdout.trim(),
    `${sb.home}/.openclaw-dev/openclaw.json`,
  );
  assert.equal(
    (await runCli(sb, ["--profile", "rescue", "config", "file"])).stdout.trim(),
    `${sb.home}/.openclaw-rescue/openclaw.json`,
  );
  const r = await runCli(sb, ["--profile", "rescue", "config", "file"], {
    env: { OPENCLAW_CONFIG_PATH: "/x/y.json" },
  });
  assert.equal(r.stdout.trim(), "/x/y.json");
});

Deno.test("config get prints a value, --json prints JSON", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  let r = await runCli(sb, ["config", "get", "gateway.port"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "18789\n");
  r = await runCli(sb, ["config", "get", "gateway", "--json"]);
  assert.deepEqual(JSON.parse(r.stdout), { mode: "local", port: 18789 });
  r = await runCli(sb, ["config", "get", "gateway.mode"]);
  assert.equal(r.stdout, "local\n");
});

Deno.test("config get of a missing path exits 1 naming the path", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  const r = await runCli(sb, ["config", "get", "gateway.bind", "--json"]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual([doc.ok, doc.error.type, doc.error.message], [
    false,
    "CONFIG_PATH_NOT_FOUND",
    "Config path not found: gateway.bind",
  ]);
});

Deno.test("config get substitutes ${VAR} and names a missing one", async () => {
  await using sb = await makeSandbox({ env: { GW_TOKEN: "from-env" } });
  await writeFile(
    sb.configPath,
    `{ gateway: { auth: { token: "\${GW_TOKEN}" }, remote: { token: "\${NOPE_TOKEN}" } } }`,
  );
  let r = await runCli(sb, ["config", "get", "gateway.auth.token"]);
  assert.equal(r.stdout.trim(), "from-env");
  r = await runCli(sb, ["config", "get", "gateway.remote.token"]);
  assert.equal(r.code, 78);
  assert.match(
    r.stderr,
    /Missing environment variable "NOPE_TOKEN" referenced at gateway\.remote\.token/,
  );
});

Deno.test("config set keeps comments, unquoted keys and trailing commas", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  const r = await runCli(sb, ["config", "set", "gateway.port", "19999"]);
  assert.equal(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(sb.configPath);
  assert.match(text, /\/\/ my openclaw config/);
  assert.match(text, /\/\/ gateway settings/);
  assert.match(text, /\n {2}gateway: \{/, "unquoted key kept");
  assert.match(text, /port: 19999, \/\/ the default\n {2}\},\n\}/, "trailing commas kept");
  assert.equal(await Deno.readTextFile(`${sb.configPath}.bak`), COMMENTED);
  assert.equal((await Deno.stat(sb.configPath)).mode! & 0o777, 0o600);
});

Deno.test("config set parses JSON5 values and falls back to strings", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  assert.equal(
    (await runCli(sb, ["config", "set", "gateway.trustedProxies", "['10.0.0.1']"])).code,
    0,
  );
  assert.equal((await runCli(sb, ["config", "set", "identity.name", "Clawd the Lobster"])).code, 0);
  const cfg = JSON5.parse(await Deno.readTextFile(sb.configPath));
  assert.deepEqual(cfg.gateway.trustedProxies, ["10.0.0.1"]);
  assert.equal(cfg.identity.name, "Clawd the Lobster");
});

Deno.test("config set refuses a value that makes the config invalid and writes nothing", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  const r = await runCli(sb, ["config", "set", "gateway.bind", "public"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /- gateway\.bind: /);
  assert.match(r.stderr, /loopback/);
  assert.equal(await Deno.readTextFile(sb.configPath), COMMENTED);
  const unknown = await runCli(sb, ["config", "set", "gateway.prot", "1"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /- gateway\.prot: Unknown key/);
});

Deno.test("config set creates the config and its directory when missing", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["config", "set", "gateway.mode", "local"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON5.parse(await Deno.readTextFile(sb.configPath)), {
    gateway: { mode: "local" },
  });
});

Deno.test("config unset removes a key and keeps comments", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  const r = await runCli(sb, ["config", "unset", "gateway.port", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).changed, true);
  const text = await Deno.readTextFile(sb.configPath);
  assert.equal(JSON5.parse(text).gateway.port, undefined);
  assert.match(text, /\/\/ gateway settings/);
});

Deno.test("config validate exits 78 naming the field", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", port: "high" }, logging: { level: "loud" } }`,
  );
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /- gateway\.port: /);
  assert.match(r.stderr, /- logging\.level: /);
  const j = await runCli(sb, ["config", "validate", "--json"]);
  assert.equal(j.code, 78);
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.valid, false);
  assert.deepEqual(doc.issues.map((i: { path: string }) => i.path).sort(), [
    "gateway.port",
    "logging.level",
  ]);
});

Deno.test("config validate accepts a valid config", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, COMMENTED);
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), `Config valid: ${sb.configPath}`);
});

Deno.test("config validate names a missing ${VAR}", async () => {
  await using sb = await makeSandbox();
  await writeFile(
    sb.configPath,
    `{ models: { providers: { x: { baseUrl: "http://h", apiKey: "\${MISSING_API_KEY}", models: [] } } } }`,
  );
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /MISSING_API_KEY/);
});

Deno.test("config validate explains legacy keys", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, `{ gateway: { mode: "local", token: "abc" } }`);
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 78);
  assert.match(r.stderr, /gateway\.auth\.token/);
});

Deno.test("config validate sees the env block and .env files", async () => {
  await using sb = await makeSandbox();
  await writeFile(`${sb.stateDir}/.env`, "STATE_TOKEN=from-state-dotenv\n");
  await writeFile(
    sb.configPath,
    `{ env: { INLINE_URL: "http://h" }, gateway: { mode: "local", auth: { token: "\${STATE_TOKEN}" } }, models: { providers: { x: { baseUrl: "\${INLINE_URL}", models: [] } } } }`,
  );
  const r = await runCli(sb, ["config", "validate"]);
  assert.equal(r.code, 0, r.stderr);
});

Deno.test("config schema prints a JSON Schema", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["config", "schema"]);
  assert.equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  assert.ok(schema.properties.gateway);
});

Deno.test("config edits are logged as JSON lines that never contain a configured secret", async () => {
  await using sb = await makeSandbox();
  const logFile = `${sb.home}/logs/openclaw.log`;
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "old-secret-token-123" } }, logging: { file: ${
      JSON.stringify(logFile)
    } } }`,
  );
  const r = await runCli(sb, ["config", "set", "gateway.auth.token", "sk-brand-new-secret-456789"]);
  assert.equal(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(logFile);
  const lines = text.trim().split("\n");
  assert.ok(lines.length >= 1);
  const parsed = lines.map((l) => JSON.parse(l));
  assert.ok(parsed.some((p) => /config updated via CLI: set gateway\.auth\.token/.test(p.message)));
  assert.equal(parsed[0].subsystem, "config");
  assert.equal(parsed[0]._meta.logLevelName, "INFO");
  assert.ok(!text.includes("old-secret-token-123"));
  assert.ok(!text.includes("sk-brand-new-secret-456789"));
});
