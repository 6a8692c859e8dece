/**
 * The Bot API client (lib/channels/telegram/bot_api.ts) on the wire, and how its failures read
 * once converted (errors.ts): the request it makes, `{ok: false}` answers, answers that are not
 * Bot API JSON, oversized answers, and aborts.
 */
import assert from "node:assert/strict";
import { BotApi, MAX_ANSWER_BYTES } from "../../../lib/channels/telegram/bot_api.ts";
import { callTelegram } from "../../../lib/channels/telegram/api.ts";
import { TelegramApiError } from "../../../lib/channels/telegram/errors.ts";
import { RateLimitError } from "../../../lib/channels/retry.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";

const TOKEN = "123456:AAsecret_token_value_abcdefghijklmno";

interface Seen {
  method: string;
  path: string;
  type: string | null;
  body: unknown;
}

/** A server answering every request with `answer(seen)`; records what it got. */
function server(answer: (seen: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const srv = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const text = await req.text();
    const s = {
      method: req.method,
      path: new URL(req.url).pathname,
      type: req.headers.get("content-type"),
      body: text === "" ? undefined : JSON.parse(text),
    };
    seen.push(s);
    return await answer(s);
  });
  const api = new BotApi({
    token: TOKEN,
    apiRoot: `http://127.0.0.1:${srv.addr.port}`,
    backstopSeconds: 30,
  });
  return {
    seen,
    api,
    [Symbol.asyncDispose]: () => srv.shutdown(),
  };
}

/** Runs one call the way the adapter does and returns what it threw. */
function failure(method: string, call: (s: AbortSignal) => Promise<unknown>): Promise<unknown> {
  return callTelegram(method, call, { token: TOKEN, clock: new FakeClock(), timeoutMs: 60_000 })
    .then(() => assert.fail("expected a failure"), (err) => err);
}

Deno.test("a call POSTs JSON to <apiRoot>/bot<token>/<method> and returns the result", async () => {
  await using s = server(() => Response.json({ ok: true, result: { message_id: 77, extra: 1 } }));
  const sent = await s.api.sendMessage(-100123, "hi", {
    parse_mode: "HTML",
    message_thread_id: undefined,
  });
  assert.deepEqual(sent, { message_id: 77 });
  assert.deepEqual(s.seen, [{
    method: "POST",
    path: `/bot${TOKEN}/sendMessage`,
    type: "application/json",
    body: { chat_id: -100123, text: "hi", parse_mode: "HTML" },
  }]);
});

Deno.test("getMe and getUpdates return what the bot reads; a wrong shape is an error", async () => {
  let result: unknown = { id: 9, is_bot: true, first_name: "Claw", username: "claw_bot" };
  await using s = server(() => Response.json({ ok: true, result }));
  assert.deepEqual(await s.api.getMe(), {
    id: 9,
    first_name: "Claw",
    username: "claw_bot",
    can_read_all_group_messages: undefined,
  });
  result = [{ update_id: 1 }];
  assert.deepEqual(await s.api.getUpdates({ offset: 1, timeout: 0 }), [{ update_id: 1 }]);
  result = { update_id: 1 };
  const err = await failure("getUpdates", (sig) => s.api.getUpdates({}, sig));
  assert.ok(err instanceof TelegramApiError);
  assert.equal(err.kind, "network");
  assert.equal(
    err.message,
    "Cannot reach the Telegram Bot API (getUpdates): getUpdates answered without a list",
  );
});

Deno.test("{ok: false} answers become API errors; 429 carries retry_after", async () => {
  let answer = { ok: false, error_code: 401, description: "Unauthorized" } as Record<
    string,
    unknown
  >;
  await using s = server(() => Response.json(answer, { status: Number(answer.error_code) }));
  const unauthorized = await failure("getMe", (sig) => s.api.getMe(sig));
  assert.ok(unauthorized instanceof TelegramApiError);
  assert.equal(unauthorized.kind, "unauthorized");
  assert.equal(unauthorized.errorCode, 401);
  answer = {
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 3",
    parameters: { retry_after: 3 },
  };
  const limited = await failure("sendMessage", (sig) => s.api.sendMessage(1, "x", {}, sig));
  assert.ok(limited instanceof RateLimitError);
  assert.equal(limited.retryAfterMs, 3000);
  answer = { ok: false, error_code: 400, description: "Bad Request: can't parse entities: x" };
  const html = await failure("sendMessage", (sig) => s.api.sendMessage(1, "<b", {}, sig));
  assert.ok(html instanceof TelegramApiError);
  assert.equal(html.kind, "parse-entities");
});

Deno.test("an answer that is not Bot API JSON (a proxy's 502 page) is a network error without the token", async () => {
  await using s = server(() =>
    new Response(`<html>bad gateway for /bot${TOKEN}/getMe</html>`, { status: 502 })
  );
  const err = await failure("getMe", (sig) => s.api.getMe(sig));
  assert.ok(err instanceof TelegramApiError);
  assert.equal(err.kind, "network");
  assert.equal(
    err.message,
    "Cannot reach the Telegram Bot API (getMe): HTTP 502 without a Bot API answer",
  );
});

Deno.test("an answer larger than the cap is refused, not buffered", async () => {
  await using s = server(() => {
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > MAX_ANSWER_BYTES) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const err = await failure("getUpdates", (sig) => s.api.getUpdates({}, sig));
  assert.ok(err instanceof TelegramApiError);
  assert.equal(err.kind, "network");
  assert.match(err.message, /larger than \d+ bytes/);
});

Deno.test("an abort ends a held call with the caller's reason", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => release = r);
  await using s = server(async () => {
    await held;
    return Response.json({ ok: true, result: [] });
  });
  const stop = new AbortController();
  const call = callTelegram("getUpdates", (sig) => s.api.getUpdates({ timeout: 30 }, sig), {
    token: TOKEN,
    clock: new FakeClock(),
    timeoutMs: 60_000,
    signal: stop.signal,
  });
  while (s.seen.length === 0) await new Promise((r) => setTimeout(r, 1));
  const why = new Error("disconnect");
  stop.abort(why);
  await assert.rejects(call, (err) => err === why);
  release();
});
