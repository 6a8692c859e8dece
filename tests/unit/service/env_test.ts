import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  assertServiceEnvironment,
  buildServiceEnvironment,
  minimalServicePath,
  redactServiceEnvironment,
  statusEnvironment,
} from "../../../lib/service/env.ts";
import { resolveServiceIdentity } from "../../../lib/service/identity.ts";
import { resolveServiceSpec } from "../../../lib/service/spec.ts";
import { VERSION } from "../../../lib/version.ts";
import { makeSandbox } from "../../helpers.ts";

Deno.test("buildServiceEnvironment() writes the documented keys in order", () => {
  const env = { HOME: "/nonexistent-home", OPENCLAW_PROFILE: "work" };
  const out = buildServiceEnvironment({
    env,
    platform: "linux",
    manager: "systemd",
    identity: resolveServiceIdentity(env),
    port: 19001,
    stateDir: "/s",
    configPath: "/s/openclaw.json",
  });
  assert.deepEqual(out, {
    HOME: "/nonexistent-home",
    PATH: "/usr/local/bin:/usr/bin:/bin",
    OPENCLAW_PROFILE: "work",
    OPENCLAW_STATE_DIR: "/s",
    OPENCLAW_CONFIG_PATH: "/s/openclaw.json",
    OPENCLAW_GATEWAY_PORT: "19001",
    OPENCLAW_SYSTEMD_UNIT: "openclaw-gateway-work.service",
    OPENCLAW_SERVICE_MARKER: "openclaw",
    OPENCLAW_SERVICE_KIND: "gateway",
    OPENCLAW_SERVICE_VERSION: VERSION,
  });
});

Deno.test("buildServiceEnvironment() for launchd names the label, not the unit", () => {
  const env = { HOME: "/nonexistent-home" };
  const out = buildServiceEnvironment({
    env,
    platform: "darwin",
    manager: "launchd",
    identity: resolveServiceIdentity(env),
    port: 18789,
    stateDir: "/s",
    configPath: "/s/openclaw.json",
  });
  assert.equal(out.OPENCLAW_LAUNCHD_LABEL, "ai.openclaw.gateway");
  assert.equal(out.OPENCLAW_SYSTEMD_UNIT, undefined);
  assert.equal(out.OPENCLAW_PROFILE, undefined);
  assert.equal(out.PATH, "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin");
});

Deno.test("minimalServicePath() puts existing user bin dirs first", async () => {
  await using sb = await makeSandbox();
  const home = sb.home;
  await Deno.mkdir(`${home}/.local/bin`, { recursive: true });
  await Deno.mkdir(`${home}/.deno/bin`, { recursive: true });
  assert.equal(
    minimalServicePath({ HOME: home }, "linux"),
    `${home}/.local/bin:${home}/.deno/bin:/usr/local/bin:/usr/bin:/bin`,
  );
});

Deno.test("resolveServiceSpec() never writes the gateway token or password into the service", async () => {
  const env = {
    HOME: "/nonexistent-home",
    OPENCLAW_GATEWAY_TOKEN: "secret-token-123",
    OPENCLAW_GATEWAY_PASSWORD: "secret-password-456",
    OPENCLAW_CONFIG_PATH: "/nonexistent-home/none.json",
  };
  const realToken = Deno.env.get("OPENCLAW_GATEWAY_TOKEN");
  Deno.env.set("OPENCLAW_GATEWAY_TOKEN", "process-token-789");
  try {
    for (const manager of ["systemd", "launchd"] as const) {
      const spec = await resolveServiceSpec({ manager, env, port: 18789 });
      const text = JSON.stringify(spec);
      assert.equal(spec.environment.OPENCLAW_GATEWAY_TOKEN, undefined);
      assert.equal(spec.environment.OPENCLAW_GATEWAY_PASSWORD, undefined);
      for (const secret of ["secret-token-123", "secret-password-456", "process-token-789"]) {
        assert.ok(!text.includes(secret), `${manager} spec leaks ${secret}`);
      }
    }
  } finally {
    if (realToken === undefined) Deno.env.delete("OPENCLAW_GATEWAY_TOKEN");
    else Deno.env.set("OPENCLAW_GATEWAY_TOKEN", realToken);
  }
});

Deno.test("resolveServiceSpec() takes the port from --port, then env, then config", async () => {
  const env = { HOME: "/nonexistent-home", OPENCLAW_CONFIG_PATH: "/nonexistent-home/x.json" };
  const byConfig = await resolveServiceSpec({ manager: "systemd", env, configPort: 20001 });
  assert.equal(byConfig.port, 20001);
  assert.deepEqual(byConfig.programArguments.slice(-3), ["gateway", "--port", "20001"]);
  const byEnv = await resolveServiceSpec({
    manager: "systemd",
    env: { ...env, OPENCLAW_GATEWAY_PORT: "20002" },
    configPort: 20001,
  });
  assert.equal(byEnv.port, 20002);
  const byFlag = await resolveServiceSpec({ manager: "systemd", env, port: "20003" });
  assert.equal(byFlag.environment.OPENCLAW_GATEWAY_PORT, "20003");
  assert.equal(byFlag.workingDirectory, "/nonexistent-home/.openclaw");
});

Deno.test("assertServiceEnvironment() rejects CR/LF and bad names", () => {
  const bads: Record<string, string>[] = [{ A: "x\r\ny" }, { A: "\n" }, { "A B": "x" }, {
    "": "x",
  }];
  for (const bad of bads) {
    assert.throws(
      () => assertServiceEnvironment(bad),
      (e: unknown) => e instanceof OpenClawError && e.code === "SERVICE_ENV_INVALID",
    );
  }
});

Deno.test("statusEnvironment() and redactServiceEnvironment() filter what is shown", () => {
  const env = {
    HOME: "/h",
    OPENCLAW_STATE_DIR: "/s",
    OPENCLAW_CONFIG_PATH: "/s/c",
    OPENCLAW_GATEWAY_PORT: "1",
    OPENCLAW_GATEWAY_TOKEN: "t",
  };
  assert.deepEqual(statusEnvironment(env), {
    OPENCLAW_STATE_DIR: "/s",
    OPENCLAW_CONFIG_PATH: "/s/c",
    OPENCLAW_GATEWAY_PORT: "1",
  });
  assert.equal(redactServiceEnvironment(env).OPENCLAW_GATEWAY_TOKEN, "***");
});
