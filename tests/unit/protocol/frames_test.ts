import assert from "node:assert/strict";
import {
  acceptsProtocol,
  formatZodIssues,
  HelloOkSchema,
  isRole,
  parseConnectParams,
  parseFrame,
  validateParams,
} from "../../../lib/protocol/frames.ts";
import { z } from "zod";

function rejects(text: string): { error: string; id?: string } {
  const r = parseFrame(text);
  assert.equal(r.ok, false, `expected rejection of ${text.slice(0, 60)}`);
  if (r.ok) throw new Error("unreachable");
  return r;
}

Deno.test("parseFrame() accepts request, response and event frames", () => {
  const req = parseFrame('{"type":"req","id":"1:abc","method":"health","params":{"probe":true}}');
  assert.deepEqual(req, {
    ok: true,
    frame: { type: "req", id: "1:abc", method: "health", params: { probe: true } },
  });
  const res = parseFrame(
    '{"type":"res","id":"1","ok":false,"error":{"code":"UNAVAILABLE","message":"x","retryable":true,"retryAfterMs":500}}',
  );
  assert.equal(res.ok, true);
  const ev = parseFrame(
    '{"type":"event","event":"presence","payload":{"presence":[]},"seq":3,"stateVersion":{"presence":1,"health":2}}',
  );
  assert.equal(ev.ok && ev.frame.type === "event" && ev.frame.seq, 3);
  assert.equal(parseFrame('{"type":"req","id":"2","method":"status"}').ok, true);
});

Deno.test("parseFrame() rejects unknown keys with the key named", () => {
  const r = rejects('{"type":"req","id":"7","method":"health","extra":1}');
  assert.equal(r.error, 'invalid request frame: unknown key "extra"');
  assert.equal(r.id, "7");
  const nested = rejects(
    '{"type":"res","id":"1","ok":false,"error":{"code":"X","message":"m","why":1}}',
  );
  assert.equal(nested.error, 'invalid response frame: error: unknown key "why"');
});

Deno.test("parseFrame() rejects wrong types and missing fields readably", () => {
  assert.equal(
    rejects('{"type":"req","id":"1"}').error,
    "invalid request frame: method: required",
  );
  assert.equal(
    rejects('{"type":"req","id":5,"method":"x"}').error,
    "invalid request frame: id: expected string, got integer",
  );
  assert.equal(
    rejects('{"type":"req","id":"","method":"x"}').error,
    "invalid request frame: id: must not be empty",
  );
  assert.equal(
    rejects('{"type":"event","event":"tick","seq":-1}').error,
    "invalid event frame: seq: must be >= 0",
  );
  assert.equal(rejects('{"id":"1"}').error, "invalid frame: type: required");
  assert.equal(rejects('{"type":"cancel","id":"1"}').error, 'invalid frame: unknown type "cancel"');
});

Deno.test("parseFrame() rejects non-JSON and non-objects without throwing", () => {
  assert.match(rejects("not json").error, /^invalid frame: not valid JSON \(/);
  assert.match(rejects("").error, /^invalid frame: not valid JSON/);
  assert.match(rejects('{"type":"req"').error, /^invalid frame: not valid JSON/);
  assert.equal(rejects("[1,2]").error, "invalid frame: expected a JSON object, got array");
  assert.equal(rejects("null").error, "invalid frame: expected a JSON object, got null");
  assert.equal(rejects('"req"').error, "invalid frame: expected a JSON object, got string");
  // Runtime callers may pass binary data despite the type.
  assert.equal(
    parseFrame(new Uint8Array(3) as unknown as string).ok,
    false,
  );
});

Deno.test("parseFrame() refuses __proto__ keys anywhere, also when escaped", () => {
  const top = rejects('{"type":"req","id":"1","method":"x","__proto__":{"polluted":true}}');
  assert.equal(top.error, 'invalid frame: forbidden key "__proto__"');
  rejects('{"type":"req","id":"1","method":"config.patch","params":{"raw":{"__proto__":{"a":1}}}}');
  rejects('{"type":"req","id":"1","method":"x","params":{"\\u005f_proto__":{"a":1}}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // A string value that merely mentions __proto__ is fine.
  assert.equal(parseFrame('{"type":"req","id":"1","method":"x","params":"__proto__"}').ok, true);
});

Deno.test("parseFrame() rejects nesting deeper than 64 levels, even huge ones", () => {
  const deep = (n: number) =>
    `{"type":"req","id":"1","method":"x","params":${"[".repeat(n)}${"]".repeat(n)}}`;
  assert.equal(parseFrame(deep(60)).ok, true);
  assert.equal(rejects(deep(64)).error, "invalid frame: nested deeper than 64 levels");
  assert.equal(rejects("[".repeat(1_000_000)).error, "invalid frame: nested deeper than 64 levels");
  // Brackets inside strings (with escaped quotes) do not count.
  const inString = `{"type":"req","id":"1","method":"x","params":"\\"${"[".repeat(200)}"}`;
  assert.equal(parseFrame(inString).ok, true);
});

const probe = {
  minProtocol: 3,
  maxProtocol: 4,
  client: { id: "cli", version: "dev", platform: "linux", mode: "probe" },
  role: "operator",
  scopes: ["operator.read"],
};
const health = {
  minProtocol: 4,
  maxProtocol: 4,
  client: {
    id: "gateway-client",
    displayName: "health",
    version: "2026.9.6",
    platform: "linux",
    mode: "backend",
    instanceId: "i-1",
  },
  caps: [],
  role: "operator",
  scopes: ["operator.read"],
  auth: { token: "secret" },
};
const cli = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: "cli", version: "2026.9.6", platform: "darwin", mode: "cli" },
  role: "operator",
  scopes: [
    "operator.admin",
    "operator.read",
    "operator.write",
    "operator.approvals",
    "operator.questions",
    "operator.pairing",
    "operator.talk.secrets",
  ],
  auth: { password: "pw" },
};
const controlUi = {
  minProtocol: 4,
  maxProtocol: 4,
  client: {
    id: "openclaw-control-ui",
    version: "2026.9.6",
    platform: "MacIntel",
    mode: "webchat",
    buildId: "b1",
    timeZone: "Europe/Berlin",
  },
  role: "operator",
  scopes: ["operator.admin"],
  caps: ["tool-events", "model-catalog-snapshot", "some-future-cap"],
  modelCatalog: { agentId: "main", sessionKey: "agent:main:main" },
  device: {
    id: "a".repeat(64),
    publicKey: "k",
    signature: "s",
    signedAt: 1_700_000_000_000,
    nonce: "n",
  },
  auth: { token: "t", deviceToken: "d" },
  locale: "en-US",
  userAgent: "Mozilla/5.0",
};
const referenceDefault = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: "gateway-client", version: "1", platform: "linux", mode: "backend" },
  scopes: ["operator.admin"],
};
const nodeHost = {
  minProtocol: 3,
  maxProtocol: 4,
  client: { id: "node-host", version: "1", platform: "linux", mode: "node", deviceFamily: "Linux" },
  role: "node",
  commands: ["system.run"],
  permissions: { screen: true },
  pathEnv: "/usr/bin",
};

Deno.test("parseConnectParams() accepts what each stock client sends", () => {
  for (const params of [probe, health, cli, controlUi, referenceDefault, nodeHost]) {
    const r = parseConnectParams(params);
    assert.equal(r.ok, true, r.ok ? "" : r.error.message);
  }
});

Deno.test("parseConnectParams() rejects unknown client ids, modes and keys readably", () => {
  const bad = parseConnectParams({
    ...probe,
    client: { ...probe.client, id: "evil-client", mode: "god" },
    extra: true,
    scopes: [""],
  });
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.equal(bad.error.code, "INVALID_REQUEST");
  assert.equal(
    bad.error.message,
    'invalid connect params: client.id: "evil-client" is not an allowed value; client.mode: ' +
      '"god" is not one of "webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"; ' +
      'scopes[0]: must not be empty; unknown key "extra"',
  );
  const missing = parseConnectParams(undefined);
  assert.equal(
    !missing.ok && missing.error.message,
    "invalid connect params: minProtocol: required; maxProtocol: required; client: required",
  );
  const device = parseConnectParams({ ...controlUi, device: { ...controlUi.device, nonce: "" } });
  assert.equal(
    !device.ok && device.error.message,
    "invalid connect params: device.nonce: must not be empty",
  );
  const auth = parseConnectParams({ ...health, auth: { token: 1, otp: "x" } });
  assert.equal(
    !auth.ok && auth.error.message,
    'invalid connect params: auth.token: expected string, got integer; auth: unknown key "otp"',
  );
});

Deno.test("validateParams() treats missing params as {} and names the method", () => {
  const schema = z.strictObject({ enabled: z.boolean() });
  const r = validateParams("set-heartbeats", schema, undefined);
  assert.deepEqual(r, {
    ok: false,
    error: { code: "INVALID_REQUEST", message: "invalid set-heartbeats params: enabled: required" },
  });
  assert.deepEqual(validateParams("set-heartbeats", schema, { enabled: true }), {
    ok: true,
    value: { enabled: true },
  });
});

Deno.test("formatZodIssues() keeps hostile keys short and summarises long lists", () => {
  const schema = z.strictObject({ a: z.string() });
  const longKey = "k".repeat(5000);
  const r = schema.safeParse({ [longKey]: 1, b: 1, c: 1, d: 1, a: 1 }, { reportInput: true });
  const text = formatZodIssues(r.error!.issues);
  assert.ok(text.length < 200, text);
  assert.match(text, /unknown keys "k{10,}…", "b", "c" \(\+1 more\)/);
  const many = z.array(z.string()).safeParse([1, 2, 3, 4, 5, 6, 7], { reportInput: true });
  assert.match(formatZodIssues(many.error!.issues), /; \+2 more$/);
});

Deno.test("acceptsProtocol() follows the v4 negotiation rules", () => {
  const range = (min: number, max: number, mode = "cli", role?: string) => ({
    minProtocol: min,
    maxProtocol: max,
    role,
    client: { mode },
  });
  assert.equal(acceptsProtocol(range(4, 4)), true);
  assert.equal(acceptsProtocol(range(1, 9)), true);
  assert.equal(acceptsProtocol(range(3, 3)), false);
  assert.equal(acceptsProtocol(range(5, 6)), false);
  assert.equal(acceptsProtocol(range(3, 3, "probe")), true);
  assert.equal(acceptsProtocol(range(2, 2, "probe")), false);
  assert.equal(acceptsProtocol(range(5, 5, "probe")), false);
  assert.equal(acceptsProtocol(range(3, 3, "node", "node")), true);
  assert.equal(acceptsProtocol(range(3, 3, "node", "operator")), false);
});

Deno.test("HelloOkSchema accepts a minimal hello-ok and rejects extra keys", () => {
  const hello = {
    type: "hello-ok",
    protocol: 4,
    server: { version: "2026.11.0", connId: crypto.randomUUID() },
    features: { methods: ["health"], events: ["tick"] },
    snapshot: {
      presence: [{ ts: 1, clientId: "cli", mode: "cli" }],
      health: {},
      stateVersion: { presence: 1, health: 0 },
      uptimeMs: 12,
      authMode: "token",
    },
    auth: { role: "operator", scopes: ["operator.read"], method: "token" },
    policy: { maxPayload: 26_214_400, maxBufferedBytes: 52_428_800, tickIntervalMs: 30_000 },
  } satisfies z.input<typeof HelloOkSchema>;
  assert.equal(HelloOkSchema.safeParse(hello).success, true);
  assert.equal(HelloOkSchema.safeParse({ ...hello, canvasHostUrl: "x" }).success, false);
});

Deno.test("isRole() accepts operator and node only", () => {
  assert.equal(isRole("operator"), true);
  assert.equal(isRole("node"), true);
  for (const bad of ["worker", "admin", "", undefined, 1]) assert.equal(isRole(bad), false);
});

Deno.test("parseFrame() keeps the id of a frame nested too deep, so the error reaches its caller", () => {
  const deep = `{"type":"req","id":"d64","method":"health","params":${'{"a":'.repeat(70)}1${
    "}".repeat(70)
  }}`;
  const r = parseFrame(deep);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.id, "d64");
  assert.match(!r.ok ? r.error : "", /nested deeper than 64 levels/);
  const late = `{"type":"req","params":${"[".repeat(70)}${"]".repeat(70)},"id":"x"}`;
  const r2 = parseFrame(late);
  assert.equal(!r2.ok && r2.id, undefined);
});
