/**
 * The config reloader on a fake clock and a fake directory watcher: bursts of file events are
 * debounced into one reload, a hash that did not change is a no-op, an invalid file keeps the
 * running config, restart-class changes restart, and a stop cancels a pending reload.
 */
import assert from "node:assert/strict";
import type { Logger } from "../../../lib/log/mod.ts";
import { checkConfigText } from "../../../lib/config/load.ts";
import { hashConfigText } from "../../../lib/config/read.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { type DirWatcher, startConfigReloader } from "../../../gateway/reload.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";

/** A watcher the test pushes events into. */
class FakeWatcher implements DirWatcher {
  #queue: { paths: string[] }[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  push(path: string) {
    this.#queue.push({ paths: [path] });
    this.#wake?.();
  }
  close() {
    this.#closed = true;
    this.#wake?.();
  }
  async *[Symbol.asyncIterator]() {
    while (!this.#closed) {
      const next = this.#queue.shift();
      if (next) yield next;
      else await new Promise<void>((r) => this.#wake = r);
    }
  }
}

async function fixture(initial: string) {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-reload-" });
  const path = `${dir}/openclaw.json`;
  await Deno.writeTextFile(path, initial);
  const first = checkConfigText(initial, path, { applyEnv: false });
  let running: { config: OpenClawConfig; hash: string | null } = {
    config: first.config as OpenClawConfig,
    hash: await hashConfigText(initial),
  };
  const hot: string[][] = [];
  const applied: OpenClawConfig[] = [];
  const restarts: string[] = [];
  const logs: string[] = [];
  const log = {
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(m),
    error: (m: string) => logs.push(m),
  } as unknown as Logger;
  const clock = new FakeClock();
  const watcher = new FakeWatcher();
  const reloader = startConfigReloader({
    configPath: path,
    current: () => running,
    applyHot: (config, hash, plan) => {
      running = { config, hash };
      hot.push(plan.changed);
      applied.push(config);
      return Promise.resolve();
    },
    restart: (reason, hash) => {
      running = { ...running, hash };
      restarts.push(reason);
    },
    log,
    clock,
    watch: () => watcher,
  });
  return {
    path,
    clock,
    watcher,
    reloader,
    hot,
    applied,
    restarts,
    logs,
    async edit(text: string) {
      await Deno.writeTextFile(path, text);
      watcher.push(path);
      await new Promise((r) => setTimeout(r, 0));
    },
    async [Symbol.asyncDispose]() {
      reloader.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Lets the reload's file read and apply finish after the debounce fired. */
/**
 * Waits for `reloads` reloads to finish. A changed config is validated in a child process
 * (lib/config/schema_isolated.ts), which takes a few hundred ms on a loaded machine: the wait is
 * bounded generously, never asserted on.
 */
async function settle(f: { reloader: { stats(): { reloads: number } } }, reloads: number) {
  const deadline = Date.now() + 30_000;
  while (f.reloader.stats().reloads < reloads && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

const BASE = `{ gateway: { mode: "local" }, logging: { level: "info" } }`;

Deno.test("startConfigReloader() debounces a burst of file events into one reload", async () => {
  await using f = await fixture(BASE);
  await f.edit(`{ gateway: { mode: "local" }, logging: { level: "debug" } }`);
  await f.edit(`{ gateway: { mode: "local" }, logging: { level: "warn" } }`);
  await f.clock.tick(299);
  assert.equal(f.reloader.stats().reloads, 0, "nothing before the 300 ms debounce");
  await f.clock.tick(1);
  await settle(f, 1);
  assert.deepEqual(f.hot, [["logging.level"]]);
  assert.equal(f.reloader.stats().lastDecision, "hot");
});

Deno.test("startConfigReloader() honours gateway.reload.debounceMs", async () => {
  await using f = await fixture(
    `{ gateway: { mode: "local", reload: { debounceMs: 5000 } }, logging: { level: "info" } }`,
  );
  await f.edit(
    `{ gateway: { mode: "local", reload: { debounceMs: 5000 } }, logging: { level: "debug" } }`,
  );
  await f.clock.tick(4999);
  assert.equal(f.reloader.stats().reloads, 0);
  await f.clock.tick(1);
  await settle(f, 1);
  assert.equal(f.hot.length, 1);
});

Deno.test("startConfigReloader() ignores events for other files in the directory", async () => {
  await using f = await fixture(BASE);
  f.watcher.push(`${f.path}.bak`);
  await f.clock.tick(10_000);
  assert.equal(f.reloader.stats().reloads, 0);
});

Deno.test("startConfigReloader() keeps the running config when the file is invalid", async () => {
  await using f = await fixture(BASE);
  await f.edit(`{ gateway: { mode: "local", port: "nope" } }`);
  await f.clock.tick(300);
  await settle(f, 1);
  assert.deepEqual(f.hot, []);
  assert.equal(f.reloader.stats().lastDecision, "ignored");
  assert.ok(f.logs.some((l) => /config reload skipped \(invalid config\).*gateway\.port/.test(l)));
});

Deno.test("startConfigReloader() restarts for a gateway.* change in hybrid mode", async () => {
  await using f = await fixture(BASE);
  await f.edit(`{ gateway: { mode: "local", port: 18800 }, logging: { level: "info" } }`);
  await f.clock.tick(300);
  await settle(f, 1);
  assert.equal(f.restarts.length, 1);
  assert.match(f.restarts[0], /gateway\.port/);
});

Deno.test("startConfigReloader() stop() cancels a pending debounced reload", async () => {
  await using f = await fixture(BASE);
  await f.edit(`{ gateway: { mode: "local" }, logging: { level: "debug" } }`);
  f.reloader.stop();
  await f.clock.tick(1000);
  assert.equal(f.reloader.stats().reloads, 0);
  assert.equal(f.clock.pending, 0);
});

Deno.test("startConfigReloader() without a watcher still reloads on request", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/openclaw.json`;
    await Deno.writeTextFile(path, BASE);
    const first = checkConfigText(BASE, path, { applyEnv: false });
    const hash = await hashConfigText(BASE);
    const reloader = startConfigReloader({
      configPath: path,
      current: () => ({ config: first.config!, hash }),
      applyHot: () => Promise.resolve(),
      restart: () => {},
      log: { warn() {}, info() {}, error() {} } as unknown as Logger,
      clock: new FakeClock(),
      watch: () => {
        throw new Error("inotify watch limit reached");
      },
    });
    assert.equal(reloader.stats().watching, false);
    assert.equal(reloader.stats().watchError, "inotify watch limit reached");
    await Deno.writeTextFile(path, `{ gateway: { mode: "local" }, logging: { level: "debug" } }`);
    assert.equal(await reloader.reload("config.set"), "hot");
    reloader.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A config in `mode` with the HTTP chat endpoint and the log level as given. */
function modeConfig(mode: string, chat: boolean, level: string): string {
  return JSON.stringify({
    gateway: {
      mode: "local",
      reload: { mode },
      http: { endpoints: { chatCompletions: { enabled: chat } } },
    },
    logging: { level },
  });
}

/** Edits `gateway.http` (restart-class) and `logging.level` (hot) together under `mode`. */
async function editHttpAndLogging(mode: string) {
  const f = await fixture(modeConfig(mode, false, "info"));
  await f.edit(modeConfig(mode, true, "debug"));
  await f.clock.tick(300);
  await settle(f, 1);
  return { f };
}

const HTTP_PATH = "gateway.http.endpoints.chatCompletions.enabled";

Deno.test("reload mode hybrid: a gateway.http change restarts, nothing is applied live", async () => {
  const { f } = await editHttpAndLogging("hybrid");
  await using _ = f;
  assert.equal(f.reloader.stats().lastDecision, "restart");
  assert.deepEqual(f.hot, []);
  assert.equal(f.restarts.length, 1);
  assert.match(f.restarts[0], new RegExp(HTTP_PATH.replaceAll(".", "\\.")));
  assert.ok(!f.logs.some((l) => /ignoring/.test(l)), f.logs.join("\n"));
});

Deno.test("reload mode hot: gateway.http is logged as ignored and not applied; logging is", async () => {
  const { f } = await editHttpAndLogging("hot");
  await using _ = f;
  assert.equal(f.reloader.stats().lastDecision, "hot");
  assert.deepEqual(f.restarts, []);
  assert.ok(
    f.logs.includes(`config reload requires gateway restart; hot mode ignoring (${HTTP_PATH})`),
    f.logs.join("\n"),
  );
  assert.deepEqual(f.hot, [["logging.level"]], "applyHot receives only the live path");
  assert.equal(f.applied.length, 1);
  const running = f.applied[0];
  assert.equal(running.logging?.level, "debug");
  assert.equal(running.gateway?.http?.endpoints?.chatCompletions?.enabled, false);
});

Deno.test("reload mode hot: only a restart-class change is ignored, nothing applied", async () => {
  await using f = await fixture(modeConfig("hot", false, "info"));
  await f.edit(modeConfig("hot", true, "info"));
  await f.clock.tick(300);
  await settle(f, 1);
  assert.equal(f.reloader.stats().lastDecision, "ignored");
  assert.deepEqual(f.hot, []);
  assert.deepEqual(f.restarts, []);
  assert.ok(f.logs.some((l) => /hot mode ignoring \(gateway\.http\./.test(l)));
});

Deno.test("reload mode restart: any change restarts, nothing is applied live", async () => {
  const { f } = await editHttpAndLogging("restart");
  await using _ = f;
  assert.equal(f.reloader.stats().lastDecision, "restart");
  assert.deepEqual(f.hot, []);
  assert.equal(f.restarts.length, 1);
});

Deno.test("reload mode off: the change is logged as disabled and nothing happens", async () => {
  const { f } = await editHttpAndLogging("off");
  await using _ = f;
  assert.equal(f.reloader.stats().lastDecision, "ignored");
  assert.deepEqual(f.hot, []);
  assert.deepEqual(f.restarts, []);
  assert.ok(f.logs.includes("config reload disabled (gateway.reload.mode=off)"), f.logs.join("\n"));
});
