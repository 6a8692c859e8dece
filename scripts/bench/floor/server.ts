/**
 * The gateway floor: a bare Hono + WebSocket server (`Deno.serve` + `Deno.upgradeWebSocket`),
 * the same shape of program as the gateway with none of its work. The bench times its start →
 * `/readyz` 200, reads its idle RSS, and uses its WebSocket echo as the round-trip ceiling, in
 * the same run as the gateway (issue 17).
 *
 * Usage: `deno run -A scripts/bench/floor/server.ts <port>`; prints `ready` once listening.
 *
 * @module
 */
import { Hono } from "hono";

const port = Number(Deno.args[0] ?? 0);
const app = new Hono();
app.get("/readyz", (c) => c.json({ ready: true }));
app.get("/health", (c) => c.json({ ok: true }));
app.get("/", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return c.text("floor\n");
  const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
  socket.onmessage = (e) => socket.send(e.data);
  return response;
});

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log("ready") }, app.fetch);
