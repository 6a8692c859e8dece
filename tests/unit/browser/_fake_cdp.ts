/**
 * A tiny CDP endpoint for unit tests: a WebSocket server on 127.0.0.1 that hands each command
 * to the test's handler, which answers (or not) through the socket.
 */

/** A command as the client sent it. */
export interface CdpCommand {
  id: number;
  method: string;
  params?: Record<string, unknown>;
  sessionId?: string;
}

/** A running fake endpoint. */
export interface FakeCdp extends AsyncDisposable {
  /** `ws://127.0.0.1:<port>/devtools/browser/fake`. */
  url: string;
  received: CdpCommand[];
  /** Sends a raw frame to every connected client. */
  push(frame: unknown): void;
}

/** Starts the endpoint; `handler` answers each command (return nothing to stay silent). */
export function startFakeCdp(
  handler: (cmd: CdpCommand) => unknown,
): FakeCdp {
  const sockets = new Set<WebSocket>();
  const received: CdpCommand[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => sockets.add(socket);
    socket.onclose = () => sockets.delete(socket);
    socket.onmessage = (e) => {
      const cmd = JSON.parse(String(e.data)) as CdpCommand;
      received.push(cmd);
      const answer = handler(cmd);
      if (answer !== undefined) {
        socket.send(typeof answer === "string" ? answer : JSON.stringify(answer));
      }
    };
    return response;
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: `ws://127.0.0.1:${port}/devtools/browser/fake`,
    received,
    push(frame) {
      const text = typeof frame === "string" ? frame : JSON.stringify(frame);
      for (const s of sockets) s.send(text);
    },
    async [Symbol.asyncDispose]() {
      for (const s of sockets) s.close();
      await server.shutdown();
    },
  };
}
