/**
 * The user guide's doctor recipes as a user runs them: "What happens if the config is wrong: ...
 * Run openclaw doctor to see why, and openclaw doctor --fix to auto-repair", and the chapter's
 * "Full list of Doctor checks", each of which doctor runs and reports by id.
 */
import assert from "node:assert/strict";
import { freePort, makeSandbox, runCli, writeFile } from "../helpers.ts";

/** A config with a missing comma after `port: 18789`. */
const BROKEN = `{
  gateway: { mode: "local", port: 18789
  agents: {},
}
`;

/** The chapter's list, in its order, with the id of the check that does each. */
const CHAPTER_CHECKS: [string, string][] = [
  ["Optional updates", "update.check"],
  ["UI protocol refresh", "ui.protocol"],
  ["Health check + restart prompt", "gateway.health"],
  ["Skills status summary (available / missing / blocked)", "skills.summary"],
  ["Config normalization (legacy value format migration)", "config.legacy"],
  ["OpenCode provider override warning", "models.opencode"],
  ["Legacy disk layout migration (sessions, agent directories, WhatsApp auth)", "state.legacy"],
  ["Legacy cron storage migration", "cron.store"],
  [
    "State integrity check (missing directories, permissions, cloud sync warnings)",
    "state.integrity",
  ],
  ["Model auth health (OAuth expiry, cooldown/disabled state)", "models.auth"],
  ["Hooks model validation", "hooks.model"],
  ["Sandbox image repair", "sandbox.image"],
  ["Gateway service migration and cleanup", "service.drift"],
  ["Security warnings", "security.audit"],
  ["systemd linger check (Linux)", "service.linger"],
  ["Skills status", "skills.status"],
  ["Gateway auth check", "gateway.auth"],
  ["Runtime and port diagnostics", "gateway.runtime"],
  ["Runtime best practices (Node vs Bun check)", "runtime.practice"],
];

Deno.test("doctor on a config with a syntax error says where it is and exits 78", async () => {
  await using sb = await makeSandbox({ config: BROKEN });
  const r = await runCli(sb, ["doctor"]);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.match(r.stdout, /^\s+- syntax error at line 3, column 3: invalid character 'a'$/m);
  assert.match(r.stdout, /fix: Edit ~\/\.openclaw\/openclaw\.json at line 3 /);
  assert.doesNotMatch(r.stdout + r.stderr, /gateway\.mode/, "no false gateway.mode finding");
  assert.match(r.stdout, /Gateway mode and auth\n\s+- Skipped: the config does not parse/);
});

Deno.test("doctor --fix leaves a config it cannot parse as it is, and tries no repair on it", async () => {
  await using sb = await makeSandbox({ config: BROKEN });
  const r = await runCli(sb, ["doctor", "--fix", "--generate-gateway-token", "--json"]);
  assert.equal(r.code, 78, r.stdout + r.stderr);
  assert.equal(await Deno.readTextFile(sb.configPath), BROKEN);
  await assert.rejects(() => Deno.stat(`${sb.configPath}.bak`), Deno.errors.NotFound);
  const report = JSON.parse(r.stdout) as {
    checks: { id: string; status: string; findings: { message: string }[] }[];
    changes: unknown[];
  };
  assert.deepEqual(report.changes, []);
  const auth = report.checks.find((c) => c.id === "gateway.auth");
  assert.equal(auth?.status, "skipped", JSON.stringify(auth));
  const failed = report.checks.filter((c) => c.findings.some((f) => /^Fix failed/.test(f.message)));
  assert.deepEqual(failed.map((c) => c.id), []);
});

Deno.test("doctor --json reports every check of the chapter's list by id", async () => {
  await using sb = await makeSandbox({
    config: `{ gateway: { mode: "local", auth: { mode: "token", token: "${"t".repeat(32)}" } } }`,
    env: { OPENCLAW_GATEWAY_PORT: String(freePort()) },
  });
  await writeFile(`${sb.stateDir}/agents/main/sessions/sessions.json`, "{}");
  const r = await runCli(sb, ["doctor", "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as {
    checks: { id: string; title: string; status: string; findings: { message: string }[] }[];
  };
  const ids = report.checks.map((c) => c.id);
  for (const [item, id] of CHAPTER_CHECKS) {
    assert.ok(ids.includes(id), `"${item}" has no check (${id}) in ${ids.join(", ")}`);
  }
  for (const check of report.checks) {
    assert.ok(check.findings.length >= 1, `${check.id} says nothing: ${JSON.stringify(check)}`);
  }
  const cron = report.checks.find((c) => c.id === "cron.store");
  assert.deepEqual(cron?.findings.map((f) => f.message), [
    "No cron store to migrate (~/.openclaw/cron/jobs.json does not exist)",
  ]);
});
