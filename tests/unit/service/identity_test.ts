import assert from "node:assert/strict";
import {
  launchAgentPlistPath,
  resolveServiceIdentity,
  resolveServicePlatform,
  serviceDescription,
  systemdUnitPath,
} from "../../../lib/service/identity.ts";

const HOME = { HOME: "/home/u" };

Deno.test("resolveServiceIdentity() names the default profile's unit and label", () => {
  const id = resolveServiceIdentity(HOME);
  assert.deepEqual(id, {
    profile: undefined,
    systemdUnit: "openclaw-gateway.service",
    launchdLabel: "ai.openclaw.gateway",
    description: "OpenClaw Gateway",
  });
  assert.equal(systemdUnitPath(id, HOME), "/home/u/.config/systemd/user/openclaw-gateway.service");
  assert.equal(
    launchAgentPlistPath(id, HOME),
    "/home/u/Library/LaunchAgents/ai.openclaw.gateway.plist",
  );
});

Deno.test("resolveServiceIdentity() suffixes named profiles; `default` counts as none", () => {
  const id = resolveServiceIdentity({ ...HOME, OPENCLAW_PROFILE: "work" });
  assert.equal(id.systemdUnit, "openclaw-gateway-work.service");
  assert.equal(id.launchdLabel, "ai.openclaw.work");
  assert.match(id.description, /^OpenClaw Gateway \(profile: work, v\d+\.\d+\.\d+\)$/);
  const def = resolveServiceIdentity({ ...HOME, OPENCLAW_PROFILE: "Default" });
  assert.equal(def.systemdUnit, "openclaw-gateway.service");
});

Deno.test("resolveServiceIdentity() lets OPENCLAW_SYSTEMD_UNIT / OPENCLAW_LAUNCHD_LABEL win", () => {
  const id = resolveServiceIdentity({
    ...HOME,
    OPENCLAW_PROFILE: "work",
    OPENCLAW_SYSTEMD_UNIT: "my-gw",
    OPENCLAW_LAUNCHD_LABEL: "com.example.gw",
  });
  assert.equal(id.systemdUnit, "my-gw.service");
  assert.equal(id.launchdLabel, "com.example.gw");
  assert.equal(
    resolveServiceIdentity({ ...HOME, OPENCLAW_SYSTEMD_UNIT: "x.service" }).systemdUnit,
    "x.service",
  );
});

Deno.test("systemdUnitPath() respects XDG_CONFIG_HOME", () => {
  const env = { ...HOME, XDG_CONFIG_HOME: "/cfg" };
  assert.equal(
    systemdUnitPath(resolveServiceIdentity(env), env),
    "/cfg/systemd/user/openclaw-gateway.service",
  );
});

Deno.test("serviceDescription() carries profile and version only for named profiles", () => {
  assert.equal(serviceDescription(undefined, "1.2.3"), "OpenClaw Gateway");
  assert.equal(serviceDescription("rescue", "1.2.3"), "OpenClaw Gateway (profile: rescue, v1.2.3)");
});

Deno.test("resolveServicePlatform() honours OPENCLAW_SERVICE_PLATFORM", () => {
  assert.equal(resolveServicePlatform({ OPENCLAW_SERVICE_PLATFORM: "darwin" }), "darwin");
  assert.equal(resolveServicePlatform({ OPENCLAW_SERVICE_PLATFORM: "Linux" }), "linux");
  assert.equal(resolveServicePlatform({ OPENCLAW_SERVICE_PLATFORM: "plan9" }), "other");
  assert.equal(
    resolveServicePlatform({}),
    ["linux", "darwin", "windows"].includes(Deno.build.os) ? Deno.build.os : "other",
  );
});
