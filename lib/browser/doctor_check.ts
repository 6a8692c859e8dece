/**
 * `browser.ports` for `openclaw doctor`: the browser profiles' CDP ports, derived from the
 * gateway port, must not collide with each other nor land on the gateway's own block (gateway,
 * bridge, control service, reserved: base ... base+10). Register it with one export line in
 * lib/doctor/checks/mod.ts.
 *
 * @module
 */
import type { DoctorCheck, DoctorFinding } from "../doctor/types.ts";
import { BrowserSchema } from "../config/schema/browser.ts";
import { resolveGatewayPort } from "../paths.ts";
import { profileCdpPorts, resolveBrowserSettings } from "./config.ts";
import { findCdpPortCollisions } from "./ports.ts";

/**
 * The port problems of a `browser` section for a gateway on `gatewayPort`.
 *
 * @param browser The `browser` section as written (invalid sections give no findings here:
 *   config validation reports them).
 */
export function browserPortFindings(browser: unknown, gatewayPort: number): DoctorFinding[] {
  const parsed = BrowserSchema.safeParse(browser ?? {});
  if (!parsed.success) return [];
  const settings = resolveBrowserSettings({ browser: parsed.data }, gatewayPort);
  const ports = profileCdpPorts(settings);
  const out: DoctorFinding[] = [];
  for (const c of findCdpPortCollisions(ports)) {
    out.push({
      severity: "warn",
      message: `Browser profiles ${
        c.profiles.map((p) => `"${p}"`).join(" and ")
      } use the same CDP port ${c.port}`,
      path: "browser.profiles",
      fix:
        `Give each profile its own cdpPort (free ports: ${settings.cdpRange.start}-${settings.cdpRange.end})`,
    });
  }
  for (const [name, port] of ports) {
    if (port >= gatewayPort && port <= gatewayPort + 10) {
      out.push({
        severity: "warn",
        message:
          `Browser profile "${name}" uses CDP port ${port}, inside the gateway's own ports (${gatewayPort}-${
            gatewayPort + 10
          })`,
        path: `browser.profiles.${name}.cdpPort`,
        fix: `Use a port in ${settings.cdpRange.start}-${settings.cdpRange.end}`,
      });
    }
  }
  return out;
}

/** `browser.ports`. */
export const browserPortsCheck: DoctorCheck = {
  id: "browser.ports",
  title: "Browser CDP ports",
  order: 72,
  needsConfig: true,
  run(ctx) {
    const config = ctx.config.audit.config;
    const browser = config.browser;
    if (browser === undefined) return Promise.resolve({ skip: "No browser section" });
    const gw = typeof config.gateway === "object" && config.gateway !== null
      ? (config.gateway as { port?: unknown }).port
      : undefined;
    let port: number;
    try {
      port = resolveGatewayPort({
        configPort: typeof gw === "number" ? gw : undefined,
        env: ctx.env,
      }).port;
    } catch {
      return Promise.resolve({ skip: "The gateway port is invalid" });
    }
    return Promise.resolve(browserPortFindings(browser, port));
  },
};
