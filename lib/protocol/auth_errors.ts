/**
 * Connect-time failures: shared-secret auth (§4.6), device proof (§4.5), missing device identity
 * (§4.4) and pairing (§4.5). Every message, `details.code` and next step matches stock, because
 * stock clients decide how to reconnect from them.
 *
 * @module
 */
import type { ErrorShape } from "./frames.ts";
import { ErrorCode, errorShape } from "./error_shape.ts";

/** Why shared-secret or token auth failed (the `authReason` of §4.6). */
export type AuthReason =
  | "token_missing"
  | "token_mismatch"
  | "token_missing_config"
  | "password_missing"
  | "password_mismatch"
  | "password_missing_config"
  | "device_token_mismatch"
  | "scope_mismatch"
  | "bootstrap_token_invalid"
  | "rate_limited"
  | "tailscale_user_missing"
  | "tailscale_proxy_missing"
  | "tailscale_whois_failed"
  | "tailscale_user_mismatch"
  | `trusted_proxy_missing_header_${string}`;

/** `details.code` for each auth reason; no reason -> `AUTH_REQUIRED`, unknown -> `AUTH_UNAUTHORIZED`. */
const AUTH_DETAIL_CODES: Readonly<Record<string, string>> = {
  token_missing: "AUTH_TOKEN_MISSING",
  token_mismatch: "AUTH_TOKEN_MISMATCH",
  token_missing_config: "AUTH_TOKEN_NOT_CONFIGURED",
  password_missing: "AUTH_PASSWORD_MISSING",
  password_mismatch: "AUTH_PASSWORD_MISMATCH",
  password_missing_config: "AUTH_PASSWORD_NOT_CONFIGURED",
  bootstrap_token_invalid: "AUTH_BOOTSTRAP_TOKEN_INVALID",
  tailscale_user_missing: "AUTH_TAILSCALE_IDENTITY_MISSING",
  tailscale_proxy_missing: "AUTH_TAILSCALE_PROXY_MISSING",
  tailscale_whois_failed: "AUTH_TAILSCALE_WHOIS_FAILED",
  tailscale_user_mismatch: "AUTH_TAILSCALE_IDENTITY_MISMATCH",
  rate_limited: "AUTH_RATE_LIMITED",
  device_token_mismatch: "AUTH_DEVICE_TOKEN_MISMATCH",
  scope_mismatch: "AUTH_SCOPE_MISMATCH",
};

/** Returns the `details.code` for an auth failure reason. */
function authDetailCode(reason: string | undefined): string {
  if (reason === undefined) return "AUTH_REQUIRED";
  if (reason.startsWith("trusted_proxy_missing_header_")) return "AUTH_IDENTITY_HEADER_REQUIRED";
  return Object.hasOwn(AUTH_DETAIL_CODES, reason) ? AUTH_DETAIL_CODES[reason] : "AUTH_UNAUTHORIZED";
}

/** What a client should do after an auth failure (`details.recommendedNextStep`). */
type RecommendedNextStep =
  | "retry_with_device_token"
  | "update_auth_configuration"
  | "update_auth_credentials"
  | "wait_then_retry"
  | "review_auth_configuration";

/** Returns the next step stock recommends for an auth failure. */
function recommendedNextStep(
  reason: string | undefined,
  canRetryWithDeviceToken = false,
): RecommendedNextStep {
  if (canRetryWithDeviceToken) return "retry_with_device_token";
  switch (reason) {
    case "token_missing":
    case "token_missing_config":
    case "password_missing":
    case "password_missing_config":
      return "update_auth_configuration";
    case "token_mismatch":
    case "password_mismatch":
    case "device_token_mismatch":
      return "update_auth_credentials";
    case "rate_limited":
      return "wait_then_retry";
    default:
      return "review_auth_configuration";
  }
}

/** Which credential a connect carried, in stock's order of preference. */
export type AuthProvidedKind = "password" | "token" | "bootstrap-token" | "device-token" | "none";

/** The credential fields of `connect.params.auth`. */
export interface AuthCredentials {
  token?: string;
  password?: string;
  bootstrapToken?: string;
  deviceToken?: string;
}

/** Classifies the credential a connect carried (password wins, then token, bootstrap, device). */
export function authProvidedKind(auth: AuthCredentials | undefined): AuthProvidedKind {
  if (auth?.password) return "password";
  if (auth?.token) return "token";
  if (auth?.bootstrapToken) return "bootstrap-token";
  if (auth?.deviceToken) return "device-token";
  return "none";
}

/**
 * True when a token mismatch may be retried with the stored device token: the client has a
 * device identity, sent a token, and did not already send a device token.
 */
export function canRetryWithDeviceToken(input: {
  reason: string | undefined;
  auth: AuthCredentials | undefined;
  hasDeviceIdentity: boolean;
}): boolean {
  return input.reason === "token_mismatch" && input.hasDeviceIdentity &&
    authProvidedKind(input.auth) === "token" && !input.auth?.deviceToken;
}

/** What the auth failure message depends on besides the reason. */
export interface AuthMessageContext {
  /** `gateway.auth.mode`. */
  authMode?: string;
  /** @default "none" */
  authProvided?: AuthProvidedKind;
  /** The connecting client, to tailor the hint (CLI, Control UI, webchat, other). */
  client?: { id?: string; mode?: string };
  /** A CLI on this host shares our config, so `gateway.remote.*` hints would mislead it. */
  isLocalClient?: boolean;
}

const SETUP_CODE_REJECTED = "unauthorized: setup code invalid, expired, revoked, or already used " +
  "(create a new code; review `openclaw devices list`)";
const TAILSCALE_HINT = "(use Tailscale Serve auth or gateway token/password)";

/** Builds the human message of an auth failure, word for word as stock does. */
function authFailureMessage(
  reason: string | undefined,
  ctx: AuthMessageContext = {},
): string {
  const { authMode, client, isLocalClient } = ctx;
  const authProvided = ctx.authProvided ?? "none";
  const isCli = client?.mode === "cli";
  const isOperatorUi = client?.id === "openclaw-control-ui" || client?.id === "openclaw-tui";
  const isWebchat = client?.mode === "webchat" || client?.id === "webchat-ui";
  const ui = isOperatorUi || isWebchat;
  const tokenHint = isCli
    ? isLocalClient
      ? "use this gateway's gateway.auth.token or pair the device"
      : "set gateway.remote.token to match gateway.auth.token"
    : ui
    ? "open the dashboard URL and paste the token in Control UI settings"
    : "provide gateway auth token";
  const passwordHint = isCli
    ? isLocalClient
      ? "use this gateway's gateway.auth.password"
      : "set gateway.remote.password to match gateway.auth.password"
    : ui
    ? "enter the password in Control UI settings"
    : "provide gateway auth password";
  switch (reason) {
    case "token_missing": {
      const hint = ui
        ? "paste in Control UI settings or openclaw doctor --generate-gateway-token; restart"
        : tokenHint;
      return `unauthorized: gateway token missing (${hint})`;
    }
    case "token_mismatch":
      return `unauthorized: gateway token mismatch (${tokenHint})`;
    case "token_missing_config":
      return "unauthorized: gateway token not configured on gateway (set gateway.auth.token)";
    case "password_missing":
      return `unauthorized: gateway password missing (${passwordHint})`;
    case "password_mismatch":
      return `unauthorized: gateway password mismatch (${passwordHint})`;
    case "password_missing_config":
      return "unauthorized: gateway password not configured on gateway (set gateway.auth.password)";
    case "bootstrap_token_invalid":
      return SETUP_CODE_REJECTED;
    case "tailscale_user_missing":
      return `unauthorized: tailscale identity missing ${TAILSCALE_HINT}`;
    case "tailscale_proxy_missing":
      return "unauthorized: tailscale proxy headers missing " +
        "(use Tailscale Serve or gateway token/password)";
    case "tailscale_whois_failed":
      return `unauthorized: tailscale identity check failed ${TAILSCALE_HINT}`;
    case "tailscale_user_mismatch":
      return `unauthorized: tailscale identity mismatch ${TAILSCALE_HINT}`;
    case "rate_limited":
      return "unauthorized: too many failed authentication attempts (retry later)";
    case "device_token_mismatch":
      return "unauthorized: device token mismatch (rotate/reissue device token)";
    case "scope_mismatch":
      return "unauthorized: device token scope mismatch (re-pair or approve scope upgrade)";
  }
  if (authMode === "token" && authProvided === "none") {
    return `unauthorized: gateway token missing (${tokenHint})`;
  }
  if (authMode === "token" && authProvided === "device-token") {
    return "unauthorized: device token rejected (pair/repair this device, or provide gateway token)";
  }
  if (authProvided === "bootstrap-token") return SETUP_CODE_REJECTED;
  if (authMode === "password" && authProvided === "none") {
    return `unauthorized: gateway password missing (${passwordHint})`;
  }
  return "unauthorized";
}

/** Options of {@linkcode authFailureError}. */
export interface AuthFailureOptions extends AuthMessageContext {
  /** See {@linkcode canRetryWithDeviceToken}. @default false */
  canRetryWithDeviceToken?: boolean;
  /** Lockout left when `reason` is `rate_limited`; makes the error retryable. */
  rateLimitedRetryAfterMs?: number;
  /** Overrides the computed message. */
  message?: string;
}

/**
 * `INVALID_REQUEST` auth failure with details `{code, authReason, canRetryWithDeviceToken,
 * recommendedNextStep}` (§4.6); when rate limited also `retryable:true` and `retryAfterMs`. The
 * socket is then closed 1008 with the message (see `truncateCloseReason`).
 */
export function authFailureError(
  reason: AuthReason | string | undefined,
  options: AuthFailureOptions = {},
): ErrorShape {
  const canRetry = options.canRetryWithDeviceToken ?? false;
  const details: Record<string, unknown> = { code: authDetailCode(reason) };
  if (reason !== undefined) details.authReason = reason;
  details.canRetryWithDeviceToken = canRetry;
  details.recommendedNextStep = recommendedNextStep(reason, canRetry);
  const limited = reason === "rate_limited" && options.rateLimitedRetryAfterMs !== undefined;
  return errorShape(
    ErrorCode.INVALID_REQUEST,
    options.message ?? authFailureMessage(reason, options),
    limited ? { details, retryable: true, retryAfterMs: options.rateLimitedRetryAfterMs } : {
      details,
    },
  );
}

/** Why a device proof was refused (`details.reason`). */
export type DeviceAuthReason =
  | "device-id-mismatch"
  | "device-signature-stale"
  | "device-nonce-missing"
  | "device-nonce-mismatch"
  | "device-signature"
  | "device-public-key";

/** Message and `details.code` of each device proof failure (§4.5 table). */
export const DEVICE_AUTH_FAILURES: Readonly<
  Record<DeviceAuthReason, { message: string; code: string }>
> = {
  "device-id-mismatch": {
    message: "device identity mismatch",
    code: "DEVICE_AUTH_DEVICE_ID_MISMATCH",
  },
  "device-signature-stale": {
    message: "device signature expired",
    code: "DEVICE_AUTH_SIGNATURE_EXPIRED",
  },
  "device-nonce-missing": { message: "device nonce required", code: "DEVICE_AUTH_NONCE_REQUIRED" },
  "device-nonce-mismatch": {
    message: "device nonce mismatch",
    code: "DEVICE_AUTH_NONCE_MISMATCH",
  },
  "device-signature": {
    message: "device signature invalid",
    code: "DEVICE_AUTH_SIGNATURE_INVALID",
  },
  "device-public-key": {
    message: "device public key invalid",
    code: "DEVICE_AUTH_PUBLIC_KEY_INVALID",
  },
};

/** `INVALID_REQUEST` device proof failure with details `{code, reason}`; close 1008 with the message. */
export function deviceAuthError(reason: DeviceAuthReason): ErrorShape {
  const { message, code } = DEVICE_AUTH_FAILURES[reason];
  return errorShape(ErrorCode.INVALID_REQUEST, message, { details: { code, reason } });
}

/** `NOT_PAIRED` "device identity required" (close 1008 with the same text). */
export function deviceIdentityRequiredError(): ErrorShape {
  return errorShape(ErrorCode.NOT_PAIRED, "device identity required", {
    details: { code: "DEVICE_IDENTITY_REQUIRED" },
  });
}

/** `INVALID_REQUEST` for a Control UI connect without a device identity (close 1008). */
export function controlUiDeviceIdentityRequiredError(): ErrorShape {
  return errorShape(
    ErrorCode.INVALID_REQUEST,
    "control ui requires device identity (use HTTPS or localhost secure context)",
    { details: { code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED" } },
  );
}

/** Why a device needs (re-)approval. */
export type PairingReason = "not-paired" | "role-upgrade" | "scope-upgrade" | "metadata-upgrade";

/** Requirement text and remediation hint for each pairing reason. */
const PAIRING_REASONS: Readonly<
  Record<PairingReason, { requirement: string; remediationHint: string }>
> = {
  "not-paired": {
    requirement: "device is not approved yet",
    remediationHint: "Approve this device from the pending pairing requests.",
  },
  "role-upgrade": {
    requirement: "device is asking for a higher role than currently approved",
    remediationHint: "Review the requested role upgrade, then approve the pending request.",
  },
  "scope-upgrade": {
    requirement: "device is asking for more scopes than currently approved",
    remediationHint: "Review the requested scopes, then approve the pending upgrade.",
  },
  "metadata-upgrade": {
    requirement: "device identity changed and must be re-approved",
    remediationHint: "Review the refreshed device details, then approve the pending request.",
  },
};

/** Facts about a pending pairing request. */
export interface PairingRequiredInput {
  reason: PairingReason;
  deviceId: string;
  requestedRole: string;
  requestedScopes: readonly string[];
  requestId?: string;
  approvedRoles?: readonly string[];
  approvedScopes?: readonly string[];
  recommendedNextStep?: string;
  retryable?: boolean;
  pauseReconnect?: boolean;
  /**
   * The command that approves the request (`openclaw devices approve <requestId>`): added to the
   * remediation hint, and to the message of a device that is not paired yet, so whoever sees
   * the refusal knows what to run on the gateway host.
   */
  approveCommand?: string;
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** `NOT_PAIRED` "pairing required: <requirement>" with details `{code:"PAIRING_REQUIRED", ...}`. */
export function pairingRequiredError(input: PairingRequiredInput): ErrorShape {
  const meta = PAIRING_REASONS[input.reason];
  const details: Record<string, unknown> = { code: "PAIRING_REQUIRED", reason: input.reason };
  if (input.requestId && REQUEST_ID.test(input.requestId)) details.requestId = input.requestId;
  details.remediationHint = input.approveCommand
    ? `${meta.remediationHint} Run on the gateway host: ${input.approveCommand}`
    : meta.remediationHint;
  if (input.recommendedNextStep) details.recommendedNextStep = input.recommendedNextStep;
  if (input.retryable !== undefined) details.retryable = input.retryable;
  if (input.pauseReconnect !== undefined) details.pauseReconnect = input.pauseReconnect;
  details.deviceId = input.deviceId;
  details.requestedRole = input.requestedRole;
  details.requestedScopes = [...input.requestedScopes];
  if (input.approvedRoles) details.approvedRoles = [...input.approvedRoles];
  if (input.approvedScopes) details.approvedScopes = [...input.approvedScopes];
  const message = input.approveCommand && input.reason === "not-paired"
    ? `pairing required: ${meta.requirement} (run on the gateway host: ${input.approveCommand})`
    : `pairing required: ${meta.requirement}`;
  return errorShape(ErrorCode.NOT_PAIRED, message, { details });
}

/** Close reason after a pairing failure: "pairing required: ... (requestId: <id>)". */
export function pairingCloseReason(reason: PairingReason, requestId?: string): string {
  const message = `pairing required: ${PAIRING_REASONS[reason].requirement}`;
  return requestId && REQUEST_ID.test(requestId) ? `${message} (requestId: ${requestId})` : message;
}
