import assert from "node:assert/strict";
import { getLogger } from "../../../lib/log/logger.ts";
import { authorizeTailscaleConnect } from "../../../gateway/auth.ts";
import { ManagedTailscaleIngress } from "../../../gateway/tailscale/ingress.ts";
import { startLoopbackRelay } from "../../../gateway/tailscale/relay.ts";
import type { WhoisAnswer } from "../../../gateway/tailscale/whois.ts";
import type { ResolvedGatewayAuth } from "../../../lib/auth/resolve.ts";

const HOST = "studio.tail1234.ts.net";
const RELAY_PEER = { hostname: "127.0.0.1", port: 40_001, transport: "tcp" } as const;

/** An ingress whose whois knows alice at 100.90.1.2, and counts its lookups. */
function ingress(answers: Record<string, WhoisAnswer> = {}) {
  const lookups: string[] = [];
  const table: Record<string, WhoisAnswer> = {
    "100.90.1.2": { ok: true, identity: { login: "alice@example.com", name: "Alice" } },
    ...answers,
  };
  const it = new ManagedTailscaleIngress({
    whois: {
      lookup: (ip) => {
        lookups.push(ip);
        return Promise.resolve(
          Object.hasOwn(table, ip) ? table[ip] : { ok: false, error: "no match" },
        );
      },
    },
  });
  it.configure({ mode: "serve", hostName: HOST });
  return { it, lookups };
}

function tailscaled(login = "alice@example.com", clientIp = "100.90.1.2"): Headers {
  return new Headers({
    host: HOST,
    "tailscale-user-login": login,
    "tailscale-user-name": "Alice",
    "x-forwarded-for": clientIp,
  });
}

function auth(partial: Partial<ResolvedGatewayAuth> = {}): ResolvedGatewayAuth {
  return { mode: "token", modeSource: "config", allowTailscale: true, source: {}, ...partial };
}

Deno.test("ManagedTailscaleIngress.classify() knows only the relay's connections", () => {
  const { it } = ingress();
  assert.equal(it.classify(RELAY_PEER, tailscaled()), undefined, "untracked peer");
  const forget = it.track(RELAY_PEER);
  const peer = it.classify(RELAY_PEER, tailscaled());
  assert.equal(peer?.mode, "serve");
  assert.equal(peer?.clientIp, "100.90.1.2");
  assert.equal(peer?.login, "alice@example.com");
  assert.equal(peer?.hostMatches, true);
  assert.equal(it.classify({ ...RELAY_PEER, port: 40_002 }, tailscaled()), undefined);
  forget();
  assert.equal(it.classify(RELAY_PEER, tailscaled()), undefined, "forgotten on close");
});

Deno.test("ManagedTailscaleIngress.configure(undefined) forgets every connection", () => {
  const { it } = ingress();
  it.track(RELAY_PEER);
  it.configure(undefined);
  assert.equal(it.size, 0);
  it.configure({ mode: "serve" });
  assert.equal(it.classify(RELAY_PEER, tailscaled()), undefined);
});

Deno.test("ManagedTailscaleIngress.classify() takes the client tailscaled forwarded and the tailnet Host", () => {
  const { it } = ingress();
  it.track(RELAY_PEER);
  const chain = tailscaled();
  chain.set("x-forwarded-for", "203.0.113.9, 100.90.1.2");
  assert.equal(it.classify(RELAY_PEER, chain)?.clientIp, "100.90.1.2", "the entry it added");
  const local = new Headers({ host: "127.0.0.1:18789" });
  const plain = it.classify(RELAY_PEER, local);
  assert.equal(plain?.clientIp, undefined);
  assert.equal(plain?.login, undefined);
  assert.equal(plain?.hostMatches, false);
  const rebinding = tailscaled();
  rebinding.set("host", "evil.example");
  assert.equal(it.classify(RELAY_PEER, rebinding)?.hostMatches, false);
});

Deno.test("TailscaleIngressPeer.verify() accepts the login tailscale whois confirms", async () => {
  const { it, lookups } = ingress();
  it.track(RELAY_PEER);
  const peer = it.classify(RELAY_PEER, tailscaled("Alice@Example.com"))!;
  assert.deepEqual(await peer.verify(), { ok: true, login: "alice@example.com", name: "Alice" });
  await peer.verify();
  assert.deepEqual(lookups, ["100.90.1.2"], "asked once per request");
});

Deno.test("TailscaleIngressPeer.verify() refuses with the reason", async () => {
  const { it } = ingress({
    "100.90.1.3": { ok: true, identity: { login: "bob@example.com" } },
  });
  it.track(RELAY_PEER);
  const verdict = async (headers: Headers) => {
    const v = await it.classify(RELAY_PEER, headers)!.verify();
    return v.ok ? "ok" : v.reason;
  };
  assert.equal(
    await verdict(tailscaled("alice@example.com", "100.90.1.3")),
    "tailscale_user_mismatch",
  );
  assert.equal(
    await verdict(tailscaled("alice@example.com", "100.90.1.4")),
    "tailscale_whois_failed",
  );
  const noForward = tailscaled();
  noForward.delete("x-forwarded-for");
  assert.equal(await verdict(noForward), "tailscale_proxy_missing");
  const noLogin = tailscaled();
  noLogin.delete("tailscale-user-login");
  assert.equal(await verdict(noLogin), "tailscale_user_missing");
});

Deno.test("authorizeTailscaleConnect() admits the verified user of a serve route", async () => {
  const { it } = ingress();
  it.track(RELAY_PEER);
  const tailscale = it.classify(RELAY_PEER, tailscaled());
  assert.deepEqual(await authorizeTailscaleConnect({ auth: auth(), tailscale, provided: {} }), {
    ok: true,
    method: "tailscale",
    login: "alice@example.com",
    name: "Alice",
  });
});

Deno.test("authorizeTailscaleConnect() does not apply without allowTailscale, a serve route, a login, or when a secret was sent", async () => {
  const { it, lookups } = ingress();
  it.track(RELAY_PEER);
  const tailscale = it.classify(RELAY_PEER, tailscaled());
  const cases = [
    { auth: auth({ allowTailscale: false }), tailscale, provided: {} },
    { auth: auth(), tailscale: undefined, provided: {} },
    { auth: auth(), tailscale, provided: { token: "secret" } },
    { auth: auth(), tailscale, provided: { password: "secret" } },
    {
      auth: auth(),
      tailscale: it.classify(RELAY_PEER, new Headers({ "x-forwarded-for": "100.90.1.2" })),
      provided: {},
    },
  ];
  for (const inputs of cases) assert.equal(await authorizeTailscaleConnect(inputs), undefined);
  it.configure({ mode: "funnel" });
  it.track(RELAY_PEER);
  const funnel = it.classify(RELAY_PEER, tailscaled());
  assert.equal(
    await authorizeTailscaleConnect({ auth: auth(), tailscale: funnel, provided: {} }),
    undefined,
  );
  assert.deepEqual(lookups, [], "whois never ran");
});

Deno.test("startLoopbackRelay() reports the connections it opens, so the gateway knows them by address", async () => {
  const { it } = ingress();
  const gateway = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relay = startLoopbackRelay(
    { hostname: "127.0.0.1", port: (gateway.addr as Deno.NetAddr).port },
    getLogger(["test"]),
    { onUpstream: (local) => it.track(local) },
  );
  try {
    const direct = await Deno.connect({ hostname: "127.0.0.1", port: gateway.addr.port });
    const directPeer = await gateway.accept();
    const viaRelay = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    await viaRelay.write(new TextEncoder().encode("x"));
    const relayedPeer = await gateway.accept();
    // Known by the time its first byte arrives (the gateway classifies a parsed request).
    assert.equal(await relayedPeer.read(new Uint8Array(1)), 1);
    assert.equal(it.classify(directPeer.remoteAddr, tailscaled()), undefined);
    assert.ok(it.classify(relayedPeer.remoteAddr, tailscaled()));
    viaRelay.close();
    const buf = new Uint8Array(8);
    while ((await relayedPeer.read(buf)) !== null) { /* drain until the relay closes */ }
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(it.size, 0, "forgotten once the relay's connection closed");
    for (const c of [direct, directPeer, relayedPeer]) c.close();
  } finally {
    relay.close();
    gateway.close();
  }
});
