/**
 * Tailscale Serve identity (`gateway.auth.allowTailscale`) as a tailnet user meets it: with a
 * stand-in `tailscale` on PATH, the gateway claims a route to its managed listener; the test
 * plays tailscaled by connecting to that listener with the headers tailscaled adds
 * (`Tailscale-User-Login`, `Tailscale-User-Name`, `X-Forwarded-For`, the tailnet Host). The
 * stand-in (tests/fixtures/fake_tailscale.ts) answers `whois --json <ip>` from `whois.<ip>`
 * files (no file: exit 1, as for an address tailscaled does not know).
 */
import assert from "node:assert/strict";
import { freePort, makeSandbox, runCli, type Sandbox, spawnGateway } from "../helpers.ts";
import { type AnyFrame, RawClient } from "../fixtures/ws_client.ts";
import { deviceConnectParams, makeDevice } from "../fixtures/device.ts";
import { FAKE_TAILNET_HOST, fakeTailscale } from "../fixtures/fake_tailscale.ts";

const TOKEN = "tailscale-whois-test-token-0123456789";
const HOST = FAKE_TAILNET_HOST;
const ALICE_IP = "100.90.1.2";
const BOB_IP = "100.90.1.3";
const UNKNOWN_IP = "100.90.1.4";

function whoisJson(login: string, name: string): string {
  return JSON.stringify({
    Node: { Name: "laptop.tail1234.ts.net.", Addresses: ["100.90.1.2/32"] },
    UserProfile: { ID: 1234, LoginName: login, DisplayName: name, ProfilePicURL: "" },
  });
}

interface ServeGateway extends AsyncDisposable {
  sb: Sandbox;
  gatewayPort: number;
  /** The managed listener the Tailscale route targets. */
  managedPort: number;
  /** How many times `tailscale whois` ran. */
  whoisCalls(): number;
}

/**
 * Starts a gateway exposed with Tailscale Serve: through `gateway.tailscale.mode`, or, with
 * `viaFlag`, through `--tailscale serve` alone (the config names no Tailscale mode).
 */
async function serveGateway(
  auth: string,
  options: { viaFlag?: boolean } = {},
): Promise<ServeGateway> {
  const tailscale = options.viaFlag ? "" : `, tailscale: { mode: "serve" }`;
  const sb = await makeSandbox({
    config: `{ gateway: { mode: "local", auth: ${auth}${tailscale} } }`,
  });
  const ts = await fakeTailscale(sb);
  await Deno.writeTextFile(`${ts.dir}/whois.${ALICE_IP}`, whoisJson("alice@example.com", "Alice"));
  await Deno.writeTextFile(`${ts.dir}/whois.${BOB_IP}`, whoisJson("bob@example.com", "Bob"));
  Object.assign(sb.env, ts.env);
  const gatewayPort = freePort();
  const flags = options.viaFlag ? ["--tailscale", "serve"] : [];
  const gw = spawnGateway(sb, ["--port", String(gatewayPort), ...flags], { port: gatewayPort });
  try {
    await gw.waitFor(/serve enabled: https:\/\/studio\.tail1234\.ts\.net\//, 30_000);
  } catch (err) {
    await gw[Symbol.asyncDispose]();
    await sb[Symbol.asyncDispose]();
    throw err;
  }
  const managedPort = Number(/^serve --yes --bg=false (\d+)$/m.exec(ts.calls())![1]);
  return {
    sb,
    gatewayPort,
    managedPort,
    whoisCalls: () => [...ts.calls().matchAll(/^whois --json /gm)].length,
    async [Symbol.asyncDispose]() {
      await gw.stop();
      await gw[Symbol.asyncDispose]();
      await sb[Symbol.asyncDispose]();
    },
  };
}

/** The headers tailscaled adds when it proxies a tailnet user's request. */
function tailscaledHeaders(login: string, clientIp: string): Record<string, string> {
  return {
    Host: HOST,
    Origin: `https://${HOST}`,
    "Tailscale-User-Login": login,
    "Tailscale-User-Name": "Alice",
    "X-Forwarded-For": clientIp,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": HOST,
  };
}

/**
 * Sends one HTTP/1.1 GET over a raw socket (fetch would replace the Host header) and returns the
 * status and body; reads until the body's Content-Length or the server closes.
 */
async function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [
      `GET ${path} HTTP/1.1`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    await conn.write(
      new TextEncoder().encode(`${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    const buf = new Uint8Array(64 * 1024);
    const dec = new TextDecoder();
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN);
      if (
        Number.isFinite(length) && new TextEncoder().encode(text.slice(end + 4)).length >= length
      ) {
        break;
      }
    }
    const end = text.indexOf("\r\n\r\n");
    return {
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
      body: end < 0 ? "" : text.slice(end + 4),
    };
  } finally {
    conn.close();
  }
}

/** Connects as the Control UI (a fresh device, no token) and returns the client and `connect`'s answer. */
async function connectControlUi(
  port: number,
  headers: Record<string, string>,
): Promise<{ client: RawClient; res: AnyFrame }> {
  const client = await RawClient.open(`ws://127.0.0.1:${port}`, headers);
  const challenge = await client.challenge();
  const res = await client.request(
    "connect",
    deviceConnectParams(makeDevice(), challenge.payload.nonce, {
      clientId: "openclaw-control-ui",
      clientMode: "ui",
      scopes: ["operator.read"],
    }),
  );
  return { client, res };
}

/** Connects through the Serve route as alice@example.com, from the tailnet address `clientIp`. */
function connectThroughServe(
  gw: ServeGateway,
  clientIp: string,
): Promise<{ client: RawClient; res: AnyFrame }> {
  return connectControlUi(gw.managedPort, tailscaledHeaders("alice@example.com", clientIp));
}

Deno.test("Tailscale Serve identity on the Control UI's WebSocket (allowTailscale on by default with serve)", async (t) => {
  await using gw = await serveGateway(`{ mode: "token", token: "${TOKEN}" }`);
  assert.notEqual(gw.managedPort, gw.gatewayPort, "the route targets its own listener");

  await t.step(
    "a tailnet user tailscale whois confirms is admitted without a token, and presence shows who",
    async () => {
      const { client, res } = await connectThroughServe(gw, ALICE_IP);
      try {
        assert.equal(res.ok, true, JSON.stringify(res.error));
        assert.equal(res.payload.auth.method, "tailscale");
        assert.deepEqual(res.payload.auth.scopes, ["operator.read"]);
        const presence = await client.request("system-presence", {});
        assert.equal(presence.ok, true, JSON.stringify(presence.error));
        const me = presence.payload.find((p: AnyFrame) => p.clientId === "openclaw-control-ui");
        assert.deepEqual(me?.user, { id: "alice@example.com", name: "Alice" });
        assert.equal(me?.ip, ALICE_IP, "the client is the tailnet address, not loopback");
      } finally {
        client.close();
      }
    },
  );

  await t.step(
    "the Control UI approved through Tailscale identity is listed as approvedVia tailscale",
    async () => {
      const r = await runCli(gw.sb, ["devices", "list", "--json"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const { paired } = JSON.parse(r.stdout);
      assert.equal(paired.length, 1, r.stdout);
      assert.equal(paired[0].clientId, "openclaw-control-ui");
      assert.equal(paired[0].approvedVia, "tailscale");
      assert.equal(paired[0].remoteIp, ALICE_IP);
    },
  );

  await t.step("a second connect within 60 s does not run tailscale whois again", async () => {
    const before = gw.whoisCalls();
    assert.equal(before, 1, "the first connect asked once");
    const { client, res } = await connectThroughServe(gw, ALICE_IP);
    client.close();
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.equal(gw.whoisCalls(), before);
  });

  await t.step(
    "the same headers on the gateway's own port are ignored: a token is required",
    async () => {
      const before = gw.whoisCalls();
      const headers = tailscaledHeaders("alice@example.com", ALICE_IP);
      delete headers.Host;
      delete headers.Origin;
      const { client, res } = await connectControlUi(gw.gatewayPort, headers);
      client.close();
      assert.equal(res.ok, false);
      assert.equal(res.error.details.authReason, "token_missing");
      assert.equal(gw.whoisCalls(), before, "a header off the managed listener is never checked");
    },
  );

  await t.step("tailscale whois failing refuses the connect with the reason", async () => {
    const { client, res } = await connectThroughServe(gw, UNKNOWN_IP);
    const closed = await client.closed;
    assert.equal(res.ok, false);
    assert.equal(res.error.details.authReason, "tailscale_whois_failed");
    assert.equal(res.error.details.code, "AUTH_TAILSCALE_WHOIS_FAILED");
    assert.match(res.error.message, /^unauthorized: tailscale identity check failed/);
    assert.equal(closed.code, 1008);
  });

  await t.step("a login tailscale whois does not confirm is refused with the reason", async () => {
    const { client, res } = await connectThroughServe(gw, BOB_IP);
    client.close();
    assert.equal(res.ok, false);
    assert.equal(res.error.details.authReason, "tailscale_user_mismatch");
    assert.equal(res.error.details.code, "AUTH_TAILSCALE_IDENTITY_MISMATCH");
    assert.match(res.error.message, /^unauthorized: tailscale identity mismatch/);
  });

  await t.step(
    "the dashboard at https://<tailnet-name>/ loads through the route (GET / with the tailnet Host)",
    async () => {
      const headers = tailscaledHeaders("alice@example.com", ALICE_IP);
      delete headers.Origin; // a page navigation sends none
      const res = await rawGet(gw.managedPort, "/", headers);
      assert.equal(res.status, 200, res.body);
      assert.match(res.body, /<title>OpenClaw Control<\/title>/);
    },
  );

  await t.step(
    "the tailnet Host on the gateway's own port is still refused (403 host not allowed)",
    async () => {
      const headers = tailscaledHeaders("alice@example.com", ALICE_IP);
      delete headers.Origin;
      const res = await rawGet(gw.gatewayPort, "/", headers);
      assert.equal(res.status, 403, res.body);
      assert.deepEqual(JSON.parse(res.body), {
        error: { message: "host not allowed", type: "forbidden" },
      });
    },
  );

  await t.step(
    "the HTTP API does not take Tailscale identity: /tools/invoke still needs its bearer",
    async () => {
      const headers = tailscaledHeaders("alice@example.com", ALICE_IP);
      delete headers.Host;
      delete headers.Origin;
      const res = await fetch(`http://127.0.0.1:${gw.managedPort}/tools/invoke`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify({ tool: "sessions_list", args: {} }),
      });
      await res.body?.cancel();
      assert.equal(res.status, 401);
    },
  );
});

Deno.test("gateway.auth.allowTailscale false: a tailnet user needs the token even through Tailscale Serve", async () => {
  await using gw = await serveGateway(
    `{ mode: "token", token: "${TOKEN}", allowTailscale: false }`,
  );
  const { client, res } = await connectThroughServe(gw, ALICE_IP);
  client.close();
  assert.equal(res.ok, false);
  assert.equal(res.error.details.authReason, "token_missing");
  assert.equal(gw.whoisCalls(), 0);
});

Deno.test("--tailscale serve given only as a flag turns allowTailscale on, as the config's mode does", async () => {
  await using gw = await serveGateway(`{ mode: "token", token: "${TOKEN}" }`, { viaFlag: true });
  const { client, res } = await connectThroughServe(gw, ALICE_IP);
  client.close();
  assert.equal(res.ok, true, JSON.stringify(res.error));
  assert.equal(res.payload.auth.method, "tailscale");
});
