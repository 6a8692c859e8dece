/**
 * The browser's ports, derived from the gateway's port the way stock derives them (reference
 * discovery.md §4.2): the control service is `gateway + 2`, the managed CDP range starts 9 above
 * it (`gateway + 11`) and spans 100 ports. Every port comes from the gateway's *actual* port, so
 * a second gateway on another port gets its own range (stock bug #10563 hard-coded 18791).
 *
 * @module
 */

/** Stock's default control port (`18789 + 2`). */
export const DEFAULT_BROWSER_CONTROL_PORT = 18791;
/** First port of stock's default CDP range. */
export const DEFAULT_CDP_PORT_RANGE_START = 18800;
/** Last port of stock's default CDP range. */
export const DEFAULT_CDP_PORT_RANGE_END = 18899;
/** Ports in a CDP range, minus one. */
const RANGE_SPAN = DEFAULT_CDP_PORT_RANGE_END - DEFAULT_CDP_PORT_RANGE_START;

/** An inclusive port range. */
export interface PortRange {
  start: number;
  end: number;
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n <= 65535;
}

/**
 * The browser control port of a gateway: `gatewayPort + 2`, or 18791 when that is no port.
 *
 * @example
 * ```ts
 * deriveBrowserControlPort(18789); // 18791
 * ```
 */
export function deriveBrowserControlPort(gatewayPort: number): number {
  const port = gatewayPort + 2;
  return isPort(port) ? port : DEFAULT_BROWSER_CONTROL_PORT;
}

/**
 * The managed CDP range of a control port: `controlPort + 9` for 100 ports; when that would pass
 * 65535, stock's default 18800-18899.
 *
 * @example
 * ```ts
 * deriveCdpPortRange(18791); // { start: 18800, end: 18899 }
 * ```
 */
export function deriveCdpPortRange(controlPort: number): PortRange {
  const start = controlPort + 9;
  if (!isPort(start) || start + RANGE_SPAN > 65535) {
    return { start: DEFAULT_CDP_PORT_RANGE_START, end: DEFAULT_CDP_PORT_RANGE_END };
  }
  return { start, end: start + RANGE_SPAN };
}

/** The managed CDP range of a gateway port (`deriveCdpPortRange(deriveBrowserControlPort(p))`). */
export function cdpPortRangeForGateway(gatewayPort: number): PortRange {
  return deriveCdpPortRange(deriveBrowserControlPort(gatewayPort));
}

/** Two profiles that would use the same CDP port. */
export interface CdpPortCollision {
  port: number;
  profiles: string[];
}

/**
 * Profiles whose CDP ports collide (for `doctor` / `security audit`): each port used by two or
 * more profiles once, with their names in order.
 *
 * @param ports Profile name -> CDP port (profiles without a local port are left out).
 * @returns The collisions, by port.
 */
export function findCdpPortCollisions(ports: ReadonlyMap<string, number>): CdpPortCollision[] {
  const byPort = new Map<number, string[]>();
  for (const [name, port] of ports) {
    const list = byPort.get(port) ?? [];
    list.push(name);
    byPort.set(port, list);
  }
  return [...byPort]
    .filter(([, names]) => names.length > 1)
    .map(([port, profiles]) => ({ port, profiles }))
    .sort((a, b) => a.port - b.port);
}

/**
 * True when the ports one gateway instance uses (`base` ... `base + 110`: gateway, bridge,
 * control, reserved, the CDP range) overlap another instance's -- the spacing the chapter warns
 * about.
 */
export function gatewayPortBlocksOverlap(baseA: number, baseB: number): boolean {
  const span = (base: number): PortRange => {
    const range = cdpPortRangeForGateway(base);
    return { start: Math.min(base, range.start), end: Math.max(base, range.end) };
  };
  const a = span(baseA);
  const b = span(baseB);
  return a.start <= b.end && b.start <= a.end;
}
