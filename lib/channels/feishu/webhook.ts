/**
 * Webhook mode: a `(Request) => Promise<Response>` the gateway mounts at `webhookPath`
 * (stock: `/feishu/events`). Check order, each failure answered before any work is done:
 *
 * 1. `POST` only (405); body at most `maxBodyBytes` (413), JSON (400);
 * 2. with an Encrypt Key: a present `X-Lark-Signature` must match SHA-256(`timestamp + nonce +
 *    encryptKey + rawBody`) in constant time, and its timestamp must be within `maxSkewMs` of
 *    now (401); the body must be `{"encrypt": ...}` and decrypt with the key (400);
 * 3. `url_verification` (Feishu saving the URL): the token must match the Verification Token;
 *    answered with `{"challenge"}`. It may come unsigned -- decrypting proves the key instead;
 * 4. any other request must be signed when an Encrypt Key is set (401), and its
 *    `header.token` must match the Verification Token when one is set (401);
 * 5. the event goes to the pipeline (events.ts); 200 only once it is stored (with
 *    `x-openclaw-delivery-accepted: durable` for a delivered message), 500 when it was not, so
 *    Feishu delivers it again.
 *
 * @module
 */
import { readBoundedText } from "../../net/bounded_body.ts";
import { type Clock, systemClock } from "../../clock.ts";
import { type FeishuLogger, silentLogger } from "./_log.ts";
import { WebhookHeader } from "./constants.ts";
import { decryptFeishuPayload, feishuSignature, signatureMatches } from "./crypto.ts";
import type { EventOutcome } from "./events.ts";
import { UrlVerificationSchema } from "./schemas.ts";

/** Options of {@linkcode createFeishuWebhookHandler}. */
export interface FeishuWebhookOptions {
  /** The app's Encrypt Key: bodies are encrypted and requests signed. */
  encryptKey?: string;
  /** The app's Verification Token: checked on the URL check and every event. */
  verificationToken?: string;
  /** Handles a decrypted event; resolves once it may be acknowledged, throws when not stored. */
  onEvent(payload: unknown): Promise<EventOutcome>;
  /** @default systemClock */
  clock?: Clock;
  /** Largest accepted difference between the request timestamp and now. @default 3600000 */
  maxSkewMs?: number;
  /** Largest body. @default 1048576 */
  maxBodyBytes?: number;
  log?: FeishuLogger;
}

/** A webhook handler: Feishu's HTTP request in, the answer out. */
export type FeishuWebhookHandler = (request: Request) => Promise<Response>;

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

async function readBody(request: Request, max: number): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) return undefined;
  try {
    return await readBoundedText(request, max);
  } catch {
    return undefined; // larger than max: the caller answers 413
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tokenMatches(expected: string | undefined, given: unknown): boolean {
  if (expected === undefined) return true;
  return typeof given === "string" && signatureMatches(expected, given);
}

/**
 * Creates the webhook handler (see the module doc).
 *
 * @param options Keys, the event sink, limits.
 * @returns A named handler function.
 * @throws {TypeError} When `onEvent` is missing.
 * @example
 * ```ts
 * const handler = createFeishuWebhookHandler({ encryptKey, verificationToken, onEvent });
 * app.post("/feishu/events", (c) => handler(c.req.raw));
 * ```
 */
export function createFeishuWebhookHandler(options: FeishuWebhookOptions): FeishuWebhookHandler {
  if (typeof options.onEvent !== "function") {
    throw new TypeError("Cannot create the Feishu webhook handler: onEvent is required");
  }
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const maxSkew = options.maxSkewMs ?? 3_600_000;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const { encryptKey, verificationToken } = options;

  /** Checks a present signature; `undefined` = fine, else the refusal. */
  function checkSignature(request: Request, raw: string): Response | "unsigned" | undefined {
    const signature = request.headers.get(WebhookHeader.SIGNATURE);
    if (!encryptKey) return undefined;
    if (!signature) return "unsigned";
    const timestamp = request.headers.get(WebhookHeader.TIMESTAMP) ?? "";
    const nonce = request.headers.get(WebhookHeader.NONCE) ?? "";
    const expected = feishuSignature(timestamp, nonce, encryptKey, raw);
    if (!signatureMatches(expected, signature)) {
      log.warn("feishu webhook request refused: signature mismatch");
      return answer(401, { error: "signature mismatch" });
    }
    const seconds = Number(timestamp);
    if (!Number.isFinite(seconds) || Math.abs(clock.now() - seconds * 1000) > maxSkew) {
      log.warn("feishu webhook request refused: timestamp too far from now");
      return answer(401, { error: "stale request timestamp" });
    }
    return undefined;
  }

  return async function feishuWebhook(request: Request): Promise<Response> {
    if (request.method !== "POST") return answer(405, { error: "POST only" });
    const raw = await readBody(request, maxBody);
    if (raw === undefined) return answer(413, { error: `body larger than ${maxBody} bytes` });
    const signed = checkSignature(request, raw);
    if (signed instanceof Response) return signed;
    let body = parseJson(raw);
    if (!isObj(body)) return answer(400, { error: "body is not a JSON object" });
    if (typeof body.encrypt === "string") {
      if (!encryptKey) return answer(400, { error: "encrypted body but no encryptKey configured" });
      try {
        body = parseJson(decryptFeishuPayload(encryptKey, body.encrypt));
      } catch {
        log.warn("feishu webhook request refused: cannot decrypt the body");
        return answer(400, { error: "cannot decrypt the body" });
      }
      if (!isObj(body)) return answer(400, { error: "decrypted body is not a JSON object" });
    } else if (encryptKey) {
      return answer(400, { error: "expected an encrypted body" });
    }
    const challenge = UrlVerificationSchema.safeParse(body);
    if (challenge.success) {
      if (!tokenMatches(verificationToken, challenge.data.token)) {
        return answer(401, { error: "verification token mismatch" });
      }
      return answer(200, { challenge: challenge.data.challenge });
    }
    if (signed === "unsigned") {
      log.warn("feishu webhook request refused: no signature");
      return answer(401, { error: "missing signature" });
    }
    const header = isObj(body.header) ? body.header : undefined;
    if (!tokenMatches(verificationToken, header?.token ?? body.token)) {
      log.warn("feishu webhook request refused: verification token mismatch");
      return answer(401, { error: "verification token mismatch" });
    }
    try {
      const outcome = await options.onEvent(body);
      const durable: Record<string, string> = outcome === "delivered" || outcome === "duplicate"
        ? { "x-openclaw-delivery-accepted": "durable" }
        : {};
      return answer(200, {}, durable);
    } catch {
      return answer(500, { error: "event not stored; deliver it again" });
    }
  };
}
