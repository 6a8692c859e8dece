import assert from "node:assert/strict";
import { compilePattern, createRedactor, maskToken, redactValue } from "../../../lib/log/redact.ts";

const redact = createRedactor();

Deno.test("maskToken() keeps 6 + 4 characters from 18 characters up, else ***", () => {
  assert.equal(maskToken("a".repeat(17)), "***");
  assert.equal(maskToken("abcdef12345678wxyz"), "abcdef…wxyz");
});

Deno.test("createRedactor() masks well-known token shapes with the 6+4 rule", () => {
  const cases: [string, string][] = [
    ["key sk-abcdefghijklmnopqrstuvwx", "key sk-abc…uvwx"],
    ["sk-ant-api03-abcdefghijklmnopqrstuv", "sk-ant…stuv"],
    ["sk-or-v1-0123456789abcdefXYZ", "sk-or-…fXYZ"],
    ["gsk_ABCDEFGHIJKLMNOPQRSTUV", "gsk_AB…STUV"],
    ["ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "ghp_AB…2345"],
    ["gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "gho_AB…2345"],
    ["github_pat_11ABCDEFG0123456789_abcdefXYZ", "github…fXYZ"],
    ["slack xoxb-123456789012-abcdefghijkl", "slack xoxb-1…ijkl"],
    ["xoxp-1234-5678-abcdefghij", "xoxp-1…ghij"],
    ["123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq", "123456…sawq"],
    [
      "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq/getMe",
      "https://api.telegram.org/bot123456…sawq/getMe",
    ],
    ["Bearer abcdefghijklmnopqrstuvwxyz", "Bearer abcdef…wxyz"],
    ["Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==", "Authorization: Basic dXNlcj…Ng=="],
    ['{"token": "0123456789abcdefghijkl"}', '{"token": "012345…ijkl"}'],
    ['{"password":"hunter2"}', '{"password":"***"}'],
    ['{"apiKey":"AKIAABCDEFGHIJKLMNOP"}', '{"apiKey":"AKIAAB…MNOP"}'],
    ["openclaw gateway --token abcdefghijklmnopqrstu", "openclaw gateway --token abcdef…rstu"],
    ["--password hunter2", "--password ***"],
    ['--token "quoted-token-value-123"', '--token "quoted…-123"'],
    ["ws://127.0.0.1:18789/?token=abc123", "ws://127.0.0.1:18789/?token=***"],
    ["OPENCLAW_GATEWAY_TOKEN=abcdefghijklmnopqrstuv", "OPENCLAW_GATEWAY_TOKEN=abcdef…stuv"],
    ["sha 0123456789abcdef0123456789abcdef01234567", "sha 012345…4567"],
    [
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "jwt eyJhbG…sR8U",
    ],
  ];
  for (const [input, expected] of cases) {
    assert.equal(redact(input), expected, input);
  }
});

Deno.test("createRedactor() masks a PEM private key block down to its frame", () => {
  const pem =
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
  assert.equal(redact(pem), "-----BEGIN PRIVATE KEY-----\n…redacted…\n-----END PRIVATE KEY-----");
});

Deno.test("createRedactor() leaves ordinary text alone", () => {
  const text =
    "[gateway] listening on ws://127.0.0.1:18789 (PID 4242); token missing, 3 tokens left";
  assert.equal(redact(text), text);
});

Deno.test("createRedactor() replaces configured secrets with *** wherever they appear", () => {
  const r = createRedactor({ secrets: ["hunter22", "s3cr3t-gateway-token"] });
  assert.equal(r("pw=hunter22;x=hunter22"), "pw=***;x=***");
  assert.equal(r("url?t=s3cr3t-gateway-token&z"), "url?t=***&z");
});

Deno.test("createRedactor() removes a secret that contains a shorter one whole", () => {
  const r = createRedactor({ mode: "off", secrets: ["abcd", "abcdefgh"] });
  assert.equal(r("x abcdefgh y abcd"), "x *** y ***");
});

Deno.test("createRedactor() ignores configured secrets shorter than 4 characters", () => {
  const r = createRedactor({ mode: "off", secrets: ["abc", ""] });
  assert.equal(r("abc abc"), "abc abc");
});

Deno.test("createRedactor() with mode off keeps tokens but still masks configured secrets", () => {
  const r = createRedactor({ mode: "off", secrets: ["my-gateway-secret"] });
  assert.equal(
    r("sk-abcdefghijklmnopqrstuvwx and my-gateway-secret"),
    "sk-abcdefghijklmnopqrstuvwx and ***",
  );
});

Deno.test("createRedactor() adds logging.redactPatterns to the built-in ones", () => {
  const r = createRedactor({ patterns: ["internal-[a-z0-9]+", "/ID=(\\d+)/"] });
  assert.equal(r("INTERNAL-abc123"), "***");
  assert.equal(r("ID=123456789012345678901"), "ID=123456…8901");
  assert.equal(r("id=42"), "id=42", "the /re/flags form keeps its own (case-sensitive) flags");
  assert.equal(r("sk-abcdefghijklmnopqrstuvwx"), "sk-abc…uvwx");
  assert.deepEqual(r.warnings, []);
});

Deno.test("createRedactor() skips an invalid redactPattern with one warning instead of crashing", () => {
  const r = createRedactor({ patterns: ["([unclosed", "ok-[0-9]+", "a*"] });
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /^Ignoring logging\.redactPatterns entry "\(\[unclosed": /);
  assert.match(r.warnings[1], /matches the empty string/);
  assert.equal(r("ok-123 fine"), "*** fine");
});

Deno.test("compilePattern() gives plain sources the gi flags and keeps /re/flags", () => {
  const plain = compilePattern("abc");
  assert.ok(plain instanceof RegExp && plain.flags === "gi");
  const literal = compilePattern("/abc/m");
  assert.ok(literal instanceof RegExp && literal.flags === "gm");
});

Deno.test("redactValue() masks credential-named fields, nested strings and keys", () => {
  const r = createRedactor({ secrets: ["topsecretvalue"] });
  const out = redactValue({
    token: "short",
    nested: { apiKey: "0123456789abcdefghijkl", note: "has topsecretvalue inside" },
    list: ["topsecretvalue", 1, null],
    topsecretvalue: true,
  }, r);
  assert.deepEqual(out, {
    token: "***",
    nested: { apiKey: "012345…ijkl", note: "has *** inside" },
    list: ["***", 1, null],
    "***": true,
  });
});

Deno.test("redactValue() survives cycles, errors, bigints and a __proto__ key", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const hostile = JSON.parse('{"__proto__": {"polluted": true}}');
  const out = redactValue({ cyclic, err: new Error("boom"), n: 10n, hostile }, redact) as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(out.cyclic.self, "[Circular]");
  assert.equal(out.err.message, "boom");
  assert.equal(typeof out.err.stack, "string");
  assert.equal(out.n as unknown, "10");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(out.hostile)), { ["__proto__"]: { polluted: true } });
});

Deno.test("createRedactor() reports a broken redactPattern even while mode is off", () => {
  const r = createRedactor({ mode: "off", patterns: ["(oops"] });
  assert.equal(r.warnings.length, 1);
  assert.equal(r("(oops sk-abcdefghijklmnopqrstuvwx"), "(oops sk-abcdefghijklmnopqrstuvwx");
});
