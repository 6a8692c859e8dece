/**
 * Finding the SecretRefs in a config: where each one sits (its dotted path) and whether the
 * surface it belongs to is active. Refs on inactive surfaces (a disabled channel, the remote
 * credentials of a local gateway) never block a start; they are reported as warnings instead.
 *
 * @module
 */
import { formatConfigPath, type PathSegment } from "../config/path.ts";
import { isSecretRef, normalizeSecretRef, type SecretRef } from "./ref.ts";

/** One SecretRef found in a config. */
export interface SecretRefUse {
  /** Dotted config path, e.g. `gateway.auth.token`. */
  path: string;
  segments: PathSegment[];
  ref: SecretRef;
  /** False on a surface that is switched off; such refs are not resolved. */
  active: boolean;
  /** Why the ref is inactive. */
  inactiveReason?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `gateway.remote.*` credentials are what this machine sends to another gateway; a local gateway
 * only needs them when it is set up to act as a remote client.
 */
function remoteSurfaceActive(config: Record<string, unknown>): boolean {
  const gw = isRecord(config.gateway) ? config.gateway : {};
  const remote = isRecord(gw.remote) ? gw.remote : {};
  const tailscale = isRecord(gw.tailscale) ? gw.tailscale : {};
  if (remote.enabled === false) return false;
  return gw.mode === "remote" || typeof remote.url === "string" ||
    tailscale.mode === "serve" || tailscale.mode === "funnel";
}

/**
 * Returns every SecretRef in `config` with its path, in document order. The `secrets` section
 * itself is skipped: it configures providers and holds no credentials.
 */
export function collectSecretRefs(config: unknown): SecretRefUse[] {
  const out: SecretRefUse[] = [];
  if (!isRecord(config)) return out;
  const remoteActive = remoteSurfaceActive(config);
  const visit = (node: unknown, segments: PathSegment[], inactive: string | undefined) => {
    if (isSecretRef(node)) {
      out.push({
        path: formatConfigPath(segments),
        segments,
        ref: normalizeSecretRef(node),
        active: inactive === undefined,
        ...(inactive === undefined ? {} : { inactiveReason: inactive }),
      });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...segments, i], inactive));
      return;
    }
    if (!isRecord(node)) return;
    let why = inactive;
    if (why === undefined && node.enabled === false && segments.length > 0) {
      why = `${formatConfigPath(segments)} is disabled`;
    }
    for (const [key, value] of Object.entries(node)) {
      if (segments.length === 0 && key === "secrets") continue;
      const next = [...segments, key];
      let childWhy = why;
      if (
        childWhy === undefined && !remoteActive && next.length === 2 && next[0] === "gateway" &&
        key === "remote"
      ) {
        childWhy = "gateway.remote is not used by a local gateway";
      }
      visit(value, next, childWhy);
    }
  };
  visit(config, [], undefined);
  return out;
}
