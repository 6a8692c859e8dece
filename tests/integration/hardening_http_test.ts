/**
 * Browser-facing hardening of a real gateway over real sockets:
 * - DNS rebinding: a loopback client must name the gateway by a loopback Host (or one in
 *   `gateway.allowedHosts`), for WebSocket upgrades and HTTP alike;
 * - cross-site requests: the API refuses a foreign `Origin` or `Sec-Fetch-Site: cross-site`,
 *   and the JSON endpoints refuse a body that is not `application/json` (what a cross-site form
 *   or `text/plain` fetch sends);
 * - `POST /tools/invoke` denies every tool that runs commands or writes, by its real name,
 *   unless `gateway.tools.allow` re-allows it.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type GatewayProcess, makeSandbox, type Sandbox, startGateway } from "../helpers.ts";

const NO_AUTH = (extra = "") => `{ gateway: { mode: "local", auth: { mode: "none" }, ${extra} } }`;

/** Sends one raw HTTP/1.1 request and returns the status line's code, head and body. */
async function rawHttp(
  port: number,
  head: string[],
  body = "",
): Promise<{ status: number; head: string; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [...head];
    if (body) lines.push(`Content-Length: ${new TextEncoder().encode(body).length}`);
    await conn.write(new TextEncoder().encode(`${lines.join("\r\n")}\r\n\r\n${body}`));
    let text = "";
    const buf = new Uint8Array(16 * 1024);
    const dec = new TextDecoder();
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      if (status === 101) break; // an upgraded socket stays open
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN);
      if (Number.isFinite(length) && text.length - end - 4 >= length) break;
    }
    const end = text.indexOf("\r\n\r\n");
    return {
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
      head: text.slice(0, end),
      body: text.slice(end + 4),
    };
  } finally {
    conn.close();
  }
}

/** A WebSocket upgrade request with this Host and Origin. */
function upgrade(host: string, origin?: string): string[] {
  return [
    "GET / HTTP/1.1",
    `Host: ${host}`,
    ...(origin ? [`Origin: ${origin}`] : []),
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
  ];
}

async function invoke(
  gw: GatewayProcess,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  const r = await fetch(`http://127.0.0.1:${gw.port}/tools/invoke`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const workspaceFile = (sb: Sandbox, name: string) => `${sb.stateDir}/workspace/${name}`;

/** A gateway without auth (the worst case a browser can meet) and an existing workspace. */
async function startOpenGateway(sb: Sandbox, extra = ""): Promise<GatewayProcess> {
  const gw = await startGateway(sb, NO_AUTH(extra));
  await Deno.mkdir(`${sb.stateDir}/workspace`, { recursive: true });
  return gw;
}

Deno.test("a WebSocket upgrade naming a foreign Host is refused before the upgrade; loopback names are accepted", async () => {
  await using sb = await makeSandbox();
  await using gw = await startOpenGateway(sb, `allowedHosts: ["gw.internal"],`);
  const p = gw.port;
  // What a DNS-rebinding page sends: its own name as Host, and the same origin.
  const rebound = await rawHttp(p, upgrade(`evil.example:${p}`, `http://evil.example:${p}`));
  assert.equal(rebound.status, 403, rebound.head);
  assert.equal(rebound.body, "host not allowed");
  assert.equal((await rawHttp(p, upgrade(`evil.example:${p}`))).status, 403);
  assert.equal((await rawHttp(p, upgrade("gw.internal.evil.example"))).status, 403);
  for (
    const host of [
      `localhost:${p}`,
      `127.0.0.1:${p}`,
      `[::1]:${p}`,
      "localhost",
      `gw.internal:${p}`,
    ]
  ) {
    const ok = await rawHttp(p, upgrade(host, `http://${host}`));
    assert.equal(ok.status, 101, `${host}: ${ok.head}`);
  }
});

Deno.test("HTTP requests naming a foreign Host get 403 host not allowed, and nothing runs", async () => {
  await using sb = await makeSandbox();
  await using gw = await startOpenGateway(sb, `tools: { allow: ["write"] },`);
  const p = gw.port;
  const health = await rawHttp(p, ["GET /health HTTP/1.1", `Host: evil.example:${p}`]);
  assert.equal(health.status, 403);
  assert.deepEqual(JSON.parse(health.body), {
    error: { message: "host not allowed", type: "forbidden" },
  });
  const post = await rawHttp(p, [
    "POST /tools/invoke HTTP/1.1",
    `Host: evil.example:${p}`,
    "Content-Type: application/json",
  ], JSON.stringify({ tool: "write", args: { path: "rebound.txt", content: "pwned" } }));
  assert.equal(post.status, 403);
  assert.deepEqual(JSON.parse(post.body), {
    error: { message: "host not allowed", type: "forbidden" },
  });
  assert.equal(await exists(workspaceFile(sb, "rebound.txt")), false);
  assert.equal((await rawHttp(p, ["GET /health HTTP/1.1", `Host: localhost:${p}`])).status, 200);
});

Deno.test("cross-site POSTs to /tools/invoke are refused: text/plain gets 415, a foreign Origin 403", async () => {
  await using sb = await makeSandbox();
  await using gw = await startOpenGateway(
    sb,
    `tools: { allow: ["write"] }, controlUi: { allowedOrigins: ["http://dash.example"] },`,
  );
  const write = (name: string) => ({ tool: "write", args: { path: name, content: "x" } });

  // A page's fetch(…, {mode: "no-cors"}) or form post: a "simple" body, no preflight.
  const plain = await invoke(gw, write("plain.txt"), { "content-type": "text/plain" });
  assert.equal(plain.status, 415);
  assert.deepEqual(plain.body, {
    error: { message: "Content-Type must be application/json", type: "invalid_request_error" },
  });
  const form = await invoke(gw, "tool=write", {
    "content-type": "application/x-www-form-urlencoded",
  });
  assert.equal(form.status, 415);
  assert.equal((await invoke(gw, write("none.txt"), {})).status, 415);
  assert.equal(await exists(workspaceFile(sb, "plain.txt")), false);

  const foreign = await invoke(gw, write("origin.txt"), {
    "content-type": "application/json",
    origin: "http://evil.example",
  });
  assert.equal(foreign.status, 403);
  assert.deepEqual(foreign.body, {
    error: { message: "cross-site request refused", type: "forbidden" },
  });
  const site = await invoke(gw, write("site.txt"), {
    "content-type": "application/json",
    "sec-fetch-site": "cross-site",
  });
  assert.equal(site.status, 403);
  const otherPort = await invoke(gw, write("port.txt"), {
    "content-type": "application/json",
    origin: `http://127.0.0.1:${gw.port + 1}`,
  });
  assert.equal(otherPort.status, 403, "another local port is another origin");
  for (const name of ["origin.txt", "site.txt", "port.txt"]) {
    assert.equal(await exists(workspaceFile(sb, name)), false, name);
  }

  // The gateway's own origin, a listed origin, and clients without Origin (CLI, SDKs) work.
  const same = await invoke(gw, write("same.txt"), {
    "content-type": "application/json; charset=utf-8",
    origin: `http://127.0.0.1:${gw.port}`,
    "sec-fetch-site": "same-origin",
  });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  const listed = await invoke(gw, write("listed.txt"), {
    "content-type": "application/json",
    origin: "http://dash.example",
  });
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const cli = await invoke(gw, write("cli.txt"));
  assert.equal(cli.status, 200, JSON.stringify(cli.body));
  assert.equal(await Deno.readTextFile(workspaceFile(sb, "cli.txt")), "x");
});

Deno.test("the OpenAI-compatible API refuses cross-site browsers and serves the official SDK", async () => {
  await using sb = await makeSandbox();
  await using gw = await startOpenGateway(
    sb,
    `http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },`,
  );
  const base = `http://127.0.0.1:${gw.port}`;
  for (const path of ["/v1/chat/completions", "/v1/responses"]) {
    const plain = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ model: "openclaw", input: "hi", messages: [] }),
    });
    assert.equal(plain.status, 415, path);
    await plain.body?.cancel();
    const foreign = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ model: "openclaw", input: "hi", messages: [] }),
    });
    assert.equal(foreign.status, 403, path);
    await foreign.body?.cancel();
  }
  const models = await fetch(`${base}/v1/models`, { headers: { origin: "http://evil.example" } });
  assert.equal(models.status, 403);
  await models.body?.cancel();
  // The official client sends no Origin: it keeps working.
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });
  const list = await client.models.list();
  assert.ok(list.data.some((m) => m.id === "openclaw"));
});

/** Every tool that runs commands or writes, by the names the runtime registers them under. */
const DENIED_BY_DEFAULT = [
  "exec",
  "bash",
  "process",
  "code_execution",
  "write",
  "edit",
  "apply_patch",
  "sessions_spawn",
  "sessions_send",
  "subagents",
  "cron",
  "gateway",
  "nodes",
];

Deno.test("POST /tools/invoke denies every command-running or writing tool by default; allow re-enables one", async () => {
  await using sb = await makeSandbox();
  await using gw = await startOpenGateway(sb);
  for (const tool of DENIED_BY_DEFAULT) {
    const r = await invoke(gw, { tool, args: { path: "denied.txt", content: "x", command: "id" } });
    assert.equal(r.status, 404, `${tool}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body, {
      ok: false,
      error: { type: "not_found", message: `Tool not available: ${tool}` },
    });
  }
  assert.equal(await exists(workspaceFile(sb, "denied.txt")), false);
  // Reading stays available.
  const read = await invoke(gw, { tool: "sessions_list", args: {} });
  assert.equal(read.status, 200, JSON.stringify(read.body));

  await using sb2 = await makeSandbox();
  await using gw2 = await startOpenGateway(sb2, `tools: { allow: ["write"] },`);
  const wrote = await invoke(gw2, {
    tool: "write",
    args: { path: "allowed.txt", content: "allowed" },
  });
  assert.equal(wrote.status, 200, JSON.stringify(wrote.body));
  assert.equal(await Deno.readTextFile(workspaceFile(sb2, "allowed.txt")), "allowed");
  const readBack = await invoke(gw2, { tool: "read", args: { path: "allowed.txt" } });
  assert.equal(readBack.status, 200, JSON.stringify(readBack.body));
  assert.match(JSON.stringify(readBack.body.result), /allowed/);
  const edit = await invoke(gw2, {
    tool: "edit",
    args: { path: "allowed.txt", oldText: "allowed", newText: "edited" },
  });
  assert.equal(edit.status, 404, "allowing write does not allow edit");
  assert.equal(await Deno.readTextFile(workspaceFile(sb2, "allowed.txt")), "allowed");
});
