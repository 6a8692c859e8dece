/**
 * DM pairing: an unknown sender under `dmPolicy: "pairing"` gets a code; the owner approves it
 * with `openclaw pairing approve <channel> <code>` and the sender is added to the channel
 * account's approved senders.
 *
 * Rules (stock 2026.9.6, plus the fixes users asked for): codes are 8 characters from
 * `ABCDEFGHJKLMNPQRSTUVWXYZ23456789` (no 0/O/1/I), crypto random and unique among pending ones;
 * a request lives 1 hour from its creation; a channel account holds at most 3 pending requests
 * (a 4th sender is refused until one expires or is handled -- the pending ones keep their codes);
 * a sender who writes again gets the same code again, and every reply states when it expires.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { systemClock } from "../clock.ts";
import { OpenClawError } from "../errors.ts";
import { DEFAULT_ACCOUNT_ID } from "./config_view.ts";
import {
  type PairingRequestRecord,
  readAllowFromStore,
  updateAllowFromStore,
  updatePairingRequests,
} from "./pairing_store.ts";

/** The code alphabet (no look-alikes). */
export const PAIRING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** Code length. */
export const PAIRING_CODE_LENGTH = 8;
/** How long a request lives after it was created. */
export const PAIRING_TTL_MS = 60 * 60 * 1000;
/** Pending requests per channel account. */
export const PAIRING_PENDING_MAX = 3;
/** The message sent to an approved sender (`--notify`). */
export const PAIRING_APPROVED_TEXT =
  "\u2705 OpenClaw access approved. Send a message to start chatting.";

/**
 * Generates a pairing code. The alphabet has 32 letters, so a random byte modulo 32 is uniform.
 *
 * @param random Fills a byte array with random values (`crypto.getRandomValues` by default).
 * @returns 8 characters from {@linkcode PAIRING_CODE_ALPHABET}.
 */
export function generatePairingCode(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const bytes = random(new Uint8Array(PAIRING_CODE_LENGTH));
  let code = "";
  for (const b of bytes) code += PAIRING_CODE_ALPHABET[b % PAIRING_CODE_ALPHABET.length];
  return code;
}

/**
 * The opaque id stock's RPC uses for a request:
 * `base64url(sha256(channel \0 accountId \0 senderId \0 createdAt)).slice(0, 32)`.
 *
 * @returns A 32-character id.
 */
export async function pairingRequestId(
  channel: string,
  accountId: string,
  senderId: string,
  createdAt: string,
): Promise<string> {
  const data = new TextEncoder().encode([channel, accountId, senderId, createdAt].join("\0"));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  const b64 = btoa(String.fromCharCode(...hash));
  return b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "").slice(0, 32);
}

/** A pending request as callers see it. */
export interface PendingPairing {
  requestId: string;
  channel: string;
  accountId: string;
  senderId: string;
  code: string;
  /** Epoch ms. */
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  meta: Record<string, string>;
}

/** The outcome of a sender's message under `dmPolicy: "pairing"`. */
export type PairingRequestResult =
  | { kind: "created"; request: PendingPairing }
  /** The sender already has a code: the same one (send it again). */
  | { kind: "existing"; request: PendingPairing; previousSeenAt: number }
  /** The account already has {@link PAIRING_PENDING_MAX} pending requests. */
  | { kind: "limit"; pending: number };

/** Options of {@linkcode ChannelPairing}. */
export interface ChannelPairingOptions {
  stateDir: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default 3600000 */
  ttlMs?: number;
  /** @default 3 */
  maxPending?: number;
  /** For tests: the code generator. */
  generateCode?: () => string;
}

function accountOf(r: PairingRequestRecord): string {
  return r.meta?.accountId || DEFAULT_ACCOUNT_ID;
}

/** Pairing requests and approvals of every channel in one state directory. */
export class ChannelPairing {
  readonly #stateDir: string;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxPending: number;
  readonly #generate: () => string;

  /**
   * @param options The state directory, the clock and the limits.
   * @throws {RangeError} For a non-positive TTL or pending limit.
   */
  constructor(options: ChannelPairingOptions) {
    this.#stateDir = options.stateDir;
    this.#clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs ?? PAIRING_TTL_MS;
    this.#maxPending = options.maxPending ?? PAIRING_PENDING_MAX;
    if (!(this.#ttlMs > 0) || !(this.#maxPending >= 1)) {
      throw new RangeError("Cannot create pairing: ttlMs and maxPending must be positive");
    }
    this.#generate = options.generateCode ?? (() => generatePairingCode());
  }

  /** The limits, as `channels.pairing.list` reports them. */
  get limits(): { pendingPerAccount: number; ttlMs: number } {
    return { pendingPerAccount: this.#maxPending, ttlMs: this.#ttlMs };
  }

  #live(requests: PairingRequestRecord[], now: number): PairingRequestRecord[] {
    const live = requests.filter((r) => {
      const created = Date.parse(r.createdAt);
      return Number.isFinite(created) && created + this.#ttlMs > now && created <= now + 60_000;
    });
    // More than the limit can only come from an older build or a hand edit: keep the most
    // recently seen ones per account.
    const byAccount = new Map<string, PairingRequestRecord[]>();
    for (const r of live) byAccount.set(accountOf(r), [...byAccount.get(accountOf(r)) ?? [], r]);
    const keep = new Set<PairingRequestRecord>();
    for (const list of byAccount.values()) {
      list.sort((a, b) => Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt))
        .slice(0, this.#maxPending).forEach((r) => keep.add(r));
    }
    return live.filter((r) => keep.has(r));
  }

  async #view(channel: string, r: PairingRequestRecord): Promise<PendingPairing> {
    const createdAt = Date.parse(r.createdAt);
    const accountId = accountOf(r);
    return {
      requestId: await pairingRequestId(channel, accountId, r.id, r.createdAt),
      channel,
      accountId,
      senderId: r.id,
      code: r.code,
      createdAt,
      lastSeenAt: Date.parse(r.lastSeenAt),
      expiresAt: createdAt + this.#ttlMs,
      meta: { ...r.meta },
    };
  }

  /**
   * Records a message from an unapproved sender: a new code, the sender's existing code (its
   * `lastSeenAt` refreshed), or `limit` when the account has too many pending requests.
   *
   * @param input The channel, account, sender and display facts (name, username).
   * @returns What to tell the sender.
   */
  async request(input: {
    channel: string;
    accountId?: string;
    senderId: string;
    meta?: Record<string, string>;
  }): Promise<PairingRequestResult> {
    const now = this.#clock.now();
    const accountId = input.accountId || DEFAULT_ACCOUNT_ID;
    const iso = new Date(now).toISOString();
    type Step =
      | { kind: "existing"; record: PairingRequestRecord; previous: number }
      | { kind: "created"; record: PairingRequestRecord }
      | { kind: "limit"; pending: number };
    const result = await updatePairingRequests<Step>(this.#stateDir, input.channel, (all) => {
      const live = this.#live(all, now);
      const changed = live.length !== all.length;
      const mine = live.find((r) => r.id === input.senderId && accountOf(r) === accountId);
      if (mine) {
        const previous = Date.parse(mine.lastSeenAt);
        mine.lastSeenAt = iso;
        return { requests: live, result: { kind: "existing" as const, record: mine, previous } };
      }
      const pending = live.filter((r) => accountOf(r) === accountId).length;
      if (pending >= this.#maxPending) {
        return {
          requests: changed ? live : undefined,
          result: { kind: "limit" as const, pending },
        };
      }
      const taken = new Set(live.map((r) => r.code));
      let code = this.#generate();
      for (let i = 0; taken.has(code) && i < 500; i++) code = this.#generate();
      if (taken.has(code)) throw new Error("Cannot generate a unique pairing code");
      const record: PairingRequestRecord = {
        id: input.senderId,
        code,
        createdAt: iso,
        lastSeenAt: iso,
        meta: { ...input.meta, accountId },
      };
      return { requests: [...live, record], result: { kind: "created" as const, record } };
    });
    if (result.kind === "limit") return result;
    const request = await this.#view(input.channel, result.record);
    return result.kind === "created"
      ? { kind: "created", request }
      : { kind: "existing", request, previousSeenAt: result.previous };
  }

  /**
   * Lists pending requests that have not expired.
   *
   * @param channel A channel id.
   * @param accountId Only this account's requests.
   * @returns Oldest first.
   */
  async list(channel: string, accountId?: string): Promise<PendingPairing[]> {
    const now = this.#clock.now();
    const live = await updatePairingRequests(this.#stateDir, channel, (all) => {
      const kept = this.#live(all, now);
      return { requests: kept.length !== all.length ? kept : undefined, result: kept };
    });
    const views = await Promise.all(live.map((r) => this.#view(channel, r)));
    return views.filter((v) => accountId === undefined || v.accountId === accountId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async #take(
    channel: string,
    which: { code?: string; requestId?: string; accountId?: string },
  ): Promise<PendingPairing> {
    const now = this.#clock.now();
    const code = which.code?.trim().toUpperCase();
    const pending = await this.list(channel, which.accountId);
    const hit = pending.find((p) =>
      (code !== undefined && p.code === code) ||
      (which.requestId !== undefined && p.requestId === which.requestId)
    );
    if (!hit) {
      const what = code !== undefined ? `code: ${code}` : `request: ${which.requestId}`;
      throw new OpenClawError("PAIRING_NOT_FOUND", `No pending pairing request found for ${what}`, {
        hint: `Run: openclaw pairing list --channel ${channel}`,
      });
    }
    await updatePairingRequests(this.#stateDir, channel, (all) => ({
      requests: this.#live(all, now).filter((r) =>
        !(r.id === hit.senderId && accountOf(r) === hit.accountId)
      ),
      result: undefined,
    }));
    return hit;
  }

  /**
   * Approves a pending request: its sender joins the account's approved senders and the request
   * is removed. Approval covers DMs only (groups use `groupAllowFrom`).
   *
   * @param channel A channel id.
   * @param which The code (case-insensitive) or the RPC `requestId`; `accountId` narrows.
   * @returns The approved request.
   * @throws {OpenClawError} `PAIRING_NOT_FOUND` when no live request has that code.
   */
  async approve(
    channel: string,
    which: { code?: string; requestId?: string; accountId?: string },
  ): Promise<PendingPairing> {
    const hit = await this.#take(channel, which);
    await updateAllowFromStore(this.#stateDir, channel, hit.accountId, { add: [hit.senderId] });
    return hit;
  }

  /**
   * Rejects (dismisses) a pending request; the sender can ask again with a new message.
   *
   * @throws {OpenClawError} `PAIRING_NOT_FOUND` when no live request matches.
   */
  async reject(
    channel: string,
    which: { code?: string; requestId?: string; accountId?: string },
  ): Promise<PendingPairing> {
    return await this.#take(channel, which);
  }

  /**
   * The approved senders of a channel account (merged into `allowFrom` by access.ts).
   *
   * @throws {OpenClawError} `PAIRING_STORE_INVALID` when the file is unreadable.
   */
  approvedSenders(channel: string, accountId = DEFAULT_ACCOUNT_ID): string[] {
    return readAllowFromStore(this.#stateDir, channel, accountId);
  }

  /** Removes an approved sender (`pairing` revocation). Returns true when it was there. */
  async revoke(channel: string, accountId: string, senderId: string): Promise<boolean> {
    const before = readAllowFromStore(this.#stateDir, channel, accountId);
    await updateAllowFromStore(this.#stateDir, channel, accountId, { remove: [senderId] });
    return before.includes(senderId.trim());
  }
}

const LABELS: ReadonlyMap<string, [channel: string, id: string]> = new Map([
  ["telegram", ["Telegram", "Your Telegram user id"]],
  ["discord", ["Discord", "Your Discord user id"]],
  ["whatsapp", ["WhatsApp", "Your WhatsApp number"]],
  ["feishu", ["Feishu", "Your Feishu open_id"]],
  ["qqbot", ["QQ", "Your QQ openid"]],
]);

/**
 * The reply to an unapproved sender: their id, the code and the approve command in code blocks
 * (easy to copy), and when the code expires.
 *
 * @param input The channel, sender id, code and expiry; `now` for the "in N minutes" part.
 * @returns Markdown text (the outbound converts it per platform).
 */
export function pairingReplyText(input: {
  channel: string;
  senderId: string;
  code: string;
  expiresAt: number;
  now: number;
}): string {
  const idLabel = LABELS.get(input.channel)?.[1] ?? `Your ${input.channel} id`;
  const minutes = Math.max(1, Math.ceil((input.expiresAt - input.now) / 60_000));
  const at = new Date(input.expiresAt).toISOString().slice(0, 16).replace("T", " ");
  return [
    "OpenClaw: access not configured.",
    "",
    `${idLabel}: ${input.senderId}`,
    "",
    "Pairing code:",
    "```",
    input.code,
    "```",
    `This code expires in ${minutes} minute${minutes === 1 ? "" : "s"} (at ${at} UTC).`,
    "",
    "Ask the bot owner to approve with:",
    "```",
    `openclaw pairing approve ${input.channel} ${input.code}`,
    "```",
  ].join("\n");
}
