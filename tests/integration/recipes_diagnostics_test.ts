/**
 * Diagnostics the user guide sends people to when something is off: `gateway status`, `status`,
 * `health`, `gateway call` while the config has a syntax error (the gateway keeps running on its
 * last good config), and `status --deep`.
 */
import assert from "node:assert/strict";
import {
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  writeFile,
} from "../helpers.ts";

const TOKEN = "diag-gw-token-0123456789";
const CONFIG = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;
// The same config with a stray comma on line 3: JSON5 stops at line 3, column 19.
const BROKEN = `{
  gateway: {
    mode: "local",, auth: { mode: "token", token: "${TOKEN}" },
  },
}
`;
const SYNTAX = /syntax error at line 3, column 19: invalid character ','/;

/** Breaks the config of a sandbox whose gateway already runs. */
async function breakConfig(sb: Sandbox): Promise<void> {
  await Deno.writeTextFile(sb.configPath, BROKEN);
}

Deno.test("gateway status with a config syntax error names line and column and still probes the running gateway", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  await breakConfig(sb);
  const r = await runCli(sb, ["gateway", "status", "--require-rpc"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Config \(cli\): ~\/\.openclaw\/openclaw\.json \(syntax error at line 3/);
  assert.match(r.stdout, SYNTAX);
  assert.doesNotMatch(r.stdout, /\(missing\)/);
  assert.match(r.stdout, new RegExp(`Runtime: running \\(pid ${gw.child.pid}, port ${gw.port}`));
  assert.match(r.stdout, /RPC probe: ok/);
  const j = JSON.parse((await runCli(sb, ["gateway", "status", "--json"])).stdout);
  assert.equal(j.config.cli.exists, true);
  assert.equal(j.config.cli.valid, false);
  assert.equal(j.config.cli.problem.kind, "syntax");
  assert.equal(j.config.cli.problem.line, 3);
  assert.equal(j.config.cli.problem.column, 19);
  assert.equal(j.rpc.ok, true);
});

Deno.test("status with a config syntax error shows it in the Config row and reaches the gateway", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  await breakConfig(sb);
  const r = await runCli(sb, ["status"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /Config +~\/\.openclaw\/openclaw\.json · syntax error at line 3, column 19/,
  );
  assert.match(
    r.stdout,
    new RegExp(`Gateway +local · ws://127\\.0\\.0\\.1:${gw.port} · reachable \\d+ms`),
  );
  assert.doesNotMatch(r.stdout, /not reachable/);
  const j = JSON.parse((await runCli(sb, ["status", "--json"])).stdout);
  assert.equal(j.gateway.reachable, true);
  assert.equal(j.gateway.mode, "local");
  assert.match(j.config.problem.summary, SYNTAX);
  assert.equal(j.health.ok, true);
});

Deno.test("health and gateway call reach the running gateway while the config has a syntax error", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  await breakConfig(sb);
  const h = await runCli(sb, ["health", "--json"]);
  assert.equal(h.code, 0, h.stdout + h.stderr);
  assert.equal(JSON.parse(h.stdout).ok, true);
  assert.match(h.stderr, SYNTAX);
  const text = await runCli(sb, ["health"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Gateway: ok/);
  const call = await runCli(sb, ["gateway", "call", "health"]);
  assert.equal(call.code, 0, call.stderr);
  assert.equal(JSON.parse(call.stdout).ok, true);
  assert.match(call.stderr, SYNTAX);
});

Deno.test("the fix suggested for a config syntax error works on the broken file", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, BROKEN.replace(`mode: "local",,`, `port: ${freePort()},,`));
  // Nothing runs: status and health still point at the file, never at `config get/set`.
  const j = JSON.parse((await runCli(sb, ["status", "--json"])).stdout);
  const fix: string = j.config.problem.fix;
  assert.ok(fix.includes(`${sb.configPath}:3:`), fix);
  assert.match(fix, /openclaw config validate/);
  assert.doesNotMatch(fix, /config (set|get)/);
  const h = await runCli(sb, ["health", "--json"]);
  assert.equal(h.code, 1);
  const hint: string = JSON.parse(h.stdout).error.hint;
  assert.match(hint, /syntax error at line 3/);
  assert.match(hint, /openclaw config validate/);
  assert.doesNotMatch(hint, /config (set|get)/);
  // Following it: fix the JSON5 at that line, then validate.
  assert.equal((await runCli(sb, ["config", "validate"])).code, 78);
  await Deno.writeTextFile(
    sb.configPath,
    (await Deno.readTextFile(sb.configPath)).replace(",,", ","),
  );
  const validated = await runCli(sb, ["config", "validate"]);
  assert.equal(validated.code, 0, validated.stderr);
});

Deno.test("status --deep lists the deep checks that plain status does not run", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  const plain = await runCli(sb, ["status"]);
  const deep = await runCli(sb, ["status", "--deep"]);
  assert.equal(deep.code, 0, deep.stderr);
  assert.doesNotMatch(plain.stdout, /Deep checks/);
  assert.notEqual(deep.stdout, plain.stdout);
  assert.match(deep.stdout, /Deep checks: \d+ ok, \d+ warn, \d+ fail, \d+ skipped/);
  assert.match(deep.stdout, /ok +Config +valid/);
  assert.match(deep.stdout, /(ok|warn|fail|skip) +Service /);
  assert.match(
    deep.stdout,
    new RegExp(`ok +Port ${gw.port} +the gateway listens \\(pid ${gw.child.pid}\\)`),
  );
  assert.match(deep.stdout, /ok +Gateway +reachable/);
  // The default model is Anthropic's and this sandbox has no key for it.
  assert.match(deep.stdout, /fail +Model auth \(anthropic\) +no credential .*ANTHROPIC_API_KEY/);
  assert.match(deep.stdout, /skip +Channels +none configured/);
});

Deno.test("status --deep --json has a deep object with each check and its status", async () => {
  await using sb = await makeSandbox();
  await using _gw = await startGateway(sb, CONFIG);
  const r = await runCli(sb, ["status", "--deep", "--json"], {
    env: { ANTHROPIC_API_KEY: "sk-ant-test" },
  });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(
    (await runCli(sb, ["status", "--json"]).then((p) => JSON.parse(p.stdout))).deep,
    undefined,
  );
  const byId = new Map<string, { status: string; detail: string }>(
    j.deep.checks.map((c: { id: string }) => [c.id, c]),
  );
  for (const id of ["config", "service", "port", "gateway", "models.auth:anthropic", "channels"]) {
    assert.ok(byId.has(id), `missing check ${id}: ${[...byId.keys()]}`);
  }
  assert.equal(byId.get("gateway")!.status, "ok");
  assert.equal(byId.get("models.auth:anthropic")!.status, "ok");
  assert.match(byId.get("models.auth:anthropic")!.detail, /ANTHROPIC_API_KEY/);
  assert.equal(byId.get("channels")!.status, "skip");
  assert.equal(j.deep.gatewayExpectedButUnreachable, false);
  assert.equal(
    j.deep.summary.ok + j.deep.summary.warn + j.deep.summary.fail + j.deep.summary.skip,
    j.deep.checks.length,
  );
});

Deno.test("status --deep exits 1 when a gateway should be running but does not answer; status exits 0", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  // A runtime file naming a live process (this test) on a port nobody listens on.
  const port = freePort();
  await Deno.writeTextFile(
    `${sb.stateDir}/gateway.runtime.json`,
    JSON.stringify({
      pid: Deno.pid,
      port,
      host: "127.0.0.1",
      bind: "loopback",
      url: `ws://127.0.0.1:${port}`,
    }),
  );
  const plain = await runCli(sb, ["status"]);
  assert.equal(plain.code, 0);
  const deep = await runCli(sb, ["status", "--deep"]);
  assert.equal(deep.code, 1, deep.stdout);
  assert.match(deep.stdout, /fail +Gateway +running but not reachable/);
  assert.match(deep.stdout, new RegExp(`fail +Port ${port} +nothing listens`));
  const j = JSON.parse((await runCli(sb, ["status", "--deep", "--json"])).stdout);
  assert.equal(j.deep.gatewayExpectedButUnreachable, true);
});
