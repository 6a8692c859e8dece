/**
 * The HTTP side of a CDP endpoint: `GET /json/version` (the readiness probe, and where the
 * browser's WebSocket URL comes from), each with a timeout and a capped body.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { startDeadline } from "../deadline.ts";
import { errorMessage } from "../errors.ts";
import { readBoundedText } from "../net/bounded_body.ts";

/** `/json/version` answers are a few hundred bytes; anything bigger is not Chromium. */
const MAX_VERSION_BODY = 64 * 1024;

/** What `/json/version` says. */
export interface ChromeVersion {
  /** `Chrome/156.0.8078.114`, `HeadlessChrome/...`. */
  browser?: string;
  protocolVersion?: string;
  userAgent?: string;
  /** `ws://127.0.0.1:<port>/devtools/browser/<id>`. */
  webSocketDebuggerUrl?: string;
}

/** The base (`http://host:port`) of a CDP URL, whatever scheme it was given in. */
export function cdpHttpBase(cdpUrl: string): string {
  const u = new URL(cdpUrl);
  const scheme = u.protocol === "wss:" || u.protocol === "https:" ? "https:" : "http:";
  return `${scheme}//${u.host}`;
}

/**
 * Reads `/json/version` of a CDP endpoint.
 *
 * @param cdpUrl `http://127.0.0.1:<port>` (or a ws URL of the same endpoint).
 * @param timeoutMs Budget for the whole request, body included.
 * @throws {Error} When unreachable, not 200, too big, not JSON or past the budget.
 */
export async function readChromeVersion(
  cdpUrl: string,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<ChromeVersion> {
  using deadline = startDeadline(clock, timeoutMs);
  const res = await fetch(`${cdpHttpBase(cdpUrl)}/json/version`, { signal: deadline.signal });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} from /json/version`);
  }
  const raw = JSON.parse(await readBoundedText(res, MAX_VERSION_BODY)) as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null) throw new Error("/json/version is not an object");
  const str = (k: string) => typeof raw[k] === "string" ? raw[k] as string : undefined;
  return {
    browser: str("Browser"),
    protocolVersion: str("Protocol-Version"),
    userAgent: str("User-Agent"),
    webSocketDebuggerUrl: str("webSocketDebuggerUrl"),
  };
}

/** `/json/version`, or the reason it failed. */
export async function probeChromeVersion(
  cdpUrl: string,
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<{ ok: true; version: ChromeVersion } | { ok: false; error: string }> {
  try {
    return { ok: true, version: await readChromeVersion(cdpUrl, timeoutMs, clock) };
  } catch (err) {
    const name = err instanceof DOMException ? err.name : "";
    return {
      ok: false,
      error: name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${timeoutMs} ms`
        : errorMessage(err),
    };
  }
}

/** True when nothing listens on 127.0.0.1:`port` (we could bind it). */
export function isLoopbackPortFree(port: number): boolean {
  try {
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    l.close();
    return true;
  } catch {
    return false;
  }
}
