import assert from "node:assert/strict";
import { collectPolicyFindings, dangerousBindReason } from "../../../lib/security/policy_checks.ts";
import { auditCtx, ids } from "./_helpers.ts";

const audit = (config: Record<string, unknown>) => collectPolicyFindings(auditCtx(config));
const withBinds = (binds: string[], extra: Record<string, unknown> = {}) => ({
  agents: { defaults: { sandbox: { mode: "all", docker: { binds, ...extra } } } },
});

Deno.test("dangerousBindReason() blocks system paths, the docker socket and parents of them", () => {
  assert.equal(
    dangerousBindReason("/var/run/docker.sock"),
    'targets blocked path "/var/run/docker.sock"',
  );
  assert.equal(dangerousBindReason("/etc/ssh"), 'targets blocked path "/etc"');
  assert.equal(dangerousBindReason("/proc"), 'targets blocked path "/proc"');
  assert.equal(dangerousBindReason("/"), 'covers blocked path "/"');
  assert.equal(dangerousBindReason("/home"), 'covers blocked path "/home"');
  assert.equal(dangerousBindReason("/var"), 'covers blocked path "/var/run/docker.sock"');
  assert.equal(dangerousBindReason("/home/me/src/../../../etc"), 'targets blocked path "/etc"');
  assert.equal(dangerousBindReason("/srv/nonexistent-project"), undefined);
});

Deno.test("collectPolicyFindings() flags dangerous and relative bind mounts", () => {
  const f = audit(
    withBinds(["/var/run/docker.sock:/var/run/docker.sock", "data:/data", "/srv/x:/x:ro"]),
  );
  assert.deepEqual(f.map((x) => [x.checkId, x.severity]), [
    ["sandbox.dangerous_bind_mount", "critical"],
    ["sandbox.bind_mount_non_absolute", "warn"],
  ]);
  assert.match(f[0].detail, /agents\.defaults\.sandbox\.docker\.binds\[0\]/);
});

Deno.test("collectPolicyFindings() flags host networking and unconfined profiles per agent", () => {
  const config = {
    agents: {
      list: [{ id: "ops", sandbox: { docker: { network: "host", seccompProfile: "unconfined" } } }],
    },
  };
  const f = audit(config);
  assert.deepEqual(ids(f), ["sandbox.dangerous_network_mode", "sandbox.dangerous_seccomp_profile"]);
  assert.match(f[0].detail, /agents\.list\[0\]\.sandbox\.docker\.network is "host"/);
});

Deno.test("collectPolicyFindings() warns when docker settings exist but the sandbox is off", () => {
  assert.deepEqual(ids(audit({ agents: { defaults: { sandbox: { docker: { binds: [] } } } } })), [
    "sandbox.docker_config_mode_off",
  ]);
});

Deno.test("collectPolicyFindings() flags exec security full", () => {
  assert.deepEqual(ids(audit({ tools: { exec: { security: "full" } } })), [
    "tools.exec.security_full_configured",
  ]);
});

Deno.test("collectPolicyFindings() grades open groups by what they can reach", () => {
  const open = { channels: { telegram: { groupPolicy: "open" } } };
  const f = audit(open);
  assert.deepEqual(f.map((x) => [x.checkId, x.severity]), [
    ["security.exposure.open_groups_with_runtime_or_fs", "critical"],
  ]);
  const sandboxed = audit({ ...open, agents: { defaults: { sandbox: { mode: "non-main" } } } });
  assert.equal(sandboxed[0].severity, "warn");
  const denied = audit({ ...open, tools: { deny: ["group:runtime", "group:fs"] } });
  assert.deepEqual(denied, []);
  const elevated = audit({ ...open, tools: { elevated: { enabled: true }, profile: "minimal" } });
  assert.deepEqual(elevated.map((x) => [x.checkId, x.severity]), [
    ["security.exposure.open_groups_with_elevated", "critical"],
  ]);
});

Deno.test("collectPolicyFindings() sees open policies on accounts and through channel defaults", () => {
  const viaDefaults = audit({
    channels: { defaults: { groupPolicy: "open" }, discord: {} },
    tools: { profile: "messaging", elevated: { enabled: true } },
  });
  assert.match(viaDefaults[0].detail, /channels\.discord/);
  const viaAccount = audit({
    channels: { slack: { accounts: { work: { groupPolicy: "open", dmPolicy: "open" } } } },
    tools: { profile: "minimal" },
  });
  assert.deepEqual(viaAccount.map((x) => [x.checkId, x.severity]), [[
    "channels.slack.dm.open",
    "warn",
  ]]);
  assert.match(viaAccount[0].detail, /channels\.slack\.accounts\.work has dmPolicy "open"/);
});

Deno.test("collectPolicyFindings() reads tool policies through the catalog's aliases and groups", () => {
  const open = { channels: { telegram: { groupPolicy: "open" } } };
  // `bash` is exec; denying it with the write tools leaves nothing dangerous reachable.
  const denied = audit({ ...open, tools: { deny: ["BASH", "group:fs"] } });
  assert.deepEqual(denied, []);
  // A policy entry named like a prototype member is a plain (unknown) name, not a crash.
  const odd = audit({ ...open, tools: { allow: ["constructor"], deny: ["toString"] } });
  assert.deepEqual(odd, []);
});
