// `tailscale status --json` is read with a small hand-written check: each shape the old schema
// refused is still "unexpected status output" (never an exception, never a half-read status).
import assert from "node:assert/strict";
import { parseTailscaleStatus } from "../../../lib/discovery/tailnet.ts";

const UNEXPECTED = {
  installed: true,
  running: false,
  addresses: {},
  error: "unexpected status output",
};

function assertUnexpected(outputs: unknown[]) {
  for (const output of outputs) {
    assert.deepEqual(parseTailscaleStatus(JSON.stringify(output)), UNEXPECTED, String(output));
  }
}

Deno.test("status output that is not a JSON object is unexpected", () => {
  assertUnexpected([[], [{ BackendState: "Running" }], null, "Running", 42, true]);
});

Deno.test("a BackendState that is not a string makes the status unexpected", () => {
  assertUnexpected([{ BackendState: 1 }, { BackendState: null }, { BackendState: ["Running"] }]);
});

Deno.test("a Self that is not an object makes the status unexpected", () => {
  assertUnexpected([
    { BackendState: "Running", Self: "studio" },
    { BackendState: "Running", Self: null },
    { BackendState: "Running", Self: [] },
  ]);
});

Deno.test("a Self.DNSName that is not a string makes the status unexpected", () => {
  assertUnexpected([
    { BackendState: "Running", Self: { DNSName: 5 } },
    { BackendState: "Running", Self: { DNSName: null } },
  ]);
});

Deno.test("a Self.TailscaleIPs that is not an array makes the status unexpected", () => {
  assertUnexpected([
    { BackendState: "Running", Self: { TailscaleIPs: "100.101.102.103" } },
    { BackendState: "Running", Self: { TailscaleIPs: { 0: "100.101.102.103" } } },
  ]);
});

Deno.test("a Self.TailscaleIPs entry that is not a string makes the status unexpected", () => {
  assertUnexpected([
    { BackendState: "Running", Self: { TailscaleIPs: ["100.101.102.103", 7] } },
    { BackendState: "Running", Self: { TailscaleIPs: [null] } },
  ]);
});

Deno.test("status fields we do not read, and missing optional ones, are accepted", () => {
  assert.deepEqual(parseTailscaleStatus("{}"), { installed: true, running: false, addresses: {} });
  assert.deepEqual(
    parseTailscaleStatus(JSON.stringify({
      Version: "1.80.0",
      BackendState: "NeedsLogin",
      Self: { HostName: "studio", Online: false },
      Peer: { "nodekey:1": { DNSName: 3 } },
    })),
    { installed: true, backendState: "NeedsLogin", running: false, addresses: {} },
  );
  assert.deepEqual(
    parseTailscaleStatus('{"BackendState":"Running","Self":{"TailscaleIPs":[]}}'),
    { installed: true, backendState: "Running", running: true, addresses: {} },
  );
});
