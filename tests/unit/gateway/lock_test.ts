import assert from "node:assert/strict";
import { findPortListeners, freePort, gatewayLockError } from "../../../gateway/lock.ts";
import { OpenClawError } from "../../../lib/errors.ts";

function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** A real process listening on `port`; dispose kills it if the test did not. */
interface Holder extends AsyncDisposable {
  child: Deno.ChildProcess;
}

async function spawnHolder(port: number, opts: { ignoreTerm?: boolean } = {}): Promise<Holder> {
  const script = `
    ${opts.ignoreTerm ? 'Deno.addSignalListener("SIGTERM", () => {});' : ""}
    const l = Deno.listen({ hostname: "127.0.0.1", port: ${port} });
    console.log("ready");
    for await (const c of l) c.close();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`holder exited before listening on ${port}`);
    seen += value;
  }
  // Keep draining so the child never blocks on a full pipe; ends when the child exits.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return {
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      await child.status;
    },
  };
}

Deno.test("gatewayLockError() carries the seed's message, hint and code", () => {
  const err = gatewayLockError("127.0.0.1", 18789);
  assert.ok(err instanceof OpenClawError);
  assert.equal(err.code, "GATEWAY_LOCKED");
  assert.equal(
    err.message,
    "GatewayLockError: another gateway instance is already listening on ws://127.0.0.1:18789",
  );
  assert.equal(err.hint, "Use --port <other-port>, or --force to stop the process holding it");
  assert.equal(err.exitCode, 1);
  assert.match(gatewayLockError("::1", 1).message, /ws:\/\/\[::1\]:1$/);
});

Deno.test("findPortListeners() returns [] for a port nobody listens on", async () => {
  assert.deepEqual(await findPortListeners(freeTcpPort()), []);
});

Deno.test("findPortListeners() finds a child process's listener and its command", async () => {
  const port = freeTcpPort();
  await using holder = await spawnHolder(port);
  const found = await findPortListeners(port);
  const mine = found.find((l) => l.pid === holder.child.pid);
  assert.ok(mine, `expected pid ${holder.child.pid} in ${JSON.stringify(found)}`);
  assert.match(mine.command, /eval/);
});

Deno.test("freePort() stops a holder with SIGTERM and the port can be bound again", async () => {
  const port = freeTcpPort();
  await using holder = await spawnHolder(port);
  const lines: string[] = [];
  const result = await freePort(port, { graceMs: 5000, log: (l) => lines.push(l) });
  assert.deepEqual(result.killed.map((k) => [k.pid, k.signal]), [[holder.child.pid, "SIGTERM"]]);
  const status = await holder.child.status;
  assert.equal(status.signal, "SIGTERM");
  assert.ok(lines.some((l) => l.startsWith(`force: killed pid ${holder.child.pid}`)), `${lines}`);
  const l = Deno.listen({ hostname: "127.0.0.1", port });
  l.close();
});

Deno.test("freePort() escalates to SIGKILL when the holder ignores SIGTERM", async () => {
  const port = freeTcpPort();
  await using holder = await spawnHolder(port, { ignoreTerm: true });
  const lines: string[] = [];
  const result = await freePort(port, { graceMs: 300, log: (l) => lines.push(l) });
  assert.deepEqual(result.killed.map((k) => [k.pid, k.signal]), [[holder.child.pid, "SIGKILL"]]);
  assert.equal((await holder.child.status).signal, "SIGKILL");
  assert.ok(lines.includes(`force: escalated to SIGKILL while freeing port ${port}`), `${lines}`);
});

Deno.test("freePort() on a free port kills nothing", async () => {
  const port = freeTcpPort();
  const lines: string[] = [];
  assert.deepEqual(await freePort(port, { log: (l) => lines.push(l) }), { killed: [] });
  assert.deepEqual(lines, [`force: no listeners on port ${port}`]);
});

Deno.test("freePort() never signals itself and reports PORT_BUSY naming the pid", async () => {
  const port = freeTcpPort();
  const mine = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    await assert.rejects(freePort(port, { graceMs: 100 }), (err: unknown) => {
      assert.ok(err instanceof OpenClawError);
      assert.equal(err.code, "PORT_BUSY");
      assert.match(
        err.message,
        new RegExp(`^Cannot free port ${port}: still held by pid ${Deno.pid}`),
      );
      assert.match(err.message, /this process/);
      return true;
    });
  } finally {
    mine.close();
  }
});

Deno.test("freePort() rejects a negative grace period", async () => {
  await assert.rejects(freePort(1, { graceMs: -1 }), RangeError);
});
