/**
 * `tailscale whois --json <ip>`: which tailnet user an address belongs to. Tailscale Serve
 * identity auth (`gateway.auth.allowTailscale`) checks the `Tailscale-User-Login` header that
 * tailscaled added against this answer before it admits anyone (ingress.ts).
 *
 * Answers are cached per address on the start's clock -- an identity for 60 s, a failure for 5 s
 * (a broken daemon is not asked on every connect, a mended one is asked again soon) -- and
 * lookups of one address already running are shared. Everything is bounded: at most
 * {@link MAX_WHOIS_IN_FLIGHT} processes at once (more answer "busy" at once, uncached), at most
 * {@link MAX_WHOIS_CACHE_ENTRIES} cached addresses (the oldest is dropped), stdout read up to
 * {@link MAX_WHOIS_OUTPUT_BYTES} (more is a failure), and each run killed at its deadline.
 *
 * @module
 */
import { type Clock, systemClock } from "../../lib/clock.ts";
import { startDeadline } from "../../lib/deadline.ts";
import { TAILSCALE_CALL_TIMEOUT_MS } from "../../lib/discovery/tailnet.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { Env } from "../../lib/paths.ts";
import { findOnPath } from "../../lib/service/exec.ts";

/** How long a confirmed identity is reused. */
export const WHOIS_SUCCESS_TTL_MS = 60_000;
/** How long a failed lookup is reused. */
export const WHOIS_ERROR_TTL_MS = 5_000;
/** Addresses kept in the cache. */
export const MAX_WHOIS_CACHE_ENTRIES = 1_024;
/** `tailscale whois` processes running at once. */
export const MAX_WHOIS_IN_FLIGHT = 8;
/** Bytes of `tailscale whois` stdout read (its JSON is a few KiB). */
export const MAX_WHOIS_OUTPUT_BYTES = 200_000;
/** Bytes of stderr kept for the failure message. */
const MAX_WHOIS_STDERR_BYTES = 4_096;
/** Longest login or display name taken from the answer. */
const MAX_NAME_LENGTH = 256;

/** The user behind a tailnet address. */
export interface WhoisIdentity {
  /** `UserProfile.LoginName`, e.g. `alice@example.com`. */
  login: string;
  /** `UserProfile.DisplayName`, when given. */
  name?: string;
}

/** One lookup's outcome. */
export type WhoisAnswer =
  | { ok: true; identity: WhoisIdentity }
  | { ok: false; error: string };

/** Asks tailscaled about one address (injectable for tests). */
export type WhoisRunner = (ip: string) => Promise<WhoisAnswer>;

function cleanName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim();
  // deno-lint-ignore no-control-regex -- control characters are what this refuses
  if (v === "" || v.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(v)) return undefined;
  return v;
}

/**
 * Reads the user out of `tailscale whois --json` output (`UserProfile.LoginName`, and
 * `DisplayName` when present).
 *
 * @param text The command's stdout.
 * @returns The identity, or `undefined` when the text is not JSON or names no login.
 * @example
 * ```ts
 * parseWhoisOutput('{"UserProfile":{"LoginName":"alice@example.com","DisplayName":"Alice"}}');
 * // -> { login: "alice@example.com", name: "Alice" }
 * ```
 */
export function parseWhoisOutput(text: string): WhoisIdentity | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null || !Object.hasOwn(doc, "UserProfile")) {
    return undefined;
  }
  const profile = (doc as { UserProfile: unknown }).UserProfile;
  if (typeof profile !== "object" || profile === null) return undefined;
  const login = Object.hasOwn(profile, "LoginName")
    ? cleanName((profile as { LoginName: unknown }).LoginName)
    : undefined;
  if (!login) return undefined;
  const name = Object.hasOwn(profile, "DisplayName")
    ? cleanName((profile as { DisplayName: unknown }).DisplayName)
    : undefined;
  return name ? { login, name } : { login };
}

/** Reads at most `max` bytes of `stream`; stops (cancelling it) at the cap or when aborted. */
async function readCapped(
  stream: ReadableStream<Uint8Array>,
  max: number,
  signal: AbortSignal,
): Promise<{ text: string; overflow: boolean }> {
  const reader = stream.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  const dec = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + dec.decode(), overflow: false };
      size += value.byteLength;
      if (size > max) {
        await cancel();
        return { text, overflow: true };
      }
      text += dec.decode(value, { stream: true });
    }
  } catch {
    return { text, overflow: false }; // cancelled at the deadline
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

/** Options of {@linkcode runTailscaleWhois}. */
export interface RunWhoisOptions {
  /** @default TAILSCALE_CALL_TIMEOUT_MS (5 s) */
  timeoutMs?: number;
  /** The environment whose `PATH` is searched. @default Deno.env.toObject() */
  env?: Env;
}

/**
 * Runs `tailscale whois --json <ip>` once (argv only, no shell), with a deadline and a cap on
 * what it may print.
 *
 * @param ip A normalized IP address (never user text: it becomes an argument).
 * @param options Deadline and PATH.
 * @returns The identity, or why there is none (not installed, timed out, non-zero exit, too
 *   much output, no login in the answer). Never throws.
 */
export async function runTailscaleWhois(
  ip: string,
  options: RunWhoisOptions = {},
): Promise<WhoisAnswer> {
  const path = findOnPath("tailscale", options.env);
  if (!path) return { ok: false, error: "tailscale is not installed (not on PATH)" };
  const timeoutMs = options.timeoutMs ?? TAILSCALE_CALL_TIMEOUT_MS;
  using deadline = startDeadline(systemClock, timeoutMs);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, {
      args: ["whois", "--json", ip],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: deadline.signal,
    }).spawn();
  } catch (err) {
    return { ok: false, error: `cannot run tailscale whois: ${errorMessage(err)}` };
  }
  // Too much output ends the run at once: the child is killed and stderr is no longer read
  // (a grandchild holding the pipe open must not keep us waiting).
  const stop = new AbortController();
  const reading = AbortSignal.any([deadline.signal, stop.signal]);
  const [out, err] = await Promise.all([
    readCapped(child.stdout, MAX_WHOIS_OUTPUT_BYTES, reading).then((r) => {
      if (r.overflow) {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
        stop.abort();
      }
      return r;
    }),
    readCapped(child.stderr, MAX_WHOIS_STDERR_BYTES, reading),
  ]);
  const status = await child.status;
  if (deadline.timedOut) {
    return { ok: false, error: `tailscale whois timed out after ${timeoutMs} ms` };
  }
  if (out.overflow) {
    return {
      ok: false,
      error: `tailscale whois printed more than ${MAX_WHOIS_OUTPUT_BYTES} bytes`,
    };
  }
  if (status.code !== 0) {
    const detail = err.text.trim().split("\n")[0]?.trim();
    return {
      ok: false,
      error: `tailscale whois exited with code ${status.code}${detail ? `: ${detail}` : ""}`,
    };
  }
  const identity = parseWhoisOutput(out.text);
  return identity
    ? { ok: true, identity }
    : { ok: false, error: "tailscale whois named no user (UserProfile.LoginName)" };
}

/** Options of {@linkcode TailscaleWhois}. */
export interface TailscaleWhoisOptions {
  /** Ages the cache entries. @default systemClock */
  clock?: Clock;
  /** Does the lookup. @default runTailscaleWhois */
  run?: WhoisRunner;
  /** @default WHOIS_SUCCESS_TTL_MS (60 s) */
  successTtlMs?: number;
  /** @default WHOIS_ERROR_TTL_MS (5 s) */
  errorTtlMs?: number;
  /** @default MAX_WHOIS_CACHE_ENTRIES */
  maxEntries?: number;
  /** @default MAX_WHOIS_IN_FLIGHT */
  maxInFlight?: number;
}

/**
 * Cached, shared, bounded `tailscale whois` lookups (see the module doc).
 *
 * @example
 * ```ts
 * const whois = new TailscaleWhois({ clock: systemClock });
 * const answer = await whois.lookup("100.101.1.2");
 * if (answer.ok) console.log(answer.identity.login);
 * ```
 */
export class TailscaleWhois {
  readonly #clock: Clock;
  readonly #run: WhoisRunner;
  readonly #successTtlMs: number;
  readonly #errorTtlMs: number;
  readonly #maxEntries: number;
  readonly #maxInFlight: number;
  readonly #cache = new Map<string, { answer: WhoisAnswer; expiresAt: number }>();
  readonly #inFlight = new Map<string, Promise<WhoisAnswer>>();

  constructor(options: TailscaleWhoisOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#run = options.run ?? ((ip) => runTailscaleWhois(ip));
    this.#successTtlMs = options.successTtlMs ?? WHOIS_SUCCESS_TTL_MS;
    this.#errorTtlMs = options.errorTtlMs ?? WHOIS_ERROR_TTL_MS;
    this.#maxEntries = Math.max(1, options.maxEntries ?? MAX_WHOIS_CACHE_ENTRIES);
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? MAX_WHOIS_IN_FLIGHT);
  }

  /**
   * Returns who `ip` is: from the cache while fresh, else from one shared lookup.
   *
   * @param ip A normalized IP address.
   * @returns The answer; never rejects.
   */
  lookup(ip: string): Promise<WhoisAnswer> {
    const hit = this.#cache.get(ip);
    if (hit && hit.expiresAt > this.#clock.now()) return Promise.resolve(hit.answer);
    if (hit) this.#cache.delete(ip);
    const running = this.#inFlight.get(ip);
    if (running) return running;
    if (this.#inFlight.size >= this.#maxInFlight) {
      return Promise.resolve({ ok: false, error: "too many tailscale whois lookups at once" });
    }
    const lookup = this.#run(ip)
      .catch((err): WhoisAnswer => ({ ok: false, error: errorMessage(err) }))
      .then((answer) => {
        this.#remember(ip, answer);
        return answer;
      })
      .finally(() => this.#inFlight.delete(ip));
    this.#inFlight.set(ip, lookup);
    return lookup;
  }

  #remember(ip: string, answer: WhoisAnswer): void {
    this.#cache.delete(ip);
    while (this.#cache.size >= this.#maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    const ttl = answer.ok ? this.#successTtlMs : this.#errorTtlMs;
    this.#cache.set(ip, { answer, expiresAt: this.#clock.now() + ttl });
  }
}
