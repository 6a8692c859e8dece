import assert from "node:assert/strict";
import { collectBrowserFindings } from "../../../lib/security/browser_checks.ts";
import { collectSecurityFindings } from "../../../lib/security/audit.ts";
import { auditCtx } from "./_helpers.ts";

Deno.test("security audit warns when two browser profiles share a CDP port", () => {
  const findings = collectBrowserFindings(auditCtx({
    browser: { profiles: { work: { cdpPort: 18800 } } },
  }));
  assert.deepEqual(findings.map((f) => [f.checkId, f.severity]), [
    ["browser.cdp_port_collision", "warn"],
  ]);
  assert.equal(
    findings[0].detail,
    'Browser profiles "work" and "openclaw" use the same CDP port 18800',
  );
  assert.match(findings[0].remediation, /18800-18899/);
});

Deno.test("security audit warns when a profile's CDP port lands on the gateway's own ports", () => {
  const findings = collectBrowserFindings(auditCtx({
    gateway: { port: 19001 },
    browser: { profiles: { home: { cdpPort: 19003 } } },
  }));
  assert.deepEqual(findings.map((f) => f.checkId), ["browser.cdp_port_collision"]);
  assert.match(
    findings[0].detail,
    /"home" uses CDP port 19003, inside the gateway's own ports \(19001-19011\)/,
  );
});

Deno.test("security audit follows OPENCLAW_GATEWAY_PORT for the gateway's ports", () => {
  const config = { browser: { profiles: { home: { cdpPort: 20002 } } } };
  assert.deepEqual(collectBrowserFindings(auditCtx(config)), []);
  const env = { HOME: "/nonexistent-home", OPENCLAW_GATEWAY_PORT: "20000" };
  assert.equal(collectBrowserFindings(auditCtx(config, { env })).length, 1);
});

Deno.test("security audit says nothing about browser ports without clashes or a browser section", () => {
  assert.deepEqual(collectBrowserFindings(auditCtx({})), []);
  assert.deepEqual(
    collectBrowserFindings(auditCtx({ browser: { profiles: { work: { cdpPort: 18850 } } } })),
    [],
  );
  const all = collectSecurityFindings(auditCtx({
    browser: { profiles: { work: { cdpPort: 18800 } } },
  }));
  assert.ok(all.some((f) => f.checkId === "browser.cdp_port_collision"), "registered in the audit");
});
