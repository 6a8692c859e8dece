import { assert, assertEquals, within } from "./_helpers.ts";

const FIXTURE = new URL("../../fixtures/net_fd_limit_server.ts", import.meta.url);

Deno.test({
  name: "net/limits: the server survives descriptor exhaustion (EMFILE) and recovers",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // 100 descriptors for the whole process; the client opens 150 connections.
    const child = new Deno.Command("bash", {
      args: [
        "-c",
        `ulimit -n 100 && exec "${Deno.execPath()}" run -A --quiet "${
          decodeURIComponent(FIXTURE.pathname)
        }"`,
      ],
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const conns: Deno.Conn[] = [];
    const stdout = child.stdout.getReader();
    try {
      const first = await within(stdout.read(), 10_000, "server start");
      const port = Number(new TextDecoder().decode(first.value).trim());
      assert(port > 0);
      for (let i = 0; i < 150; i++) {
        conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      }
      await new Promise((r) => setTimeout(r, 300));
      for (const c of conns.splice(0)) c.close();
      // Once descriptors are free again, the backlog drains and requests are served.
      let stats: Record<string, unknown> | undefined;
      const deadline = Date.now() + 5_000;
      while (!stats && Date.now() < deadline) {
        try {
          const res = await within(fetch(`http://127.0.0.1:${port}/stats`), 2_000, "fetch");
          stats = await res.json();
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert(stats, "server answers after the storm");
      assert((stats.acceptErrors as number) > 0, `accept errors counted: ${JSON.stringify(stats)}`);
      assertEquals((stats.warnings as string[]).length >= 1, true);
      assert((stats.warnings as string[]).length < (stats.acceptErrors as number) + 1);
    } finally {
      for (const c of conns) c.close();
      stdout.releaseLock();
      await child.stdin.close();
      await child.stdout.cancel();
      const status = await within(child.status, 5_000, "server exit");
      assertEquals(status.code, 0, "server exited cleanly");
    }
  },
});
