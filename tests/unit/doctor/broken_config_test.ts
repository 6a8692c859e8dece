/** Doctor on a config with a JSON5 syntax error: say where, skip what needs it, write nothing. */
import assert from "node:assert/strict";
import { configValidCheck } from "../../../lib/doctor/checks/config.ts";
import { gatewayAuthCheck } from "../../../lib/doctor/checks/gateway.ts";
import { findConfigSyntaxError } from "../../../lib/doctor/config_syntax.ts";
import { DOCTOR_CHECKS } from "../../../lib/doctor/registry.ts";
import { runDoctor } from "../../../lib/doctor/runner.ts";
import { doctorHome, openSession, runCheck } from "./_helpers.ts";

const BROKEN = `{
  gateway: { mode: "local", port: 18789
  agents: {},
}
`;

Deno.test("findConfigSyntaxError() gives the line and column of the first error", () => {
  assert.deepEqual(findConfigSyntaxError(BROKEN), {
    line: 3,
    column: 3,
    message: "invalid character 'a'",
  });
  assert.equal(findConfigSyntaxError("{ a: 1, // fine\n}"), undefined);
  assert.equal(findConfigSyntaxError("  \n"), undefined);
});

Deno.test("config.valid reports a syntax error by line and column, with a fix that works on it", async () => {
  await using h = await doctorHome(BROKEN);
  let r = await runCheck(configValidCheck, h);
  assert.equal(r.status, "error");
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].message, "syntax error at line 3, column 3: invalid character 'a'");
  assert.equal(r.findings[0].path, h.configPath);
  assert.match(r.findings[0].fix ?? "", /^Edit ~\/\.openclaw\/openclaw\.json at line 3 /);
  assert.doesNotMatch(r.findings[0].fix ?? "", /config set|config unset/);
  await Deno.writeTextFile(`${h.configPath}.bak`, `{ gateway: { mode: "local" } }`);
  r = await runCheck(configValidCheck, h);
  assert.match(
    r.findings[0].fix ?? "",
    /; or go back to the last good copy: cp ~\/\.openclaw\/openclaw\.json\.bak ~\/\.openclaw\/openclaw\.json$/,
  );
});

Deno.test("checks that read the config are skipped with one line when it does not parse", async () => {
  await using h = await doctorHome(BROKEN);
  const report = await runDoctor(await openSession(h), { checks: DOCTOR_CHECKS });
  const auth = report.checks.find((c) => c.id === "gateway.auth");
  assert.deepEqual(auth?.findings, [{
    severity: "info",
    message: "Skipped: the config does not parse (see Config validity)",
  }]);
  assert.equal(auth?.status, "skipped");
  const all = report.checks.flatMap((c) => c.findings.map((f) => f.message)).join("\n");
  assert.doesNotMatch(all, /gateway\.mode/);
  for (const id of ["models.auth", "sandbox.image", "hooks.model", "state.legacy", "cron.store"]) {
    assert.equal(report.checks.find((c) => c.id === id)?.status, "skipped", id);
  }
});

Deno.test("doctor --fix never rewrites a config it cannot parse", async () => {
  await using h = await doctorHome(BROKEN);
  const report = await runDoctor(
    await openSession(h, { fix: true, generateGatewayToken: true }),
    { checks: DOCTOR_CHECKS },
  );
  assert.equal(await Deno.readTextFile(h.configPath), BROKEN);
  assert.deepEqual(report.changes, []);
  // Even asked directly, the edit is refused before anything is written.
  const session = await openSession(h, { generateGatewayToken: true });
  await assert.rejects(
    () => session.editConfig("test", "Rewrite", () => "{}"),
    /Refusing to rewrite ~\/\.openclaw\/openclaw\.json: syntax error at line 3, column 3/,
  );
  assert.equal(await Deno.readTextFile(h.configPath), BROKEN);
  const auth = await runCheck(gatewayAuthCheck, h, { generateGatewayToken: true });
  assert.equal(auth.status, "skipped");
});
