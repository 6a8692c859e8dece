import assert from "node:assert/strict";
import { FRAME_LOG_MAX_CHARS, isFrameSecretKey, redactFrame } from "../../../lib/log/frame.ts";

const TOKEN = "gw-token-0123456789abcdefXYZ";

function masked(frame: unknown): unknown {
  return JSON.parse(redactFrame(JSON.stringify(frame)));
}

Deno.test("redactFrame() masks every credential of a connect request and keeps the rest", () => {
  const connect = {
    type: "req",
    id: "1",
    method: "connect",
    params: {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "cli", version: "1.0.0", platform: "linux", mode: "cli" },
      scopes: ["operator.read"],
      auth: {
        token: TOKEN,
        password: "hunter2",
        deviceToken: "device-token-abcdef",
        bootstrapToken: "boot-strap-token-1",
      },
      device: {
        id: "dev-1",
        publicKey: "cHVibGljLWtleQ",
        signature: "c2lnbmF0dXJlLWJ5dGVz",
        signedAt: 1700000000000,
        nonce: "nonce-1",
      },
    },
  };
  const out = redactFrame(JSON.stringify(connect));
  for (const secret of [TOKEN, "hunter2", "device-token-abcdef", "boot-strap-token-1"]) {
    assert.equal(out.includes(secret), false, `${secret} in ${out}`);
  }
  assert.equal(out.includes("c2lnbmF0dXJlLWJ5dGVz"), false, "the device signature is masked");
  assert.deepEqual(masked(connect), {
    ...connect,
    params: {
      ...connect.params,
      auth: { token: "***", password: "***", deviceToken: "***", bootstrapToken: "***" },
      device: { ...connect.params.device, signature: "***" },
    },
  });
});

Deno.test("redactFrame() masks the device token a hello-ok hands out", () => {
  const hello = {
    type: "res",
    id: "1",
    ok: true,
    payload: {
      type: "hello-ok",
      auth: { role: "operator", scopes: ["operator.read"], deviceToken: "fresh-token-123456" },
    },
  };
  assert.deepEqual(masked(hello), {
    ...hello,
    payload: { ...hello.payload, auth: { ...hello.payload.auth, deviceToken: "***" } },
  });
});

Deno.test("redactFrame() masks the plaintext secrets of config text (config.set raw) in place", () => {
  const raw = `{
  // my gateway
  gateway: { auth: { token: "${TOKEN}" } },
  models: { providers: { p: { apiKey: "sk-provider-key-1", baseUrl: "http://x" } } },
  env: { STRIPE: "stripe-value-9" },
  remote: { token: "\${GW_TOKEN}" },
}`;
  const out = masked({
    type: "req",
    id: "2",
    method: "config.set",
    params: { raw, baseHash: "h" },
  });
  const text = (out as { params: { raw: string } }).params.raw;
  assert.equal(
    text,
    raw.replace(TOKEN, "***").replace("sk-provider-key-1", "***").replace("stripe-value-9", "***"),
  );
  assert.match(text, /\/\/ my gateway/);
  assert.match(text, /\$\{GW_TOKEN\}/, "a ${VAR} placeholder is not a secret");
});

Deno.test("redactFrame() masks config objects by config path and keeps SecretRefs", () => {
  const ref = { source: "env", provider: "default", id: "GW_TOKEN" };
  const payload = {
    config: {
      env: { ANY_NAME: "env-value-1" },
      gateway: { auth: { token: ref }, port: 18789 },
      channels: { telegram: { botToken: "123:abc-telegram" } },
      identity: { name: "Lobster" },
    },
  };
  assert.deepEqual(masked({ type: "res", id: "3", ok: true, payload }), {
    type: "res",
    id: "3",
    ok: true,
    payload: {
      config: {
        env: { ANY_NAME: "***" },
        gateway: { auth: { token: ref }, port: 18789 },
        channels: { telegram: { botToken: "***" } },
        identity: { name: "Lobster" },
      },
    },
  });
});

Deno.test("redactFrame() checks a `secrets` object key by key instead of hiding it whole", () => {
  const frame = {
    secrets: { resolved: 2, status: "running", token: "inner-token-1" },
    apiKeys: { openai: "sk-1", count: 3 },
    usage: { maxTokens: 100, inputTokens: 12 },
    pin: { password: 1234 },
  };
  assert.deepEqual(masked(frame), {
    secrets: { resolved: 2, status: "running", token: "***" },
    apiKeys: { openai: "***", count: "***" },
    usage: { maxTokens: 100, inputTokens: 12 },
    pin: { password: "***" },
  });
});

Deno.test("isFrameSecretKey() follows the config's credential names", () => {
  for (const key of ["token", "deviceToken", "password", "apiKey", "botToken", "signature"]) {
    assert.equal(isFrameSecretKey(key), true, key);
  }
  for (const key of ["maxTokens", "tokenFile", "publicKey", "nonce", "scopes", "id"]) {
    assert.equal(isFrameSecretKey(key), false, key);
  }
});

Deno.test("redactFrame() masks text that is not JSON with the log redactor's token patterns", () => {
  const out = redactFrame(`{"type":"req","params":{"auth":{"password":"hunter2-long-pass"}`);
  assert.equal(out.includes("hunter2-long-pass"), false, out);
  assert.equal(redactFrame(`plain words`), "plain words");
});

Deno.test("redactFrame() describes a binary frame by its size", () => {
  assert.equal(redactFrame(new Uint8Array(5)), "[binary frame, 5 bytes]");
  assert.equal(redactFrame(new ArrayBuffer(7)), "[binary frame, 7 bytes]");
});

Deno.test("redactFrame() keeps the first 2 KiB and names the frame's size in bytes", () => {
  const text = JSON.stringify({
    type: "event",
    event: "chat",
    payload: { text: "é".repeat(5000) },
  });
  const out = redactFrame(text);
  const bytes = new TextEncoder().encode(text).length;
  assert.ok(out.endsWith(`…(${bytes} bytes)`), out.slice(-40));
  assert.equal(out.slice(0, FRAME_LOG_MAX_CHARS), text.slice(0, FRAME_LOG_MAX_CHARS));
  assert.equal(out.length, FRAME_LOG_MAX_CHARS + `…(${bytes} bytes)`.length);
  // A short frame is shown whole.
  assert.equal(redactFrame(`{"type":"event","event":"tick"}`), `{"type":"event","event":"tick"}`);
});

Deno.test("redactFrame() masks before it cuts, so no piece of a secret survives at the cut", () => {
  const secret = "Z".repeat(60);
  const filler = "a".repeat(FRAME_LOG_MAX_CHARS - 40);
  const out = redactFrame(JSON.stringify({ note: filler, auth: { token: secret } }));
  assert.equal(out.includes("ZZZZ"), false, out.slice(-80));
});

Deno.test("redactFrame() never splits a surrogate pair at the cut", () => {
  const text = JSON.stringify({ t: "😀".repeat(3000) });
  const out = redactFrame(text, { maxChars: 100 });
  const kept = out.slice(0, out.indexOf("…("));
  assert.equal(kept, [...kept].join(""), "well-formed");
  assert.ok(kept.isWellFormed(), "no lone surrogate");
});

Deno.test("redactFrame() keeps hostile keys as data and survives deep nesting", () => {
  const hostile = redactFrame(`{"__proto__":{"token":"proto-token-1"},"constructor":"x"}`);
  assert.equal(hostile, `{"__proto__":{"token":"***"},"constructor":"x"}`);
  const deep = "[".repeat(500) + `{"token":"deep-token-1"}` + "]".repeat(500);
  const out = redactFrame(deep, { maxChars: 100_000 });
  assert.equal(out.includes("deep-token-1"), false);
  assert.match(out, /\[…\]/);
});
