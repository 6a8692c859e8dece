import assert from "node:assert/strict";
import { configLegacyCheck, configValidCheck } from "../../../lib/doctor/checks/config.ts";
import { runDoctor } from "../../../lib/doctor/runner.ts";
import type { ConfigChange } from "../../../lib/doctor/types.ts";
import { DoctorSession } from "../../../lib/doctor/session.ts";
import { doctorHome, fakeProbes, openSession } from "./_helpers.ts";

const checks = [configLegacyCheck, configValidCheck];

const LEGACY = `// my config
{
  gateway: {
    mode: "local",
    token: "abcdefghijklmnopqrstuvwxyz012345", // old place
  },
  // not ours, but kept
  custom: { keep: true },
}
`;

Deno.test("config checks explain a legacy key and list other problems as path: message", async () => {
  await using h = await doctorHome(`{ gateway: { token: "t", port: "x" } }`);
  const report = await runDoctor(await openSession(h), { checks });
  const [legacy, valid] = report.checks;
  assert.equal(legacy.status, "error");
  assert.deepEqual(legacy.findings[0], {
    severity: "error",
    message: 'Found "gateway.token" in config. Use "gateway.auth.token" instead.',
    path: "gateway.token",
    fix:
      'doctor --fix: Move gateway.token to gateway.auth.token (and set gateway.auth.mode="token" if unset).',
    fixable: true,
  });
  assert.equal(valid.status, "error");
  assert.deepEqual(valid.findings.map((f) => [f.path, f.message]), [
    ["gateway.port", "Expected number, received string"],
    [undefined, "1 more problem(s) come from legacy keys (see Legacy config keys)"],
  ]);
});

Deno.test("config.legacy --fix migrates with a diff before writing and keeps a .bak", async () => {
  await using h = await doctorHome(LEGACY);
  const seen: { change: ConfigChange; onDisk: string }[] = [];
  const session = await DoctorSession.open({
    env: h.env,
    options: { fix: true },
    probes: fakeProbes(),
    onConfigChange: (change) => seen.push({ change, onDisk: Deno.readTextFileSync(h.configPath) }),
  });
  const report = await runDoctor(session, { checks: [configLegacyCheck] });
  assert.deepEqual(report.checks.map((c) => c.status), ["fixed"]);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].onDisk, LEGACY, "the diff is reported before the file changes");
  const diffLines = seen[0].change.diff.split("\n");
  assert.ok(diffLines.includes('-    token: "abcdefghijklmnopqrstuvwxyz012345", // old place'));
  assert.ok(diffLines.includes("+    auth: {"));
  const after = await Deno.readTextFile(h.configPath);
  assert.match(after, /\/\/ my config/);
  assert.ok(after.includes("// not ours, but kept\n  custom: { keep: true },"));
  assert.ok(
    after.includes(
      'auth: {\n      mode: "token",\n      token: "abcdefghijklmnopqrstuvwxyz012345",',
    ),
  );
  assert.equal(await Deno.readTextFile(`${h.configPath}.bak`), LEGACY);
  assert.deepEqual(report.changes.map((c) => c.title), ["Migrate legacy config keys"]);
  // `custom` is an unknown key: the migration keeps it; config.valid reports it.
  const check = await runDoctor(await openSession(h), { checks: [configValidCheck] });
  assert.deepEqual(check.checks[0].findings.map((f) => f.path), ["custom"]);
});

Deno.test("config.valid --fix reports unknown keys and never drops them", async () => {
  const text = `{\n  gateway: { mode: "local", bogus: 1 },\n  // comment\n}\n`;
  await using h = await doctorHome(text);
  const report = await runDoctor(await openSession(h, { fix: true }), { checks });
  assert.equal(report.checks[1].status, "error");
  const finding = report.checks[1].findings[0];
  assert.equal(finding.path, "gateway.bogus");
  assert.match(finding.fix ?? "", /openclaw config unset gateway\.bogus/);
  assert.equal(await Deno.readTextFile(h.configPath), text);
});

Deno.test("config checks run on a missing or unparsable config", async () => {
  await using h = await doctorHome();
  let report = await runDoctor(await openSession(h), { checks });
  assert.deepEqual(report.checks.map((c) => c.status), ["skipped", "warn"]);
  assert.match(
    report.checks[1].findings[0].message,
    /^No config file at ~\/\.openclaw\/openclaw\.json/,
  );
  await Deno.mkdir(h.stateDir);
  await Deno.writeTextFile(h.configPath, "{ gateway: ");
  report = await runDoctor(await openSession(h), { checks });
  assert.equal(report.checks[1].status, "error");
  assert.equal(
    report.checks[1].findings[0].message,
    "syntax error at line 1, column 12: invalid end of input",
  );
});
