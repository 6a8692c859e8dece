/**
 * Turning a bind mode into the address to listen on.
 *
 * @module
 */
import { OpenClawError } from "../lib/errors.ts";
import type { BindMode } from "../lib/paths.ts";
import { runCommand } from "../lib/service/exec.ts";

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Asks Tailscale for this machine's tailnet IPv4 (`tailscale ip -4`), with a deadline so a hung
 * daemon cannot hold up the start.
 */
async function tailscaleIPv4(): Promise<string | undefined> {
  // Only a tailnet bind needs Tailscale's module: the others start without it.
  const { TAILSCALE_CALL_TIMEOUT_MS } = await import("../lib/discovery/tailnet.ts");
  const out = await runCommand("tailscale", ["ip", "-4"], { timeoutMs: TAILSCALE_CALL_TIMEOUT_MS });
  if (out.code !== 0) return undefined;
  return out.stdout.split("\n").map((l) => l.trim()).find((l) => IPV4.test(l));
}

/**
 * Returns the address for a bind mode: loopback -> 127.0.0.1, lan -> 0.0.0.0, tailnet -> the
 * Tailscale IPv4, custom -> `gateway.customBindHost`, auto -> loopback.
 *
 * @throws {OpenClawError} `BIND_TAILNET_UNAVAILABLE` when Tailscale gives no address,
 *   `BIND_CUSTOM_HOST_MISSING` when custom has no valid host.
 */
export async function resolveBindHost(mode: BindMode, customBindHost?: string): Promise<string> {
  switch (mode) {
    case "loopback":
    case "auto":
      return "127.0.0.1";
    case "lan":
      return "0.0.0.0";
    case "tailnet": {
      const ip = await tailscaleIPv4();
      if (!ip) {
        throw new OpenClawError(
          "BIND_TAILNET_UNAVAILABLE",
          "Cannot bind to tailnet: `tailscale ip -4` gave no address (is Tailscale installed and up?)",
          { hint: "Start Tailscale (tailscale up), or use --bind loopback / lan" },
        );
      }
      return ip;
    }
    case "custom": {
      const host = customBindHost?.trim();
      if (!host || !IPV4.test(host)) {
        throw new OpenClawError(
          "BIND_CUSTOM_HOST_MISSING",
          `Cannot bind to custom: gateway.customBindHost is ${
            host ? `"${host}", not an IPv4 address` : "not set"
          }`,
          { hint: "openclaw config set gateway.customBindHost 192.168.1.10" },
        );
      }
      return host;
    }
  }
}
