import assert from "node:assert/strict";
import { OpenClawError } from "../../lib/errors.ts";
import {
  profileEnv,
  resolveConfigPath,
  resolveDefaultWorkspace,
  resolveGatewayBind,
  resolveGatewayPort,
  resolveHomeDir,
  resolveStateDir,
} from "../../lib/paths.ts";

const HOME = { HOME: "/home/u" };

Deno.test("resolveHomeDir() prefers OPENCLAW_HOME over HOME over USERPROFILE", () => {
  assert.equal(resolveHomeDir({ OPENCLAW_HOME: "/oc", HOME: "/h", USERPROFILE: "/w" }), "/oc");
  assert.equal(resolveHomeDir({ HOME: "/h", USERPROFILE: "/w" }), "/h");
  assert.equal(resolveHomeDir({ USERPROFILE: "/w" }), "/w");
});

Deno.test("resolveStateDir() defaults to ~/.openclaw", () => {
  assert.equal(resolveStateDir(HOME), "/home/u/.openclaw");
  assert.equal(resolveConfigPath(HOME), "/home/u/.openclaw/openclaw.json");
  assert.equal(resolveDefaultWorkspace(HOME), "/home/u/.openclaw/workspace");
});

Deno.test("resolveStateDir() honours OPENCLAW_STATE_DIR with ~ expanded", () => {
  assert.equal(resolveStateDir({ ...HOME, OPENCLAW_STATE_DIR: "~/state" }), "/home/u/state");
  assert.equal(resolveConfigPath({ ...HOME, OPENCLAW_STATE_DIR: "/s" }), "/s/openclaw.json");
});

Deno.test("resolveConfigPath() honours OPENCLAW_CONFIG_PATH over the state dir", () => {
  assert.equal(
    resolveConfigPath({ ...HOME, OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c.json" }),
    "/c.json",
  );
});

Deno.test("resolveStateDir() uses OPENCLAW_PROFILE when no state dir is set", () => {
  assert.equal(resolveStateDir({ ...HOME, OPENCLAW_PROFILE: "work" }), "/home/u/.openclaw-work");
  assert.equal(resolveStateDir({ ...HOME, OPENCLAW_PROFILE: "Default" }), "/home/u/.openclaw");
});

Deno.test("profileEnv() maps --dev to the dev profile", () => {
  assert.deepEqual(profileEnv({ dev: true }, HOME), {
    OPENCLAW_PROFILE: "dev",
    OPENCLAW_STATE_DIR: "/home/u/.openclaw-dev",
    OPENCLAW_CONFIG_PATH: "/home/u/.openclaw-dev/openclaw.json",
  });
});

Deno.test("profileEnv() maps --profile NAME to ~/.openclaw-NAME", () => {
  assert.equal(
    profileEnv({ profile: "rescue" }, HOME).OPENCLAW_STATE_DIR,
    "/home/u/.openclaw-rescue",
  );
});

Deno.test("profileEnv() never overrides explicit env values", () => {
  const env = { ...HOME, OPENCLAW_STATE_DIR: "/mine", OPENCLAW_CONFIG_PATH: "/mine/c.json" };
  assert.deepEqual(profileEnv({ profile: "x" }, env), { OPENCLAW_PROFILE: "x" });
  assert.deepEqual(profileEnv({ dev: true }, { ...HOME, OPENCLAW_PROFILE: "keep" }), {
    OPENCLAW_STATE_DIR: "/home/u/.openclaw-dev",
    OPENCLAW_CONFIG_PATH: "/home/u/.openclaw-dev/openclaw.json",
  });
});

Deno.test("profileEnv() treats profile 'default' as no profile", () => {
  assert.deepEqual(profileEnv({ profile: "DEFAULT" }, HOME), {});
});

Deno.test("profileEnv() refuses --dev with --profile", () => {
  assert.throws(() => profileEnv({ dev: true, profile: "x" }, HOME), (e: unknown) => {
    assert.ok(e instanceof OpenClawError);
    assert.equal(e.message, "Cannot combine --dev with --profile");
    assert.equal(e.exitCode, 2);
    return true;
  });
});

Deno.test("profileEnv() refuses names with other characters", () => {
  for (const bad of ["a/b", "../x", "a b", "ü"]) {
    assert.throws(() => profileEnv({ profile: bad }, HOME), (e: unknown) => {
      assert.ok(e instanceof OpenClawError);
      assert.equal(e.message, 'Invalid --profile (use letters, numbers, "_", "-" only)');
      return true;
    });
  }
});

Deno.test("resolveGatewayPort() prefers --port over env over config over the default", () => {
  const env = { ...HOME, OPENCLAW_GATEWAY_PORT: "20000" };
  assert.deepEqual(resolveGatewayPort({ cliPort: "30000", env, configPort: 40000 }), {
    port: 30000,
    source: "cli",
  });
  assert.deepEqual(resolveGatewayPort({ env, configPort: 40000 }), { port: 20000, source: "env" });
  assert.deepEqual(resolveGatewayPort({ env: HOME, configPort: 40000 }), {
    port: 40000,
    source: "config",
  });
  assert.deepEqual(resolveGatewayPort({ env: HOME }), { port: 18789, source: "default" });
});

Deno.test("resolveGatewayPort() defaults to 19001 for the dev profile", () => {
  const env = { ...HOME, OPENCLAW_PROFILE: "dev" };
  assert.deepEqual(resolveGatewayPort({ env }), { port: 19001, source: "default" });
  assert.equal(resolveGatewayPort({ env, configPort: 19500 }).port, 19500);
});

Deno.test("resolveGatewayPort() names the source of an invalid port", () => {
  assert.throws(
    () => resolveGatewayPort({ env: { ...HOME, OPENCLAW_GATEWAY_PORT: "abc" } }),
    /OPENCLAW_GATEWAY_PORT/,
  );
  assert.throws(() => resolveGatewayPort({ cliPort: "70000", env: HOME }), /--port/);
});

Deno.test("resolveGatewayBind() prefers the CLI over config over loopback", () => {
  assert.equal(resolveGatewayBind("lan", "tailnet"), "lan");
  assert.equal(resolveGatewayBind(undefined, "tailnet"), "tailnet");
  assert.equal(resolveGatewayBind(), "loopback");
  assert.throws(() => resolveGatewayBind("public"), /Invalid --bind/);
});
