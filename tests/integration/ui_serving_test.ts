/**
 * The dashboard as the gateway serves it: the page and its hashed assets (caching, gzip, CSP),
 * `gateway.controlUi.basePath` and `.enabled`, the committed build being current, and the
 * dashboard's own connection code (ui/lib) signing in to a real gateway with a browser identity.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { makeSandbox, runCli, startGateway, tempDir, waitUntil } from "../helpers.ts";
import { type ConnectionState, GatewayClient, type SocketLike } from "../../ui/lib/client.ts";
import { CredentialStore } from "../../ui/lib/credentials.ts";
import { createSigner, type KeyValueStore, loadOrCreateIdentity } from "../../ui/lib/identity.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "ui-serving-token-0123456789";
const config = (controlUi = "", extra = "") =>
  `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, ${
    controlUi ? `controlUi: ${controlUi},` : ""
  } ${extra} } }`;

/** One raw HTTP/1.1 request, so the test sees the bytes on the wire (fetch would inflate them). */
async function rawGet(port: number, path: string, headers: Record<string, string> = {}) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"]
    .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`)).join("\r\n");
  await conn.write(new TextEncoder().encode(`${head}\r\n\r\n`));
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (let n; (n = await conn.read(buf)) !== null;) chunks.push(buf.slice(0, n));
  conn.close();
  const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) all.set(c, (off += c.length) - c.length);
  const split = all.findIndex((_, i) =>
    all[i] === 13 && all[i + 1] === 10 && all[i + 2] === 13 && all[i + 3] === 10
  );
  const lines = new TextDecoder().decode(all.slice(0, split)).split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const h = new Headers(
    lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status, headers: h, body: all.slice(split + 4) };
}

function assetNames(html: string): { js: string; css: string } {
  const js = /src="([^"]*\/assets\/app-[0-9a-f]{12}\.js)"/.exec(html)?.[1];
  const css = /href="([^"]*\/assets\/app-[0-9a-f]{12}\.css)"/.exec(html)?.[1];
  assert.ok(js && css, `no hashed assets in:\n${html}`);
  return { js, css };
}

Deno.test("GET / serves the dashboard page: no-cache, a CSP limited to itself and its gateway", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config());
  const res = await fetch(`http://127.0.0.1:${gw.port}/`);
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const csp = res.headers.get("content-security-policy")!;
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(
    csp,
    new RegExp(
      `connect-src 'self' ws://127\\.0\\.0\\.1:${gw.port} wss://127\\.0\\.0\\.1:${gw.port}`,
    ),
  );
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(html, /https?:\/\//, "no CDN, no external font");
  assert.match(html, /<title>OpenClaw Control<\/title>/);
  const { js, css } = assetNames(html);
  assert.ok(js.startsWith("/assets/") && css.startsWith("/assets/"));

  const again = await fetch(`http://127.0.0.1:${gw.port}/`, {
    headers: { "if-none-match": res.headers.get("etag")! },
  });
  await again.body?.cancel();
  assert.equal(again.status, 304);
});

Deno.test("hashed assets are immutable, gzipped as built when accepted, plain otherwise", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config());
  const { js, css } = assetNames(await (await fetch(`http://127.0.0.1:${gw.port}/`)).text());
  const zipped = await rawGet(gw.port, js, { "Accept-Encoding": "gzip, br" });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers.get("content-encoding"), "gzip");
  assert.equal(zipped.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(zipped.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(zipped.headers.get("vary"), "Accept-Encoding");
  const plain = await rawGet(gw.port, js, { "Accept-Encoding": "identity" });
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.deepEqual(new Uint8Array(gunzipSync(zipped.body)), plain.body);
  assert.ok(zipped.body.length <= 150 * 1024, `JS is ${zipped.body.length} bytes gzipped`);
  const style = await rawGet(gw.port, css);
  assert.equal(style.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(style.headers.get("cache-control"), "public, max-age=31536000, immutable");

  const missing = await fetch(`http://127.0.0.1:${gw.port}/assets/app-000000000000.js`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, "not_found");
});

Deno.test("gateway.controlUi.basePath moves the page and its assets", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config(`{ basePath: "/openclaw" }`));
  const base = `http://127.0.0.1:${gw.port}`;
  const page = await fetch(`${base}/openclaw/`);
  const { js } = assetNames(await page.text());
  assert.equal(page.status, 200);
  assert.ok(js.startsWith("/openclaw/assets/"), js);
  const asset = await fetch(`${base}${js}`);
  await asset.body?.cancel();
  assert.equal(asset.status, 200);
  const root = await fetch(`${base}/`, { redirect: "manual" });
  await root.body?.cancel();
  assert.equal(root.status, 302);
  assert.equal(root.headers.get("location"), "/openclaw/");
  const outside = await fetch(`${base}${js.replace("/openclaw", "")}`);
  await outside.body?.cancel();
  assert.equal(outside.status, 404);
});

Deno.test("gateway.controlUi.enabled: false answers 404 for the page while the WebSocket still works", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config(`{ enabled: false }`));
  const res = await fetch(`http://127.0.0.1:${gw.port}/`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
  const ws = new WebSocket(gw.url);
  const first = await new Promise<string>((resolve, reject) => {
    ws.onmessage = (e) => resolve(String(e.data));
    ws.onerror = () => reject(new Error("ws failed"));
  });
  ws.close();
  assert.equal(JSON.parse(first).event, "connect.challenge");
});

Deno.test("the committed gateway/http/ui_assets.generated.ts matches a fresh build of ui/", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/ui_assets.generated.ts`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/build_ui.ts`, "--out", out],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  const fresh = await Deno.readTextFile(out);
  const committed = await Deno.readTextFile(`${ROOT}gateway/http/ui_assets.generated.ts`);
  assert.ok(
    fresh === committed,
    "gateway/http/ui_assets.generated.ts is stale: run `deno task build:ui`",
  );
});

function memory(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

function dashboardClient(url: string, local: KeyValueStore, token?: string) {
  const credentials = new CredentialStore(url, memory(), local);
  if (token) credentials.setSharedToken(token);
  const client = new GatewayClient({
    url,
    openSocket: (u) => new WebSocket(u) as unknown as SocketLike,
    identity: loadOrCreateIdentity(local),
    sign: createSigner(undefined),
    credentials,
    version: "test",
  });
  const states: ConnectionState[] = [];
  client.onState((s) => states.push(s));
  client.start();
  return { client, credentials, states };
}

Deno.test("the dashboard's client signs in with a browser identity, then with its device token alone", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, config());
  const local = memory();
  const first = dashboardClient(`${gw.url}/`, local, TOKEN);
  await waitUntil(() => first.client.state.phase === "connected", { message: "first connect" });
  const health = await first.client.request<{ ok: boolean }>("health");
  assert.equal(health.ok, true);
  first.client.stop();

  const second = dashboardClient(`${gw.url}/`, local);
  await waitUntil(() => second.client.state.phase === "connected", {
    message: "device-token connect",
  });
  assert.equal(second.client.state.hello?.auth.method, "device-token");
  second.client.stop();

  const wrong = dashboardClient(`${gw.url}/`, memory(), "not-the-token");
  await waitUntil(() => wrong.client.state.phase === "failed", { message: "refusal" });
  assert.equal(wrong.client.state.problem?.title, "unauthorized");
  assert.match(wrong.client.state.problem!.fix, /check gateway\.auth\.token/);
  wrong.client.stop();
});

function lanAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) =>
    i.family === "IPv4" && !i.address.startsWith("127.") && !i.address.startsWith("169.254.")
  )?.address;
}

Deno.test({
  name:
    "a browser on a LAN address is asked to pair, shows the approve command, and connects once approved",
  ignore: lanAddress() === undefined,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config("", `bind: "lan",`));
    const url = `ws://${lanAddress()}:${gw.port}/`;
    const ui = dashboardClient(url, memory(), TOKEN);
    await waitUntil(() => ui.client.state.phase === "pairing", { message: "pairing required" });
    const problem = ui.client.state.problem!;
    assert.equal(problem.title, "pairing required");
    assert.match(problem.command!, /^openclaw devices approve \S+$/);
    const approved = await runCli(sb, [...problem.command!.split(" ").slice(1), "--json"]);
    assert.equal(approved.code, 0, approved.stderr);
    await waitUntil(() => ui.client.state.phase === "connected", {
      timeoutMs: 15_000,
      message: "connect after approval",
    });
    ui.client.stop();
  },
});
