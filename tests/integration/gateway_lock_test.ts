import assert from "node:assert/strict";
import { makeSandbox, spawnGateway, startGateway } from "../helpers.ts";

const CONFIG = `{ gateway: { mode: "local", auth: { token: "lock-test-token" } } }`;

Deno.test("a second gateway on the same port fails fast with GatewayLockError", async () => {
  await using sb = await makeSandbox();
  await using first = await startGateway(sb, CONFIG);
  const second = spawnGateway(sb, ["--port", String(first.port)]);
  const code = (await second.child.status).code;
  await second.stop();
  assert.equal(code, 1);
  assert.match(
    second.output(),
    new RegExp(
      `GatewayLockError: another gateway instance is already listening on ws://127\\.0\\.0\\.1:${first.port}`,
    ),
  );
  assert.match(second.output(), /--port .*--force/);
});

Deno.test("gateway --force stops the holder and takes the port", async () => {
  await using sb = await makeSandbox();
  const first = await startGateway(sb, CONFIG);
  await using second = spawnGateway(sb, ["--port", String(first.port), "--force"], {
    port: first.port,
  });
  await second.waitFor(/Gateway listening on/);
  assert.equal((await first.child.status).code, 0, "the first gateway was stopped with SIGTERM");
  await first.stop();
  const r = await fetch(`http://127.0.0.1:${first.port}/healthz`);
  assert.equal(r.status, 200);
  await r.body?.cancel();
});

Deno.test("after SIGKILL the port is free at once: nothing to clean up", async () => {
  await using sb = await makeSandbox();
  const first = await startGateway(sb, CONFIG);
  await first.stop("SIGKILL");
  await using again = spawnGateway(sb, ["--port", String(first.port)], { port: first.port });
  await again.waitFor(/Gateway listening on/);
});
