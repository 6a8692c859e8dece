import assert from "node:assert/strict";
import { parseEnvSwitch, resolveDiscoverySettings } from "../../../lib/discovery/settings.ts";

const linux = { os: "linux" as const, inContainer: false };
const mac = { os: "darwin" as const, inContainer: false };

Deno.test("parseEnvSwitch() reads stock's truthy and falsy spellings", () => {
  for (const v of ["1", "true", "YES", "on"]) assert.equal(parseEnvSwitch(v), true, v);
  for (const v of ["0", "false", "no", "Off"]) assert.equal(parseEnvSwitch(v), false, v);
  assert.equal(parseEnvSwitch(undefined), undefined);
  assert.equal(parseEnvSwitch("maybe"), undefined);
});

Deno.test("mDNS is off by default on Linux and in containers, on by default on macOS", () => {
  assert.equal(resolveDiscoverySettings(undefined, {}, linux).mdns.mode, "off");
  assert.match(resolveDiscoverySettings(undefined, {}, linux).mdns.reason, /off by default/);
  assert.equal(resolveDiscoverySettings(undefined, {}, mac).mdns.mode, "minimal");
  assert.equal(
    resolveDiscoverySettings(undefined, {}, { os: "darwin", inContainer: true }).mdns.mode,
    "off",
  );
  assert.equal(
    resolveDiscoverySettings(undefined, { OPENCLAW_DISABLE_BONJOUR: "0" }, linux).mdns.mode,
    "minimal",
    "OPENCLAW_DISABLE_BONJOUR=0 forces it on",
  );
});

Deno.test("discovery.mdns.mode decides when set; OPENCLAW_DISABLE_BONJOUR=1 overrides it", () => {
  const full = { mdns: { mode: "full" as const } };
  assert.equal(resolveDiscoverySettings(full, {}, linux).mdns.mode, "full");
  const disabled = resolveDiscoverySettings(full, { OPENCLAW_DISABLE_BONJOUR: "1" }, mac).mdns;
  assert.deepEqual(disabled, { mode: "off", reason: "OPENCLAW_DISABLE_BONJOUR=1" });
  const off = resolveDiscoverySettings({ mdns: { mode: "off" } }, {
    OPENCLAW_DISABLE_BONJOUR: "0",
  }, mac).mdns;
  assert.equal(off.mode, "off", "the env var does not override mode off");
});

Deno.test("wide-area publishes with enabled (default domain) or a domain, not when disabled", () => {
  assert.deepEqual(resolveDiscoverySettings(undefined, {}, linux).wideArea, { enabled: false });
  assert.deepEqual(
    resolveDiscoverySettings({ wideArea: { enabled: true } }, {}, linux).wideArea,
    { enabled: true, domain: "openclaw.internal" },
  );
  assert.deepEqual(
    resolveDiscoverySettings({ wideArea: { domain: "Tail.Example." } }, {}, linux).wideArea,
    { enabled: true, domain: "tail.example" },
  );
  assert.equal(
    resolveDiscoverySettings({ wideArea: { enabled: false, domain: "x.y" } }, {}, linux).wideArea
      .enabled,
    false,
  );
});
