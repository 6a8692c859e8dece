import assert from "node:assert/strict";
import {
  displayNameOf,
  formatInstanceName,
  machineDisplayName,
  mdnsHostLabel,
  normalizeDomain,
  truncateUtf8,
  zoneHostLabel,
  zoneInstanceLabel,
} from "../../../lib/discovery/names.ts";

Deno.test("formatInstanceName() names the beacon '<machine> (OpenClaw)' like stock", () => {
  assert.equal(formatInstanceName("studio"), "studio (OpenClaw)");
  assert.equal(formatInstanceName("Anna's MacBook Pro"), "Anna's MacBook Pro (OpenClaw)");
  assert.equal(formatInstanceName("openclaw-box"), "openclaw-box", "already says openclaw");
  assert.equal(formatInstanceName("My OpenClaw"), "My OpenClaw");
  assert.equal(formatInstanceName("   "), "OpenClaw");
});

Deno.test("formatInstanceName() keeps the name within one 63-byte DNS label", () => {
  const long = formatInstanceName("x".repeat(80));
  assert.equal(new TextEncoder().encode(long).length, 63);
  const wide = formatInstanceName("é".repeat(40));
  assert.ok(new TextEncoder().encode(wide).length <= 63);
  assert.ok(!wide.includes("\uFFFD"), "no character is split");
  assert.equal(truncateUtf8("ab€", 4), "ab", "€ is 3 bytes and does not fit");
});

Deno.test("machineDisplayName() takes the first usable name without .local, else openclaw", () => {
  assert.equal(machineDisplayName([undefined, "", "box.local"]), "box");
  assert.equal(machineDisplayName(["Studio", "studio-local"]), "Studio");
  assert.equal(machineDisplayName(["", " "]), "openclaw");
});

Deno.test("displayNameOf() drops the ' (OpenClaw)' suffix and collapses whitespace", () => {
  assert.equal(displayNameOf("studio (OpenClaw)"), "studio");
  assert.equal(displayNameOf("studio  (OpenClaw) (2)"), "studio (OpenClaw) (2)");
  assert.equal(displayNameOf("openclaw   box"), "openclaw box");
  assert.equal(displayNameOf(" (OpenClaw)"), "OpenClaw");
});

Deno.test("mdnsHostLabel() uses OPENCLAW_MDNS_HOSTNAME or the host name's first label", () => {
  assert.equal(mdnsHostLabel(undefined, "box.example.com"), "box");
  assert.equal(mdnsHostLabel(undefined, "Box.local"), "Box");
  assert.equal(mdnsHostLabel("gw-1", "box"), "gw-1");
  assert.equal(mdnsHostLabel("  ", "box"), "box");
  assert.equal(mdnsHostLabel("bad name!", "box"), "openclaw", "invalid → openclaw");
  assert.equal(mdnsHostLabel(undefined, ""), "openclaw");
});

Deno.test("zoneHostLabel() and zoneInstanceLabel() sanitize to DNS labels", () => {
  assert.equal(zoneHostLabel("My_Box.lan"), "my-box");
  assert.equal(zoneInstanceLabel("My_Box.lan"), "my-box-gateway");
  assert.equal(zoneHostLabel(""), "openclaw");
  assert.equal(zoneInstanceLabel(""), "openclaw-gw");
  assert.equal(zoneHostLabel("x".repeat(70)).length, 63);
});

Deno.test("normalizeDomain() lower-cases, drops the trailing dot and refuses non-DNS names", () => {
  assert.equal(normalizeDomain("OpenClaw.Internal."), "openclaw.internal");
  assert.equal(normalizeDomain("tail.example"), "tail.example");
  assert.equal(normalizeDomain("bad_domain"), undefined);
  assert.equal(normalizeDomain("-x.internal"), undefined);
  assert.equal(normalizeDomain(""), undefined);
  assert.equal(normalizeDomain("a..b"), undefined);
});
