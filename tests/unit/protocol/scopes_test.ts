import assert from "node:assert/strict";
import {
  canReceiveEvent,
  CLI_DEFAULT_OPERATOR_SCOPES,
  CONTROL_PLANE_WRITE_LIMIT,
  eventRequiredScope,
  isControlPlaneWrite,
  isOperatorScope,
  OPERATOR_SCOPES,
  scopesSatisfy,
} from "../../../lib/protocol/scopes.ts";

Deno.test("scopesSatisfy() applies the operator scope implications", () => {
  for (const scope of OPERATOR_SCOPES) assert.equal(scopesSatisfy(["operator.admin"], scope), true);
  const write = ["operator.write"];
  for (
    const s of [
      "operator.read",
      "operator.talk",
      "operator.sessions.read",
      "operator.sessions.write",
    ]
  ) {
    assert.equal(scopesSatisfy(write, s), true, s);
  }
  assert.equal(scopesSatisfy(write, "operator.admin"), false);
  assert.equal(scopesSatisfy(write, "operator.approvals"), false);
  assert.equal(scopesSatisfy(write, "operator.talk.secrets"), false);
  assert.equal(scopesSatisfy(["operator.read"], "operator.sessions.read"), true);
  assert.equal(scopesSatisfy(["operator.read"], "operator.write"), false);
  assert.equal(scopesSatisfy(["operator.read"], "operator.sessions.write"), false);
  assert.equal(scopesSatisfy(["operator.sessions.read"], "operator.read"), false);
  assert.equal(scopesSatisfy([], []), true);
  assert.equal(scopesSatisfy(["operator.read"], ["operator.read", "operator.pairing"]), false);
  assert.equal(scopesSatisfy(["node.x"], "node.x"), false, "only operator scopes are granted");
});

Deno.test("the CLI's fallback scope set is stock's (§4.2) and all are operator scopes", () => {
  assert.deepEqual(CLI_DEFAULT_OPERATOR_SCOPES, [
    "operator.admin",
    "operator.read",
    "operator.write",
    "operator.approvals",
    "operator.questions",
    "operator.pairing",
    "operator.talk.secrets",
  ]);
  assert.ok(CLI_DEFAULT_OPERATOR_SCOPES.every(isOperatorScope));
  assert.equal(isOperatorScope("operator.bogus"), false);
});

Deno.test("eventRequiredScope() gates per §7.2 and fails closed", () => {
  for (
    const e of ["tick", "health", "heartbeat", "shutdown", "gateway.suspension", "update.available"]
  ) {
    assert.equal(eventRequiredScope(e), null, e);
  }
  assert.equal(eventRequiredScope("chat"), "operator.read");
  assert.equal(eventRequiredScope("presence"), "operator.read");
  assert.equal(eventRequiredScope("config.changed"), "operator.read");
  assert.equal(eventRequiredScope("exec.approval.requested"), "operator.approvals");
  assert.equal(eventRequiredScope("session.approval"), "operator.approvals");
  assert.equal(eventRequiredScope("device.pair.requested"), "operator.pairing");
  assert.equal(eventRequiredScope("terminal.data"), "operator.admin");
  assert.equal(eventRequiredScope("talk.mode"), "operator.talk");
  assert.equal(eventRequiredScope("plugin.foo.bar"), "operator.write");
  assert.equal(eventRequiredScope("brand.new.event"), "operator.admin");
  assert.equal(eventRequiredScope("constructor"), "operator.admin");
});

Deno.test("canReceiveEvent() keeps operator events from nodes and under-scoped operators", () => {
  const node = { role: "node", scopes: ["operator.admin"] };
  assert.equal(canReceiveEvent(node, "tick"), true);
  assert.equal(canReceiveEvent(node, "chat"), false);
  const reader = { role: "operator", scopes: ["operator.read"] };
  assert.equal(canReceiveEvent(reader, "chat"), true);
  assert.equal(canReceiveEvent(reader, "talk.mode"), false);
  assert.equal(canReceiveEvent({ scopes: ["operator.write"] }, "talk.mode"), true);
  assert.equal(canReceiveEvent({ scopes: ["operator.pairing"] }, "chat"), false);
});

Deno.test("control-plane writes are config.apply, config.patch and update.run at 3 per 60 s", () => {
  assert.equal(isControlPlaneWrite("config.apply"), true);
  assert.equal(isControlPlaneWrite("config.patch"), true);
  assert.equal(isControlPlaneWrite("update.run"), true);
  assert.equal(isControlPlaneWrite("config.set"), false);
  assert.deepEqual(CONTROL_PLANE_WRITE_LIMIT, {
    maxRequests: 3,
    windowMs: 60_000,
    label: "3 per 60s",
  });
});
