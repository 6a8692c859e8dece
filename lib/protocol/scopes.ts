/**
 * Operator scopes: the closed set, what each implies, which scope each event needs, and which
 * methods count as control-plane writes (each method's own scope is in the gateway's registry) (reference/protocol.md §5, §7.2, §8).
 * Everything unknown fails closed to `operator.admin`.
 *
 * @module
 */

/** The closed set of operator scopes. */
export const OPERATOR_SCOPES = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.sessions.read",
  "operator.sessions.write",
  "operator.approvals",
  "operator.questions",
  "operator.pairing",
  "operator.talk",
  "operator.talk.secrets",
] as const;
/** One of {@link OPERATOR_SCOPES}. */
export type OperatorScope = typeof OPERATOR_SCOPES[number];

/** `operator.admin`: satisfies every scope. */
export const ADMIN_SCOPE = "operator.admin";
/** `operator.read`. */
export const READ_SCOPE = "operator.read";
/** `operator.write`. */
export const WRITE_SCOPE = "operator.write";
/** `operator.pairing`: device and DM pairing approvals (`operator.admin` implies it). */
export const PAIRING_SCOPE = "operator.pairing";

/**
 * Scopes each granted scope satisfies besides itself (admin satisfies all, handled apart).
 * `sessions.write => sessions.read` is not in §5 but is what stock does.
 */
const SCOPE_IMPLICATIONS: Readonly<
  Partial<Record<OperatorScope, readonly OperatorScope[]>>
> = {
  "operator.write": [
    "operator.read",
    "operator.talk",
    "operator.sessions.read",
    "operator.sessions.write",
  ],
  "operator.read": ["operator.sessions.read"],
  "operator.sessions.write": ["operator.sessions.read"],
};

/** The CLI's fallback scope set when a command has no least-privilege scope (§4.2). */
export const CLI_DEFAULT_OPERATOR_SCOPES: readonly OperatorScope[] = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.approvals",
  "operator.questions",
  "operator.pairing",
  "operator.talk.secrets",
];

/** Returns true for a member of the closed operator scope set. */
export function isOperatorScope(value: unknown): value is OperatorScope {
  return typeof value === "string" && (OPERATOR_SCOPES as readonly string[]).includes(value);
}

/** Returns true when `granted` satisfies the single scope `required`, implications included. */
export function scopeSatisfied(required: string, granted: readonly string[]): boolean {
  if (!required.startsWith("operator.")) return false;
  if (granted.includes(required) || granted.includes(ADMIN_SCOPE)) return true;
  return granted.some((g) =>
    isOperatorScope(g) && (SCOPE_IMPLICATIONS[g]?.includes(required as OperatorScope) ?? false)
  );
}

/** Returns true when `granted` satisfies every scope in `required`. */
export function scopesSatisfy(
  granted: readonly string[],
  required: string | readonly string[],
): boolean {
  const all = typeof required === "string" ? [required] : required;
  return all.every((scope) => scopeSatisfied(scope, granted));
}

/**
 * Method prefixes that belong to `operator.admin` (§5). The gateway's method registry holds each
 * method's scope; its tests check that nothing under these prefixes asks for less, except the
 * read-only config methods.
 */
export const ADMIN_METHOD_PREFIXES = ["config.", "exec.approvals.", "wizard.", "update."] as const;

/** Admin-prefixed methods that only read (`operator.read`). */
export const READ_ONLY_ADMIN_PREFIXED_METHODS: ReadonlySet<string> = new Set([
  "config.get",
  "config.schema",
  "config.schema.lookup",
]);

/** Methods under the control-plane write rate limit. */
const CONTROL_PLANE_WRITE_METHODS: ReadonlySet<string> = new Set([
  "config.apply",
  "config.patch",
  "update.run",
]);

/** The seed's control-plane write budget: 3 requests per 60 s per deviceId + clientIp. */
export const CONTROL_PLANE_WRITE_LIMIT = {
  maxRequests: 3,
  windowMs: 60_000,
  label: "3 per 60s",
} as const;

/** Returns true when `method` counts against the control-plane write budget. */
export function isControlPlaneWrite(method: string): boolean {
  return CONTROL_PLANE_WRITE_METHODS.has(method);
}

/** Scope each event needs to be delivered (§7.2); `null` = every connection, any role. */
const EVENT_SCOPES: Readonly<Record<string, OperatorScope | null>> = {
  // Sent to each socket before auth; listed so gating code never withholds it.
  "connect.challenge": null,
  "tick": null,
  "health": null,
  "heartbeat": null,
  "shutdown": null,
  "gateway.suspension": null,
  "update.available": null,
  "agent": "operator.read",
  "chat": "operator.read",
  "chat.metadata.changed": "operator.read",
  "presence": "operator.read",
  "cron": "operator.read",
  "sessions.changed": "operator.read",
  "session.message": "operator.read",
  "session.observer": "operator.read",
  "session.operation": "operator.read",
  "session.sharing": "operator.read",
  "session.sharing.evidence": "operator.read",
  "session.suggestion": "operator.read",
  "session.typing": "operator.read",
  "session.tool": "operator.read",
  "task": "operator.read",
  "task.suggestion": "operator.read",
  "config.changed": "operator.read",
  "skills.changed": "operator.read",
  "plugins.changed": "operator.read",
  "plugins.controlUi.changed": "operator.read",
  "controlUi.sessionPullRequests.changed": "operator.read",
  "node.presence": "operator.read",
  "node.hostStats": "operator.read",
  "node.runnerInventory.changed": "operator.read",
  "talk.event": "operator.read",
  "models.snapshot": "operator.read",
  "ui.command": "operator.read",
  "users.prefs.changed": "operator.read",
  "voicewake.changed": "operator.read",
  "voicewake.routing.changed": "operator.read",
  "portal.changed": "operator.read",
  "progressCard.changed": "operator.read",
  "mentions.changed": "operator.read",
  "exec.approval.requested": "operator.approvals",
  "exec.approval.resolved": "operator.approvals",
  "plugin.approval.requested": "operator.approvals",
  "plugin.approval.resolved": "operator.approvals",
  "openclaw.approval.requested": "operator.approvals",
  "openclaw.approval.resolved": "operator.approvals",
  "session.approval": "operator.approvals",
  "question.requested": "operator.questions",
  "question.resolved": "operator.questions",
  "device.pair.changed": "operator.pairing",
  "device.pair.requested": "operator.pairing",
  "device.pair.resolved": "operator.pairing",
  "device.pair.setup.completed": "operator.pairing",
  "device.pair.setup.deliveryUncertain": "operator.pairing",
  "node.pair.requested": "operator.pairing",
  "node.pair.resolved": "operator.pairing",
  "terminal.data": "operator.admin",
  "terminal.exit": "operator.admin",
  "update.run.changed": "operator.admin",
  "plugins.install.progress": "operator.admin",
  "talk.mode": "operator.talk",
  "talk.voice.change": "operator.talk",
};

/**
 * Returns the scope an event needs (null = none). Unlisted `plugin.*` events need
 * `operator.write`; any other unlisted event needs `operator.admin` (fail closed).
 */
export function eventRequiredScope(event: string): OperatorScope | null {
  if (Object.hasOwn(EVENT_SCOPES, event)) return EVENT_SCOPES[event];
  return event.startsWith("plugin.") ? WRITE_SCOPE : ADMIN_SCOPE;
}

/**
 * Tells whether a connection may receive an event: scope-free events go to every role,
 * operator-scoped ones only to operators holding the scope (nodes get none of them).
 */
export function canReceiveEvent(
  conn: { role?: string; scopes: readonly string[] },
  event: string,
): boolean {
  const required = eventRequiredScope(event);
  if (required === null) return true;
  return (conn.role ?? "operator") === "operator" && scopeSatisfied(required, conn.scopes);
}
