/**
 * What the bench's gateway clients share: a bounded wait, and an authenticated operator socket
 * with request/answer matching by id.
 *
 * @module
 */
import { connectFrame, openSocket, WARM_UP_CONNECTIONS } from "./gateway.ts";

/** Resolves with `p`, or rejects after `ms` (the timer is cleared either way). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** An operator connection from {@linkcode operator}. */
export interface Operator {
  ws: WebSocket;
  /** Sends one request and waits for its answer (events in between are skipped). */
  call(method: string, params?: unknown, timeoutMs?: number): Promise<unknown>;
}

/** Opens an authenticated operator socket (`operator.read`, token auth) to the gateway. */
export async function operator(port: number, token: string): Promise<Operator> {
  const { ws, next } = await within(
    openSocket(`ws://127.0.0.1:${port}`),
    10_000,
    "websocket open",
  );
  await within(next(), 10_000, "connect.challenge");
  ws.send(connectFrame(token));
  const deadline = performance.now() + 10_000;
  while (true) {
    const text = await within(next(), Math.max(1, deadline - performance.now()), "hello-ok");
    if (text.includes('"hello-ok"')) break;
    if (text.startsWith('{"type":"res"')) throw new Error(`connect refused: ${text.slice(0, 200)}`);
  }
  let seq = 0;
  const call = async (method: string, params: unknown = {}, timeoutMs = 10_000) => {
    const id = `r${seq++}`;
    ws.send(JSON.stringify({ type: "req", id, method, params }));
    const prefix = `{"type":"res","id":"${id}"`;
    const end = performance.now() + timeoutMs;
    while (true) {
      const left = end - performance.now();
      if (left <= 0) throw new Error(`${method}: no answer within ${timeoutMs} ms`);
      const text = await within(next(), left, method);
      if (text.startsWith(prefix)) {
        const res = JSON.parse(text) as { ok: boolean; payload?: unknown; error?: unknown };
        if (!res.ok) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`);
        return res.payload;
      }
    }
  };
  return { ws, call };
}

/** Closes an operator socket and waits (bounded) until it is closed. */
export async function closeOperator(op: Operator): Promise<void> {
  if (op.ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise<void>((r) => op.ws.addEventListener("close", () => r()));
  op.ws.close();
  await within(closed, 5_000, "close").catch(() => {});
}

/**
 * The gateway's side of the floor's warm-up (scripts/bench/gateway.ts `floorIdleRss`:
 * {@linkcode WARM_UP_CONNECTIONS} WebSocket connections, one echo each): as many operator connections, each a `connect` handshake and
 * one `health` call, closed. Idle RSS compares two servers that have served the same clients;
 * one that never served anyone would not have loaded its request path.
 */
export async function warmUp(port: number, token: string): Promise<void> {
  for (let i = 0; i < WARM_UP_CONNECTIONS; i++) {
    const op = await operator(port, token);
    try {
      await op.call("health");
    } finally {
      await closeOperator(op);
    }
  }
}
