import assert from "node:assert/strict";
import { collectSecurityFindings, runSecurityAudit } from "../../../lib/security/audit.ts";
import { loadAuditContext } from "../../../lib/security/context.ts";
import { auditCtx, tempState } from "./_helpers.ts";

Deno.test("runSecurityAudit() builds the report: ts, summary and findings worst first", async () => {
  const ctx = auditCtx({
    logging: { redactSensitive: "off" },
    gateway: { auth: { mode: "trusted-proxy" }, tailscale: { mode: "serve" } },
  });
  const report = await runSecurityAudit(ctx, { now: () => new Date("2026-01-02T03:04:05Z") });
  assert.equal(report.ts, "2026-01-02T03:04:05.000Z");
  assert.deepEqual(report.summary, { critical: 3, warn: 2, info: 2 });
  assert.deepEqual(report.findings.map((f) => f.severity), [
    "critical",
    "critical",
    "critical",
    "warn",
    "warn",
    "info",
    "info",
  ]);
  assert.equal(report.deep, undefined);
  for (const f of report.findings) {
    assert.deepEqual(Object.keys(f), ["checkId", "severity", "title", "detail", "remediation"]);
  }
});

Deno.test("runSecurityAudit() adds the deep probe and gateway.probe_failed when it fails", async () => {
  const report = await runSecurityAudit(auditCtx({}), {
    probe: () =>
      Promise.resolve({
        gateway: { attempted: true, url: "ws://127.0.0.1:1", ok: false, error: "refused" },
      }),
  });
  assert.deepEqual(report.deep?.gateway, {
    attempted: true,
    url: "ws://127.0.0.1:1",
    ok: false,
    error: "refused",
  });
  assert.equal(report.findings[0].checkId, "gateway.probe_failed");
  assert.match(report.findings[0].detail, /ws:\/\/127\.0\.0\.1:1: refused/);
});

Deno.test("loadAuditContext() reads an invalid or broken config without throwing", async () => {
  await using s = await tempState(
    "{ gateway: { bind: 'lan', auth: { mode: 'none' } }, $include: './missing.json5' }",
  );
  const ctx = loadAuditContext({ env: s.env });
  assert.match(ctx.configError ?? "", /missing\.json5/);
  assert.deepEqual(collectSecurityFindings(ctx).map((f) => f.checkId), ["gateway.bind_no_auth"]);
  await Deno.writeTextFile(s.configPath, "{ not json5");
  assert.match(loadAuditContext({ env: s.env }).configError ?? "", /Cannot parse config/);
});

Deno.test("loadAuditContext() substitutes ${VAR} per section and lists include files", async () => {
  await using s = await tempState(
    '{ $include: "./extra.json5", gateway: { auth: { token: "${GW_TOKEN}" } }, logging: { file: "${NOPE}" } }',
  );
  await Deno.writeTextFile(
    `${s.stateDir}/extra.json5`,
    '{ discovery: { mdns: { mode: "full" } } }',
  );
  const ctx = loadAuditContext({ env: { ...s.env, GW_TOKEN: "t".repeat(30) } });
  assert.deepEqual(ctx.includeFiles, [`${s.stateDir}/extra.json5`]);
  assert.equal((ctx.config.gateway as { auth: { token: string } }).auth.token, "t".repeat(30));
  assert.deepEqual(ctx.written.gateway, { auth: { token: "${GW_TOKEN}" } });
  assert.deepEqual(ctx.config.logging, { file: "${NOPE}" }, "a missing variable stays as written");
  assert.deepEqual(ctx.config.discovery, { mdns: { mode: "full" } });
});
