/**
 * Property tests (fast-check) against ONE real gateway process per test: random pre-auth first
 * frames, random post-auth requests and random HTTP bodies. The gateway must answer with an error
 * (or close with a protocol code), never crash, never leak a stack trace, and still serve a fresh
 * client at the end. Runs per property: `OPENCLAW_FUZZ_RUNS` (default 60); the seed is fixed.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { freePort, type GatewayProcess, makeSandbox, startGateway } from "../helpers.ts";
import { type AnyFrame, cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const TOKEN = "hardening-fuzz-token-0123456789";
const RUNS = Number(Deno.env.get("OPENCLAW_FUZZ_RUNS") ?? 60);
const SEED = 42;
/** Close codes a protocol refusal may use. */
const PROTOCOL_CLOSES = new Set([1000, 1002, 1008, 1009]);
const POST_AUTH_CODES = new Set(["INVALID_REQUEST", "FORBIDDEN", "UNAVAILABLE", "NOT_PAIRED"]);
/** A JavaScript/Deno stack frame or a source path in a response body. */
const STACK_TRACE = /\n\s+at .+[:(]\d+:\d+|file:\/\/\/|\.ts:\d+:\d+/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = () => `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;

async function alive(gw: GatewayProcess): Promise<boolean> {
  const settled = await Promise.race([
    gw.child.status.then(() => true),
    sleep(50).then(() => false),
  ]);
  return !settled;
}

/** A fresh client connects with the token and calls `health`. */
async function assertServes(gw: GatewayProcess): Promise<void> {
  assert.ok(await alive(gw), `gateway died:\n${gw.output()}`);
  const c = await RawClient.open(gw.url);
  try {
    await c.challenge();
    const res = await c.request("connect", cliConnectParams(TOKEN));
    assert.equal(res.ok, true, JSON.stringify(res));
    const health = await c.request("health", {});
    assert.equal(health.ok, true, JSON.stringify(health));
  } finally {
    c.close();
    await Promise.race([c.closed, sleep(2_000)]);
  }
}

/** The first `res` frame, or the close, whichever comes first (bounded). */
async function resOrClose(
  c: RawClient,
  pred: (f: AnyFrame) => boolean,
  timeoutMs: number,
): Promise<{ res?: AnyFrame; close?: { code: number; reason: string } }> {
  const closed = c.closed.then((close) => ({ close }));
  const res = c.next((f) => f.type === "res" && pred(f), timeoutMs).then(
    (res) => ({ res }),
    async () => await Promise.race([closed, sleep(200).then(() => ({}))]),
  );
  return await Promise.race([res, closed]);
}

/** Arbitrary text frames a peer could send first. */
const frameObject = fc.record({
  type: fc.oneof(fc.constantFrom("req", "res", "event", "connect"), fc.string(), fc.jsonValue()),
  id: fc.oneof(fc.string(), fc.jsonValue()),
  method: fc.oneof(fc.constantFrom("connect", "health", "__proto__", "constructor"), fc.string()),
  params: fc.oneof(
    fc.jsonValue(),
    fc.record({
      minProtocol: fc.oneof(fc.integer(), fc.jsonValue()),
      maxProtocol: fc.oneof(fc.integer(), fc.jsonValue()),
      client: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
      role: fc.oneof(fc.constantFrom("operator", "node", "__proto__"), fc.jsonValue()),
      auth: fc.oneof(fc.record({ token: fc.oneof(fc.string(), fc.jsonValue()) }), fc.jsonValue()),
    }, { requiredKeys: [] }),
  ),
}, { requiredKeys: [] });

type FirstFrame = { kind: "text"; data: string } | { kind: "binary"; data: Uint8Array };

const firstFrame: fc.Arbitrary<FirstFrame> = fc.oneof(
  fc.string({ maxLength: 200 }).map((data) => ({ kind: "text" as const, data })),
  fc.jsonValue().map((v) => ({ kind: "text" as const, data: JSON.stringify(v) ?? "null" })),
  frameObject.map((v) => ({ kind: "text" as const, data: JSON.stringify(v) })),
  // Around the 64 KiB pre-auth limit, as a bare string and inside a connect frame.
  fc.integer({ min: 64 * 1024 - 64, max: 64 * 1024 + 64 }).chain((n) =>
    fc.constantFrom(
      { kind: "text" as const, data: "x".repeat(n) },
      {
        kind: "text" as const,
        data: JSON.stringify({
          type: "req",
          id: "1",
          method: "connect",
          params: { pad: "y".repeat(Math.max(0, n - 60)) },
        }),
      },
    )
  ),
  fc.uint8Array({ maxLength: 512 }).map((data) => ({ kind: "binary" as const, data })),
);

Deno.test({
  name: "fuzz: random first frames before auth get an error or a protocol close",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    // A frame the gateway neither answers nor refuses is closed by the handshake timeout.
    await using gw = await startGateway(sb, config(), {
      env: { OPENCLAW_HANDSHAKE_TIMEOUT_MS: "2000" },
    });
    const outcomes = new Map<string, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(firstFrame, async (frame) => {
        const c = await RawClient.open(gw.url);
        try {
          await c.challenge();
          if (frame.kind === "text") c.send(frame.data);
          else c.ws.send(frame.data);
          const o = await resOrClose(c, () => true, 4_000);
          if (o.res) {
            assert.equal(
              o.res.ok,
              false,
              `a random first frame was accepted: ${JSON.stringify(o.res)}`,
            );
            assert.equal(typeof o.res.error?.code, "string", JSON.stringify(o.res));
            outcomes.set(
              `res ${o.res.error.code}`,
              (outcomes.get(`res ${o.res.error.code}`) ?? 0) + 1,
            );
          } else {
            assert.ok(o.close, "neither an answer nor a close within 4 s");
            assert.ok(PROTOCOL_CLOSES.has(o.close.code), `close ${JSON.stringify(o.close)}`);
            outcomes.set(`close ${o.close.code}`, (outcomes.get(`close ${o.close.code}`) ?? 0) + 1);
          }
          assert.ok(await alive(gw), `gateway died:\n${gw.output()}`);
        } finally {
          c.close();
          await Promise.race([c.closed, sleep(2_000)]);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `${RUNS} first frames in ${(performance.now() - started).toFixed(0)} ms: ` +
        JSON.stringify(Object.fromEntries(outcomes)),
    );
    await assertServes(gw);
  },
});

/** Methods safe to call with random params (none that writes config, restarts or runs a model). */
const SAFE_METHODS = [
  "health",
  "status",
  "last-heartbeat",
  "logs.tail",
  "models.list",
  "sessions.list",
  "sessions.preview",
  "chat.history",
  "chat.abort",
  "agent.wait",
  "config.get",
  "system-presence",
  "system-event",
];
const PROTOTYPE_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "isPrototypeOf",
  "then",
];

/** A request frame as raw text (so params can be deeper or bigger than JSON.stringify makes). */
const requestParams: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
  fc.dictionary(
    fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_NAMES, "sessionKey", "limit", "key")),
    fc.jsonValue(),
  ).map((v) => JSON.stringify(v)),
  // Deep nesting (arrays and objects) well under the post-auth payload limit.
  fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
    arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth)
  ),
  // Numbers beyond every safe range, as JSON literals.
  fc.constantFrom(
    "1e308",
    "-1e308",
    "1e999",
    "123456789012345678901234567890123456789",
    '{"limit":1e308}',
    '{"limit":-9007199254740993}',
    '{"limit":1.5}',
    '{"sessionKey":1e400}',
    '{"lines":99999999999999999999}',
  ),
);

const requestFrame = fc.tuple(
  fc.oneof(
    fc.constantFrom(...SAFE_METHODS),
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.string({ maxLength: 40 }),
  ),
  requestParams,
);

Deno.test({
  name: "fuzz: random requests after auth get a response or a protocol close",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    await using gw = await startGateway(sb, config());
    let c: RawClient | undefined;
    const open = async () => {
      const client = await RawClient.open(gw.url);
      await client.challenge();
      const res = await client.request("connect", cliConnectParams(TOKEN));
      assert.equal(res.ok, true, JSON.stringify(res));
      return client;
    };
    let n = 0;
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    const started = performance.now();
    try {
      await fc.assert(
        fc.asyncProperty(requestFrame, async ([method, params]) => {
          if (!c || c.ws.readyState !== c.ws.OPEN) c = await open();
          const id = `fz${++n}`;
          c.send(
            `{"type":"req","id":${JSON.stringify(id)},"method":${JSON.stringify(method)}${
              params === undefined ? "" : `,"params":${params}`
            }}`,
          );
          // Even a frame nested deeper than the protocol's 64 levels is answered on its own id
          // (the id comes before the params), so no caller waits forever.
          const o = await resOrClose(c, (f) => f.id === id || f.id === "invalid", 10_000);
          assert.notEqual(o.res?.id, "invalid", `answered without its id: ${method}`);
          if (o.res) {
            if (o.res.ok !== true) {
              assert.equal(o.res.ok, false, JSON.stringify(o.res));
              assert.ok(
                POST_AUTH_CODES.has(o.res.error?.code),
                `${method}: unexpected error ${JSON.stringify(o.res.error)}`,
              );
              assert.doesNotMatch(String(o.res.error?.message), STACK_TRACE);
              count(`${o.res.error.code}`);
            } else count("ok");
          } else {
            assert.ok(o.close, `${method}: neither a response nor a close within 10 s`);
            assert.ok(PROTOCOL_CLOSES.has(o.close.code), `${method}: ${JSON.stringify(o.close)}`);
            count(`close ${o.close.code}`);
          }
          assert.ok(await alive(gw), `gateway died:\n${gw.output()}`);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      const last = c as RawClient | undefined;
      last?.close();
      if (last) await Promise.race([last.closed, sleep(2_000)]);
    }
    console.log(
      `${RUNS} requests in ${(performance.now() - started).toFixed(0)} ms: ` +
        JSON.stringify(Object.fromEntries(outcomes)),
    );
    await assertServes(gw);
  },
});

const HTTP_STATUSES = new Set([200, 400, 401, 403, 404, 405, 408, 413, 415, 429, 500, 503]);

const httpCase = fc.record({
  path: fc.constantFrom("/tools/invoke", "/v1/chat/completions", "/v1/responses"),
  method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
      ),
      fc.string({ maxLength: 30 }).filter((s) => /^[\x21-\x7e ]*$/.test(s)),
    ),
    { nil: undefined },
  ),
  auth: fc.constantFrom("token", "token", "none", "wrong"),
  body: fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? ""),
    fc.record({
      model: fc.oneof(fc.constantFrom("openclaw", "fake/m1", "openclaw:main"), fc.jsonValue()),
      messages: fc.oneof(
        fc.array(
          fc.record({
            role: fc.oneof(fc.constantFrom("user", "system", "assistant", "tool"), fc.jsonValue()),
            content: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
          }, { requiredKeys: [] }),
          { maxLength: 3 },
        ),
        fc.jsonValue(),
      ),
      input: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
      tool: fc.oneof(fc.constantFrom("read", "exec", "__proto__", "sessions_list"), fc.jsonValue()),
      args: fc.jsonValue(),
      stream: fc.boolean(),
    }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 200 }),
  ),
});

Deno.test({
  name: "fuzz: random HTTP bodies to the API endpoints get a bounded status and no stack trace",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using sb = await makeSandbox();
    // A model provider on a closed local port: an accepted chat request fails fast, locally.
    const closedPort = freePort();
    await using gw = await startGateway(
      sb,
      `{
        gateway: {
          mode: "local",
          auth: { mode: "token", token: "${TOKEN}" },
          http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
        },
        models: {
          mode: "replace",
          providers: {
            fake: { baseUrl: "http://127.0.0.1:${closedPort}/v1", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
          },
        },
        agents: { defaults: { model: "fake/m1" } },
      }`,
    );
    const base = `http://127.0.0.1:${gw.port}`;
    const statuses = new Map<number, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(httpCase, async (k) => {
        const headers: Record<string, string> = {};
        if (k.contentType !== undefined) headers["content-type"] = k.contentType;
        if (k.auth === "token") headers.authorization = `Bearer ${TOKEN}`;
        if (k.auth === "wrong") headers.authorization = "Bearer wrong-token";
        const hasBody = k.method !== "GET";
        const res = await fetch(`${base}${k.path}`, {
          method: k.method,
          headers,
          body: hasBody ? k.body as BodyInit : undefined,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        const what = `${k.method} ${k.path} (${k.contentType}, ${k.auth}) -> ${res.status}: ${
          text.slice(0, 300)
        }`;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(HTTP_STATUSES.has(res.status), what);
        assert.doesNotMatch(text, STACK_TRACE, what);
        const type = res.headers.get("content-type") ?? "";
        // Reported: a 404/405 from the router is a plain-text reason phrase, not JSON.
        const plainPhrase = type.startsWith("text/plain") && /^[A-Za-z ]{1,40}$/.test(text);
        if (plainPhrase) statuses.set(-res.status, (statuses.get(-res.status) ?? 0) + 1);
        if (text !== "" && !type.startsWith("text/event-stream") && !plainPhrase) {
          assert.doesNotThrow(() => JSON.parse(text), `not JSON: ${what}`);
        }
        assert.ok(await alive(gw), `gateway died:\n${gw.output()}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `${RUNS} HTTP requests in ${(performance.now() - started).toFixed(0)} ms: ` +
        JSON.stringify(Object.fromEntries(statuses)),
    );
    await assertServes(gw);
  },
});
