/**
 * Browser CDP port spacing for `security audit`: two profiles on one CDP port, or a profile on
 * the gateway's own ports, means one browser can attach to (and drive) another profile's
 * session. Reuses the `doctor` check's logic ({@link browserPortFindings}) so both commands
 * agree; one finding id, `browser.cdp_port_collision`.
 *
 * @module
 */
import { browserPortFindings } from "../browser/doctor_check.ts";
import { resolveGatewayPort } from "../paths.ts";
import { valueAt } from "./_util.ts";
import type { AuditContext } from "./context.ts";
import type { SecurityFinding } from "./types.ts";

/** The finding id for colliding CDP ports. */
export const CDP_PORT_COLLISION_CHECK_ID = "browser.cdp_port_collision";

/**
 * Warns once per colliding port: profiles sharing a CDP port, or a profile's port inside the
 * gateway's block (gateway ... gateway+10). Nothing without a `browser` section or with an
 * invalid gateway port (config validation reports that).
 */
export function collectBrowserFindings(ctx: AuditContext): SecurityFinding[] {
  const browser = valueAt(ctx.config, "browser");
  if (browser === undefined) return [];
  const configPort = valueAt(ctx.config, "gateway", "port");
  let port: number;
  try {
    port = resolveGatewayPort({
      configPort: typeof configPort === "number" ? configPort : undefined,
      env: ctx.env,
    }).port;
  } catch {
    return [];
  }
  return browserPortFindings(browser, port).map((f) => ({
    checkId: CDP_PORT_COLLISION_CHECK_ID,
    severity: "warn",
    title: "Browser CDP ports collide",
    detail: f.message,
    remediation: f.fix ?? "Give each browser profile its own cdpPort",
  }));
}
