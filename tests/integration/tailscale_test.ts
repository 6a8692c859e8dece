/**
 * Tailscale Serve/Funnel as a user meets it, with the stand-in `tailscale` of
 * tests/fixtures/fake_tailscale.ts on PATH (routes kept as files, every call logged).
 */
import assert from "node:assert/strict";
import { freePort, makeSandbox, runCli, spawnGateway, waitUntil, writeFile } from "../helpers.ts";
import { fakeTailscale } from "../fixtures/fake_tailscale.ts";

const TOKEN = "tailscale-test-token-0123456789";

function config(mode: string, extra = ""): string {
  return `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" }, ` +
    `tailscale: { mode: "${mode}" } }${extra} }`;
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern, "g"))].length;
}

Deno.test("serve: one route on start, adopted leftovers removed, none left after stop, never two across restarts", async () => {
  await using sb = await makeSandbox({ config: config("serve") });
  const ts = await fakeTailscale(sb);
  const port = freePort();
  // A background route an older release left behind for this gateway.
  await Deno.writeTextFile(`${ts.dir}/bg.route`, `http://127.0.0.1:${port}`);
  const env = { ...sb.env, ...ts.env };
  const start = () => spawnGateway({ ...sb, env }, ["--port", String(port)], { port });

  let gw = start();
  try {
    await gw.waitFor(/serve enabled: https:\/\/studio\.tail1234\.ts\.net\/ \(WS via wss:/, 30_000);
    // Exactly one route, ours: to the gateway's managed listener (its own loopback port, which
    // is how the gateway tells tailscaled's requests apart), and the gateway answers through it.
    const routes = ts.routes();
    assert.equal(routes.length, 1, `exactly one route: ${routes}`);
    const managed = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(routes[0])?.[1]);
    assert.ok(managed > 0 && managed !== port, routes[0]);
    assert.match(ts.calls(), /^serve --yes --https=443 --set-path=\/ off$/m);
    assert.match(ts.calls(), new RegExp(`^serve --yes --bg=false ${managed}$`, "m"));
    const viaRoute = await fetch(`http://127.0.0.1:${managed}/readyz`);
    await viaRoute.body?.cancel();
    assert.equal(viaRoute.status, 200);
    assert.match(gw.output(), /Tailscale route adopted from a previous OpenClaw release/);

    const status = await runCli({ ...sb, env }, ["status"]);
    assert.match(status.stdout, /^Tailscale\s+serve · https:\/\/studio\.tail1234\.ts\.net\/$/m);

    // Three in-process restarts (SIGHUP), then two process restarts, one of them a crash.
    for (let i = 1; i <= 3; i++) {
      Deno.kill(gw.child.pid, "SIGHUP");
      await waitUntil(() => count(gw.output(), /serve enabled:/) === i + 1, {
        timeoutMs: 20_000,
        message: () => `restart ${i}:\n${gw.output()}`,
      });
      assert.equal(ts.routes().length, 1, `after SIGHUP ${i}`);
    }
    assert.equal(await gw.stop(), 0);
    assert.deepEqual(ts.routes(), [], "stop removes the route");

    gw = start();
    await gw.waitFor(/serve enabled:/, 30_000);
    assert.equal(ts.routes().length, 1, "after a process restart");
    await gw.stop("SIGKILL");
    assert.equal(ts.routes().length, 1, "a killed gateway's claim lives on");

    gw = start();
    await gw.waitFor(/serve enabled:/, 30_000);
    assert.match(gw.output(), /ended the Tailscale claim a previous gateway left running/);
    assert.equal(ts.routes().length, 1, "after a crash restart");
    assert.doesNotMatch(ts.calls(), /DUPLICATE/, "never two claims at once");
    assert.equal(await gw.stop(), 0);
    assert.deepEqual(ts.routes(), []);
  } finally {
    await gw[Symbol.asyncDispose]();
  }
});

Deno.test("serve without a running tailscaled: the gateway serves on loopback, warns, and retries", async () => {
  await using sb = await makeSandbox({ config: config("serve") });
  const ts = await fakeTailscale(sb);
  await Deno.writeTextFile(`${ts.dir}/down`, "");
  const port = freePort();
  await using gw = spawnGateway({ ...sb, env: { ...sb.env, ...ts.env } }, [
    "--port",
    String(port),
  ], { port });
  await gw.waitFor(/Gateway listening on ws:\/\/127\.0\.0\.1:/, 30_000);
  await gw.waitFor(
    /Tailscale serve unavailable: tailscaled is not running: failed to connect to local tailscaled.*The gateway keeps serving on ws:\/\/127\.0\.0\.1:\d+ only \(no serve route\); retrying in 2 s/,
  );
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  await ready.body?.cancel();
  assert.equal(ready.status, 200);
  const status = await runCli({ ...sb, env: { ...sb.env, ...ts.env } }, ["status", "--json"]);
  const entry = JSON.parse(status.stdout).status.subsystems.tailscale;
  assert.equal(entry.status, "degraded");
  assert.equal(entry.state, "waiting");
  assert.match(entry.error, /tailscaled is not running/);
  assert.deepEqual(ts.routes(), []);

  // tailscaled comes up: the next retry claims the route, without a gateway restart.
  await Deno.remove(`${ts.dir}/down`);
  await gw.waitFor(/serve enabled: https:\/\/studio\.tail1234\.ts\.net\//, 30_000);
  assert.equal(ts.routes().length, 1);
  assert.doesNotMatch(gw.output(), /restarting/);
  assert.equal(await gw.stop(), 0);
  assert.deepEqual(ts.routes(), []);
});

Deno.test("serve without tailscale installed: the gateway starts and says why it is not exposed", async () => {
  await using sb = await makeSandbox({ config: config("serve") });
  const port = freePort();
  await using gw = spawnGateway(sb, ["--port", String(port)], {
    port,
    env: { PATH: "/usr/bin:/bin" },
  });
  await gw.waitFor(
    /Tailscale serve unavailable: tailscale is not installed \(not on PATH\)/,
    30_000,
  );
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  await ready.body?.cancel();
  assert.equal(ready.status, 200);
  assert.equal(await gw.stop(), 0);
});

Deno.test("funnel without password auth is refused at config set with stock's message", async () => {
  const initial = `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`;
  await using sb = await makeSandbox({ config: initial });
  const r = await runCli(sb, ["config", "set", "gateway.tailscale.mode", "funnel"]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /gateway\.tailscale\.mode: tailscale funnel requires gateway auth mode=password \(set gateway\.auth\.password or OPENCLAW_GATEWAY_PASSWORD\)/,
  );
  assert.equal(await Deno.readTextFile(sb.configPath), initial, "nothing was written");

  const lan = await runCli(sb, ["config", "set", "gateway.bind", "lan"]);
  assert.equal(lan.code, 0, lan.stderr);
  const serve = await runCli(sb, ["config", "set", "gateway.tailscale.mode", "serve"]);
  assert.equal(serve.code, 1);
  assert.match(
    serve.stderr,
    /tailscale serve\/funnel requires gateway bind=loopback \(127\.0\.0\.1\)/,
  );

  await writeFile(sb.configPath, initial);
  assert.equal((await runCli(sb, ["config", "set", "gateway.auth.mode", "password"])).code, 0);
  assert.equal(
    (await runCli(sb, ["config", "set", "gateway.auth.password", "a-long-password-123"])).code,
    0,
  );
  const ok = await runCli(sb, ["config", "set", "gateway.tailscale.mode", "funnel"]);
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("gateway --tailscale checks its value, and funnel on token auth is not exposed", async () => {
  await using sb = await makeSandbox({ config: config("off") });
  const bad = await runCli(sb, ["gateway", "--tailscale", "public"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --tailscale \(use "off", "serve", or "funnel"\)/);

  const ts = await fakeTailscale(sb);
  const port = freePort();
  await using gw = spawnGateway({ ...sb, env: { ...sb.env, ...ts.env } }, [
    "--port",
    String(port),
    "--tailscale",
    "funnel",
  ], { port });
  await gw.waitFor(/tailscale funnel requires gateway auth mode=password .*not exposed/, 30_000);
  assert.equal(ts.calls(), "", "a refused exposure never runs tailscale");
  assert.equal(await gw.stop(), 0);
});

Deno.test("tailscale mode off never runs tailscale", async () => {
  await using sb = await makeSandbox({ config: config("off") });
  const ts = await fakeTailscale(sb);
  const port = freePort();
  await using gw = spawnGateway({ ...sb, env: { ...sb.env, ...ts.env } }, [
    "--port",
    String(port),
  ], { port });
  await gw.waitFor(/Gateway listening on/, 30_000);
  const status = await runCli({ ...sb, env: { ...sb.env, ...ts.env } }, ["status", "--json"]);
  assert.equal(JSON.parse(status.stdout).status.subsystems.tailscale.state, "off");
  assert.equal(await gw.stop(), 0);
  assert.equal(ts.calls(), "");
});
