/**
 * `upgradeWebSocket()` for {@linkcode serveHttp}, shaped like `Deno.upgradeWebSocket`: it
 * validates the handshake headers, returns a CONNECTING {@linkcode ServerWebSocket} and a
 * placeholder response. The server recognises that response when the handler returns it, writes
 * `101 Switching Protocols` and hands the raw connection to the socket.
 *
 * @module
 */
import { ServerWebSocket, type ServerWebSocketOptions } from "./ws_socket.ts";

/** A pending upgrade of one request (internal to the server). */
export interface UpgradeSlot {
  /** The socket handed out, once `upgradeWebSocket` was called. */
  socket?: ServerWebSocket;
  /** The placeholder response the handler must return. */
  response?: Response;
  /** The client's `Sec-WebSocket-Key`. */
  key?: string;
  /** The subprotocol to confirm. */
  protocol?: string;
}

const slots = new WeakMap<Request, UpgradeSlot>();
const KEY = /^[A-Za-z0-9+/]{22}==$/;

/** Registers a request that may be upgraded (called by the server for upgrade-looking requests). */
export function allowUpgrade(req: Request): UpgradeSlot {
  const slot: UpgradeSlot = {};
  slots.set(req, slot);
  return slot;
}

function hasToken(value: string | null, token: string): boolean {
  if (value === null) return false;
  for (const part of value.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/**
 * Upgrades a request received by {@linkcode serveHttp} to a WebSocket. Return `response` from the
 * handler; the socket opens (`onopen`) after the server has written the 101. Throws a TypeError
 * for a request that is not a valid WebSocket handshake, like `Deno.upgradeWebSocket`.
 */
export function upgradeWebSocket(
  req: Request,
  options: ServerWebSocketOptions = {},
): { socket: ServerWebSocket; response: Response } {
  const h = req.headers;
  if (req.method !== "GET") throw new TypeError("Invalid method: WebSocket upgrade needs GET");
  if (!hasToken(h.get("upgrade"), "websocket")) {
    throw new TypeError("Invalid Header: 'upgrade' header must contain 'websocket'");
  }
  if (!hasToken(h.get("connection"), "upgrade")) {
    throw new TypeError("Invalid Header: 'connection' header must contain 'Upgrade'");
  }
  if (h.get("sec-websocket-version") !== "13") {
    throw new TypeError("Invalid Header: 'sec-websocket-version' header must be '13'");
  }
  const key = h.get("sec-websocket-key");
  if (key === null || !KEY.test(key)) {
    throw new TypeError("Invalid Header: 'sec-websocket-key' header must be set");
  }
  const protocol = options.protocol;
  if (
    protocol !== undefined && !hasToken(h.get("sec-websocket-protocol"), protocol.toLowerCase())
  ) {
    throw new TypeError(`Protocol "${protocol}" not in the request's protocol list`);
  }
  const slot = slots.get(req);
  if (!slot) throw new TypeError("Request was not received by serveHttp (or was cloned)");
  if (slot.socket) throw new TypeError("Request already upgraded");
  const socket = new ServerWebSocket(options);
  const response = new Response(null, { status: 200 });
  // Report 101 like Deno's upgrade response; the server writes the real status line.
  Object.defineProperty(response, "status", { value: 101 });
  slot.socket = socket;
  slot.response = response;
  slot.key = key;
  slot.protocol = protocol;
  return { socket, response };
}

/** The upgrade slot of a request, if it had one and `upgradeWebSocket` was called on it. */
export function upgradeSlotOf(req: Request): UpgradeSlot | undefined {
  const slot = slots.get(req);
  return slot?.socket ? slot : undefined;
}
