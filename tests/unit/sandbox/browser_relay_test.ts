/**
 * The exec relay against a fake `docker` that runs `docker exec`'s command on this machine (with
 * busybox `nc` as the relay's inside end), so the relay's own work — one exec per connection,
 * the byte pipe, the connection bound, closing — is tested without an engine.
 */
import assert from "node:assert/strict";
import { relayCommand, startExecRelay } from "../../../lib/sandbox/browser_relay.ts";
import { tempDir } from "../../helpers.ts";

const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});
if (!BUSYBOX) console.error("browser_relay_test: no busybox (nc); relay tests ignored");

const FAKE_DOCKER = `#!/bin/sh
# docker exec [-i] [-w dir] [-e K=V]... <container> <command...>: runs the command here.
[ "$1" = exec ] || { echo "fake docker: only exec" >&2; exit 2; }
shift
while [ $# -gt 0 ]; do
  case "$1" in -i) shift ;; -w|-e) shift 2 ;; *) break ;; esac
done
echo "$1" >>"$FAKE_DOCKER_LOG"
shift
exec "$@"
`;

async function fakeDocker() {
  const dir = await tempDir("openclaw-relay-test-");
  await Deno.mkdir(`${dir.path}/bin`);
  await Deno.writeTextFile(`${dir.path}/docker`, FAKE_DOCKER);
  await Deno.chmod(`${dir.path}/docker`, 0o755);
  await Deno.symlink(BUSYBOX!, `${dir.path}/bin/nc`);
  // The command runs in a login shell (sh -lc), which resets PATH from /etc/profile; the
  // home's .profile puts the fake bin first again.
  await Deno.writeTextFile(`${dir.path}/.profile`, `PATH="${dir.path}/bin:$PATH"\n`);
  const log = `${dir.path}/exec.log`;
  await Deno.writeTextFile(log, "");
  return {
    dir,
    log,
    container: {
      containerName: "openclaw-sbx-browser-test",
      docker: {
        bin: `${dir.path}/docker`,
        env: { HOME: dir.path, PATH: `${dir.path}/bin:/usr/bin:/bin`, FAKE_DOCKER_LOG: log },
      },
    },
  };
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !BUSYBOX, sanitizeResources: false, sanitizeOps: false, fn });

test("startExecRelay() pipes each connection through its own docker exec", async () => {
  const fake = await fakeDocker();
  await using _dir = fake.dir;
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    (req) => new Response(`hello ${new URL(req.url).pathname}`),
  );
  const relay = startExecRelay({ container: fake.container, port: server.addr.port });
  try {
    for (const path of ["/one", "/two"]) {
      const r = await fetch(`http://127.0.0.1:${relay.port}${path}`, {
        headers: { connection: "close" },
      });
      assert.equal(await r.text(), `hello ${path}`);
    }
    const execs = (await Deno.readTextFile(fake.log)).trim().split("\n");
    assert.deepEqual(execs, ["openclaw-sbx-browser-test", "openclaw-sbx-browser-test"]);
  } finally {
    await relay.close();
    ac.abort();
    await server.finished;
  }
});

test("startExecRelay() closes connections past maxConnections at once", async () => {
  const fake = await fakeDocker();
  await using _dir = fake.dir;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const relay = startExecRelay({
    container: fake.container,
    port: (listener.addr as Deno.NetAddr).port,
    maxConnections: 1,
  });
  const held = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  const upstream = await listener.accept();
  try {
    assert.equal(relay.connections, 1);
    const extra = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    assert.equal(await extra.read(new Uint8Array(16)), null, "the extra connection is closed");
    extra.close();
    // The held one still works, both ways.
    await held.write(new TextEncoder().encode("ping"));
    const buf = new Uint8Array(4);
    assert.equal(await upstream.read(buf), 4);
    assert.equal(new TextDecoder().decode(buf), "ping");
  } finally {
    await relay.close();
    held.close();
    upstream.close();
    listener.close();
  }
  // Closed: nothing listens any more.
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: relay.port }));
});

Deno.test("relayCommand() prefers socat, falls back to nc, and rejects a bad port", () => {
  assert.equal(
    relayCommand(9222),
    "if command -v socat >/dev/null 2>&1; then exec socat - TCP:127.0.0.1:9222; " +
      "else exec nc 127.0.0.1 9222; fi",
  );
  for (const port of [0, 65536, 1.5, Number.NaN]) {
    assert.throws(() => relayCommand(port), RangeError);
  }
});
