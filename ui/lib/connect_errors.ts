/**
 * Turns a failed connect into what the dashboard shows: the chapter's words first
 * (`device identity required`, `unauthorized`, `gateway connect failed`, from its "Dashboard
 * cannot connect" table), the gateway's own message, the fix, and whether to retry by itself.
 * Decisions branch on `error.details.code`, never on message text (protocol.md §6).
 *
 * @module
 */

/** The error shape of a `res` frame. */
export interface WireError {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** What to do after a failed connect. */
export type RetryPolicy =
  /** Try again every few seconds: the operator is approving the device. */
  | "pairing"
  /** Try again with backoff: the gateway is restarting or unreachable. */
  | "backoff"
  /** Wait for the user to change something (token, browser, config). */
  | "none";

/** A connect failure as the dashboard presents it. */
export interface ConnectProblem {
  /** The chapter's name for the failure. */
  title: string;
  /** What the gateway said, or what happened. */
  message: string;
  /** How to fix it: a sentence, maybe with a command. */
  fix: string;
  /** A command to copy, when there is one. */
  command?: string;
  retry: RetryPolicy;
  /** Milliseconds to wait before retrying, when the gateway said so. */
  retryAfterMs?: number;
  /** Pairing request id (`pairing required`). */
  requestId?: string;
  /** `details.code`, for the client's own decisions. */
  detailCode?: string;
  /** True when the token form should be offered. */
  askToken: boolean;
}

function detailsOf(error: WireError): Record<string, unknown> {
  const d = error.details;
  return typeof d === "object" && d !== null && !Array.isArray(d)
    ? d as Record<string, unknown>
    : {};
}

const TOKEN_FIX = "Auth token mismatch — check gateway.auth.token. On the gateway host run " +
  "`openclaw dashboard` for a fresh sign-in link, or paste the token below " +
  "(`openclaw config get gateway.auth.token`).";

/** Describes a connect refused by the gateway (`res` with `ok:false` to `connect`). */
export function describeConnectError(error: WireError): ConnectProblem {
  const details = detailsOf(error);
  const detailCode = typeof details.code === "string" ? details.code : undefined;
  const base = { message: error.message, detailCode, askToken: false };
  if (detailCode === "PAIRING_REQUIRED" || (error.code === "NOT_PAIRED" && details.requestId)) {
    const requestId = typeof details.requestId === "string" ? details.requestId : undefined;
    return {
      ...base,
      title: "pairing required",
      fix: requestId
        ? "This browser is a new device. Approve it on the gateway host; this page connects by itself once approved."
        : "Approve this browser from the gateway host (`openclaw devices list`).",
      command: requestId ? `openclaw devices approve ${requestId}` : "openclaw devices list",
      retry: "pairing",
      requestId,
    };
  }
  if (
    detailCode === "DEVICE_IDENTITY_REQUIRED" ||
    detailCode === "CONTROL_UI_DEVICE_IDENTITY_REQUIRED"
  ) {
    return {
      ...base,
      title: "device identity required",
      fix: "Not a secure context or missing device authentication: allow this site to store data " +
        "(private windows and blocked storage lose the device key), or open the dashboard from " +
        "the gateway host (http://127.0.0.1) or over HTTPS.",
      retry: "none",
    };
  }
  if (detailCode?.startsWith("DEVICE_AUTH_")) {
    const clock = detailCode === "DEVICE_AUTH_SIGNATURE_EXPIRED"
      ? " Check that this computer's clock is right."
      : "";
    return {
      ...base,
      title: "device identity required",
      fix: `The gateway refused this browser's device proof.${clock} Reload the page to retry.`,
      retry: "none",
    };
  }
  if (detailCode === "AUTH_RATE_LIMITED") {
    return {
      ...base,
      title: "unauthorized",
      fix: "Too many failed sign-ins from this address; wait, then check gateway.auth.token.",
      retry: "backoff",
      retryAfterMs: error.retryAfterMs,
      askToken: true,
    };
  }
  if (detailCode === "CONTROL_UI_ORIGIN_NOT_ALLOWED") {
    return {
      ...base,
      title: "origin not allowed",
      fix: "Open the dashboard from the gateway host, or add this page's origin to " +
        "gateway.controlUi.allowedOrigins.",
      retry: "none",
    };
  }
  if (detailCode === "PROTOCOL_MISMATCH") {
    return {
      ...base,
      title: "gateway connect failed",
      fix: "This dashboard and the gateway speak different protocol versions; reload the page.",
      retry: "none",
    };
  }
  if (error.code === "UNAVAILABLE" || error.retryable) {
    return {
      ...base,
      title: "gateway starting",
      fix: "The gateway is starting or restarting; retrying.",
      retry: "backoff",
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (detailCode?.startsWith("AUTH_") || /^unauthorized\b/i.test(error.message)) {
    return { ...base, title: "unauthorized", fix: TOKEN_FIX, retry: "none", askToken: true };
  }
  return { ...base, title: "gateway connect failed", fix: "See the gateway log.", retry: "none" };
}

/** Describes a socket that failed or closed before the gateway answered `connect`. */
export function describeNetworkFailure(
  url: string,
  closeCode?: number,
  reason?: string,
): ConnectProblem {
  const said = reason ? ` (${closeCode}: ${reason})` : closeCode ? ` (${closeCode})` : "";
  return {
    title: "gateway connect failed",
    message: `Could not reach the gateway at ${url}${said}.`,
    fix:
      "Check whether the URL/port is correct and the gateway is running (`openclaw gateway status`).",
    retry: "backoff",
    askToken: false,
  };
}
