import assert from "node:assert/strict";
import {
  parseSessionStore,
  restartedEntry,
  sessionsDir,
  SessionStore,
} from "../../../lib/agent/sessions/store.ts";

async function tempStore(onCorrupt?: (p: string, a: string) => void) {
  const dir = await Deno.makeTempDir();
  const store = new SessionStore(sessionsDir(dir, "main"), onCorrupt ? { onCorrupt } : {});
  return {
    dir,
    store,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("SessionStore.update() writes atomically, 0600, without leftovers", async () => {
  await using t = await tempStore();
  await t.store.patch("agent:main:main", () => ({ sessionId: "s1", updatedAt: 1 }));
  assert.equal(t.store.path, `${t.dir}/agents/main/sessions/sessions.json`);
  const names = [...Deno.readDirSync(t.store.dir)].map((e) => e.name);
  assert.ok(names.includes("sessions.json"));
  assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), [], "no temp file left behind");
  assert.equal((await Deno.stat(t.store.path)).mode! & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(t.store.path)), {
    "agent:main:main": { sessionId: "s1", updatedAt: 1 },
  });
});

Deno.test("SessionStore.patch() keeps fields it does not know and deletes on undefined", async () => {
  await using t = await tempStore();
  await Deno.mkdir(t.store.dir, { recursive: true });
  await Deno.writeTextFile(
    t.store.path,
    JSON.stringify({ k: { sessionId: "s", updatedAt: 1, deliveryContext: { channel: "x" } } }),
  );
  await t.store.patch("k", (e) => ({ ...e!, updatedAt: 2 }));
  assert.deepEqual(await t.store.get("k"), {
    sessionId: "s",
    updatedAt: 2,
    deliveryContext: { channel: "x" },
  });
  await t.store.patch("k", () => undefined);
  assert.deepEqual({ ...(await t.store.load()) }, {});
});

Deno.test("SessionStore.update() serialises concurrent writers (no lost update)", async () => {
  await using t = await tempStore();
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => t.store.patch(`k${i}`, () => ({ sessionId: `s${i}`, updatedAt: i })),
    ),
  );
  assert.equal(Object.keys(await t.store.load()).length, 20);
});

Deno.test("SessionStore.update() moves a corrupt file aside instead of overwriting it", async () => {
  let moved = "";
  await using t = await tempStore((_p, aside) => moved = aside);
  await Deno.mkdir(t.store.dir, { recursive: true });
  await Deno.writeTextFile(t.store.path, "{ not json");
  assert.deepEqual({ ...(await t.store.load()) }, {});
  await t.store.patch("k", () => ({ sessionId: "s", updatedAt: 1 }));
  assert.match(moved, /sessions\.json\.corrupt-\d+$/);
  assert.equal(await Deno.readTextFile(moved), "{ not json");
  assert.equal((await t.store.get("k"))?.sessionId, "s");
});

Deno.test("parseSessionStore() drops entries without a sessionId and keeps __proto__ inert", () => {
  const data = parseSessionStore(
    '{"a":{"sessionId":"x","updatedAt":1},"b":{"x":1},"__proto__":{"sessionId":"p","updatedAt":0}}',
  )!;
  assert.deepEqual(Object.keys(data).sort(), ["__proto__", "a"]);
  assert.equal(({} as Record<string, unknown>).sessionId, undefined);
  assert.equal(parseSessionStore("[1]"), undefined);
});

Deno.test("restartedEntry() keeps metadata and drops per-transcript usage", () => {
  const next = restartedEntry(
    {
      sessionId: "old",
      updatedAt: 1,
      label: "L",
      inputTokens: 5,
      model: "m",
      thinkingLevel: "low",
    },
    "new",
    9,
  );
  assert.deepEqual(next, {
    sessionId: "new",
    updatedAt: 9,
    createdAt: 9,
    label: "L",
    thinkingLevel: "low",
  });
});
