import assert from "node:assert/strict";
import { summarizeSessions } from "../../../lib/agent/sessions/summary.ts";
import {
  parseSessionStore,
  restartedEntry,
  type SessionEntry,
  sessionsDir,
  SessionStore,
  type SessionStoreData,
  type SessionStoreOptions,
  writeStoreFileAtomic,
} from "../../../lib/agent/sessions/store.ts";
import { makeSandbox, waitUntil } from "../../helpers.ts";

/** A session store in a sandbox's state dir (`dir`), counting its whole-file writes. */
async function tempStore(options: SessionStoreOptions = {}) {
  const sb = await makeSandbox();
  const dir = sb.stateDir;
  const writes: string[] = [];
  const open = (extra: SessionStoreOptions = {}) =>
    new SessionStore(sessionsDir(dir, "main"), {
      writeFile: (path, text) => {
        writes.push(path);
        return writeStoreFileAtomic(path, text);
      },
      ...options,
      ...extra,
    });
  const store = open();
  return {
    dir,
    store,
    writes,
    open,
    async [Symbol.asyncDispose]() {
      await store.close();
      await sb[Symbol.asyncDispose]();
    },
  };
}

function readStore(path: string): SessionStoreData {
  return JSON.parse(Deno.readTextFileSync(path));
}

/** Writes a store of `n` sessions, as stock would (keys `k0`…). */
async function seed(store: SessionStore, n: number): Promise<void> {
  const data: Record<string, SessionEntry> = {};
  for (let i = 0; i < n; i++) {
    data[`k${i}`] = {
      sessionId: crypto.randomUUID(),
      updatedAt: i,
      model: "fake-model",
      modelProvider: "fake",
      lastChannel: "webchat",
      inputTokens: 100,
      outputTokens: 10,
      deliveryContext: { channel: "webchat", to: `user-${i}` },
    };
  }
  await Deno.mkdir(store.dir, { recursive: true });
  await Deno.writeTextFile(store.path, JSON.stringify(data, null, 2) + "\n");
}

Deno.test("SessionStore.update() writes atomically, 0600, without leftovers", async () => {
  await using t = await tempStore();
  await t.store.patch("agent:main:main", () => ({ sessionId: "s1", updatedAt: 1 }));
  await t.store.flush();
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
  await using t = await tempStore({ onCorrupt: (_p, aside) => moved = aside });
  await Deno.mkdir(t.store.dir, { recursive: true });
  await Deno.writeTextFile(t.store.path, "{ not json");
  assert.deepEqual({ ...(await t.store.load()) }, {});
  await t.store.patch("k", () => ({ sessionId: "s", updatedAt: 1 }));
  assert.equal(moved, "", "nothing is written before the flush");
  await t.store.flush();
  assert.match(moved, /sessions\.json\.corrupt-\d+$/);
  assert.equal(await Deno.readTextFile(moved), "{ not json");
  assert.equal((await t.store.get("k"))?.sessionId, "s");
  assert.equal(readStore(t.store.path).k.sessionId, "s");
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

Deno.test("SessionStore: 200 updates on a 5,000-session store are a few rewrites, all on disk after flush()", async () => {
  await using t = await tempStore();
  await seed(t.store, 5000);
  for (let i = 0; i < 200; i++) {
    const key = `k${(i * 37) % 5000}`;
    await t.store.patch(key, (cur) => ({ ...cur!, updatedAt: 10_000 + i, inputTokens: i }));
  }
  await t.store.patch("fresh", () => ({ sessionId: "new", updatedAt: 1 }));
  assert.ok(t.writes.length <= 2, `${t.writes.length} rewrites for 201 updates`);
  await t.store.flush();
  assert.ok(t.writes.length <= 3, `${t.writes.length} rewrites for 201 updates`);
  const disk = readStore(t.store.path);
  assert.equal(Object.keys(disk).length, 5001);
  for (let i = 0; i < 200; i++) {
    const key = `k${(i * 37) % 5000}`;
    assert.equal(disk[key].updatedAt, 10_000 + i);
    assert.deepEqual(disk[key].deliveryContext, {
      channel: "webchat",
      to: `user-${(i * 37) % 5000}`,
    });
  }
  assert.equal(disk.fresh.sessionId, "new");
  assert.equal((Deno.statSync(t.store.path).mode ?? 0) & 0o777, 0o600);
  // Stock's layout: the same bytes as a whole-file JSON.stringify.
  assert.equal(Deno.readTextFileSync(t.store.path), JSON.stringify(disk, null, 2) + "\n");
  const leftovers = [...Deno.readDirSync(t.store.dir)].filter((e) => e.name.endsWith(".tmp"));
  assert.deepEqual(leftovers, []);
});

Deno.test("SessionStore: a write by another instance between two updates is not lost", async () => {
  await using t = await tempStore();
  await seed(t.store, 50);
  await t.store.patch("k1", (cur) => ({ ...cur!, label: "mine" }));
  const other = t.open();
  try {
    // Another process: its own copy, its own lock, written at once.
    await other.patch("k2", (cur) => ({ ...cur!, label: "theirs" }), { flush: true });
    await other.patch("added", () => ({ sessionId: "o", updatedAt: 5 }), { flush: true });
    // The next update sees the other write (the file changed) and keeps the pending one.
    await t.store.patch("k3", (cur) => {
      assert.equal((cur as SessionEntry).sessionId, readStore(t.store.path).k3.sessionId);
      return { ...cur!, label: "mine too" };
    });
    assert.equal((await t.store.get("added"))?.sessionId, "o");
    await t.store.flush();
    const disk = readStore(t.store.path);
    assert.equal(disk.k1.label, "mine");
    assert.equal(disk.k2.label, "theirs");
    assert.equal(disk.k3.label, "mine too");
    assert.equal(disk.added.sessionId, "o");
    assert.equal(Object.keys(disk).length, 51);

    // Pending updates are re-applied at the write when the other side wrote in between.
    await t.store.patch("k4", (cur) => ({ ...cur!, inputTokens: (cur!.inputTokens ?? 0) + 1 }));
    await other.patch("k4", (cur) => ({ ...cur!, label: "theirs" }), { flush: true });
    await other.patch("k5", () => undefined, { flush: true });
    await t.store.flush();
    const after = readStore(t.store.path);
    assert.equal(after.k4.label, "theirs");
    assert.equal(after.k4.inputTokens, 101, "applied once, on the newer copy");
    assert.equal(after.k5, undefined);
    assert.equal((await other.get("k4"))?.inputTokens, 101, "and the other side reads it");
  } finally {
    await other.close();
  }
});

Deno.test("SessionStore picks up an outside edit without a write of its own", async () => {
  await using t = await tempStore();
  await seed(t.store, 3);
  assert.equal((await t.store.get("k0"))?.model, "fake-model");
  const data = readStore(t.store.path);
  data.k0 = { ...data.k0, model: "edited" };
  await Deno.writeTextFile(t.store.path, JSON.stringify(data));
  assert.equal((await t.store.get("k0"))?.model, "edited");
  assert.equal(t.writes.length, 0);
});

Deno.test("SessionStore writes pending updates behind, within flushDelayMs", async () => {
  await using t = await tempStore({ flushDelayMs: 20 });
  await t.store.patch("a", () => ({ sessionId: "s", updatedAt: 1 }));
  await t.store.patch("b", () => ({ sessionId: "t", updatedAt: 2 }));
  assert.ok(t.store.dirty);
  await waitUntil(() => !t.store.dirty, { timeoutMs: 5000, message: "the write-behind flush" });
  assert.equal(t.writes.length, 1);
  assert.deepEqual(Object.keys(readStore(t.store.path)).sort(), ["a", "b"]);
});

Deno.test("SessionStore: health's summary sees updates not written yet", async () => {
  await using t = await tempStore();
  await seed(t.store, 2);
  await t.store.patch("late", () => ({ sessionId: "l", updatedAt: Date.now() }));
  assert.ok(t.store.dirty);
  const summary = summarizeSessions(t.dir, "main", Date.now());
  assert.equal(summary.count, 3);
  assert.equal(summary.recent[0].key, "late");
  await t.store.flush();
  assert.equal(SessionStore.unflushed(t.store.path), undefined);
  assert.equal(summarizeSessions(t.dir, "main", Date.now()).count, 3);
});

Deno.test("SessionStore.update(): a throwing fn leaves no partial change; close() writes through", async () => {
  await using t = await tempStore();
  await t.store.patch("a", () => ({ sessionId: "s", updatedAt: 1 }));
  await assert.rejects(
    t.store.update((data) => {
      data.b = { sessionId: "half", updatedAt: 2 };
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(Object.keys(await t.store.load()).sort(), ["a"]);
  await t.store.close();
  assert.deepEqual(Object.keys(readStore(t.store.path)), ["a"]);
  const before = t.writes.length;
  await t.store.patch("c", () => ({ sessionId: "c", updatedAt: 3 }));
  assert.equal(t.writes.length, before + 1, "after close() an update is written before it returns");
  assert.deepEqual(Object.keys(readStore(t.store.path)).sort(), ["a", "c"]);
});

Deno.test("SessionStore.flush(): concurrent callers share writes", async () => {
  await using t = await tempStore();
  await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      await t.store.patch(`k${i}`, () => ({ sessionId: `s${i}`, updatedAt: i }));
      await t.store.flush();
    }),
  );
  assert.ok(t.writes.length <= 3, `${t.writes.length} writes`);
  assert.equal(Object.keys(readStore(t.store.path)).length, 20);
});

Deno.test("SessionStore flushes the directory only when a write adds, removes or re-points a session", async () => {
  const sb = await makeSandbox();
  try {
    const syncDir: boolean[] = [];
    const store = new SessionStore(sessionsDir(sb.stateDir, "main"), {
      writeFile: (path, text, options) => {
        syncDir.push(options?.syncDir ?? true);
        return writeStoreFileAtomic(path, text, options);
      },
    });
    const flush = { flush: true };
    await store.patch("a", () => ({ sessionId: "s1", updatedAt: 1 }), flush);
    await store.patch("a", (cur) => ({ ...cur!, updatedAt: 2, model: "m1" }), flush);
    await store.patch("a", (cur) => ({ ...cur!, sessionId: "s2" }), flush);
    await store.patch("a", () => undefined, flush);
    assert.deepEqual(syncDir, [true, false, true, true]);
    assert.deepEqual(readStore(store.path), {});
    await store.close();
  } finally {
    await sb[Symbol.asyncDispose]();
  }
});

Deno.test("SessionStore: the file's text is exactly JSON.stringify(data, null, 2), also after an in-place change through update()", async () => {
  await using t = await tempStore();
  await t.store.patch("agent:main:a", () => ({ sessionId: "s-a", updatedAt: 1, label: "a\nb" }));
  await t.store.patch("agent:main:b", () => ({ sessionId: "s-b", updatedAt: 2 }));
  await t.store.flush();
  await t.store.update((d) => {
    d["agent:main:a"].updatedAt = 3;
  });
  await t.store.flush();
  const text = await Deno.readTextFile(`${sessionsDir(t.dir, "main")}/sessions.json`);
  const data = JSON.parse(text);
  assert.equal(data["agent:main:a"].updatedAt, 3);
  assert.equal(text, JSON.stringify(data, null, 2) + "\n");
});
