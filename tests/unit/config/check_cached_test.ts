/**
 * The gateway's config validation cache: an unchanged config is answered from the cache (the
 * schema is not run), any change — to the file, to a `${VAR}` it uses — runs the schema again,
 * and a cache file that is foreign, torn or tampered with is a miss, never an error.
 */
import assert from "node:assert/strict";
import { checkConfigCached, checkConfigTextCached } from "../../../lib/config/check_cached.ts";
import { checkConfigText } from "../../../lib/config/load.ts";
import {
  readValidatedCache,
  validatedCacheKey,
  validatedCachePath,
  writeValidatedCache,
} from "../../../lib/config/validated_cache.ts";

const CONFIG = '{ gateway: { mode: "local", port: 18789 }, agents: { defaults: {} } }\n';

async function tempState(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "oc-cache-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** Lets the check's fire-and-forget cache write land. */
async function cacheWritten(stateDir: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await Deno.stat(validatedCachePath(stateDir));
      return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the cache was never written");
}

Deno.test("an unchanged config is answered from the cache with what the schema gave", async () => {
  await using st = await tempState();
  const path = `${st.dir}/openclaw.json`;
  await Deno.writeTextFile(path, CONFIG);
  const first = await checkConfigCached({ path, stateDir: st.dir, applyEnv: false });
  assert.equal(first.cache, "miss");
  assert.ok(first.valid);
  await cacheWritten(st.dir);
  const second = await checkConfigCached({ path, stateDir: st.dir, applyEnv: false });
  assert.equal(second.cache, "hit");
  assert.deepEqual(second.config, first.config);
  assert.deepEqual(second.config, checkConfigText(CONFIG, path, { applyEnv: false }).config);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(validatedCachePath(st.dir))).mode! & 0o777, 0o600);
  }
});

Deno.test("an edit or a changed ${VAR} runs the schema again; an invalid config is never cached", async () => {
  await using st = await tempState();
  const path = `${st.dir}/openclaw.json`;
  const text = '{ gateway: { mode: "local", auth: { token: "${OC_TEST_TOKEN}" } } }';
  const env = { OC_TEST_TOKEN: "token-one-0123456789abcdef" };
  await checkConfigTextCached(text, path, { stateDir: st.dir, env, applyEnv: false });
  await cacheWritten(st.dir);
  const same = await checkConfigTextCached(text, path, { stateDir: st.dir, env, applyEnv: false });
  assert.equal(same.cache, "hit");
  const otherEnv = { OC_TEST_TOKEN: "token-two-0123456789abcdef" };
  const changed = await checkConfigTextCached(text, path, {
    stateDir: st.dir,
    env: otherEnv,
    applyEnv: false,
  });
  assert.equal(changed.cache, "miss");
  assert.equal(changed.config?.gateway?.auth?.token, otherEnv.OC_TEST_TOKEN);
  const bad = await checkConfigTextCached('{ gateway: { port: "nope" } }', path, {
    stateDir: st.dir,
    applyEnv: false,
  });
  assert.equal(bad.valid, false);
  assert.match(bad.issues.map((i) => i.path).join(","), /gateway\.port/);
});

Deno.test("a foreign, torn or oversized cache file is a miss", async () => {
  await using st = await tempState();
  const resolved = { gateway: { mode: "local" } };
  const key = validatedCacheKey(resolved)!;
  const path = validatedCachePath(st.dir);
  assert.equal(await readValidatedCache(st.dir, key), undefined, "no file");
  await writeValidatedCache(st.dir, key, { gateway: { mode: "local" } } as never);
  assert.deepEqual(await readValidatedCache(st.dir, key), { gateway: { mode: "local" } });
  assert.equal(await readValidatedCache(st.dir, "another-key"), undefined, "other key");
  await Deno.writeTextFile(path, '{"key":"' + key + '","config":{"gate');
  assert.equal(await readValidatedCache(st.dir, key), undefined, "torn");
  await Deno.writeTextFile(path, JSON.stringify({ key, config: [1, 2] }));
  assert.equal(await readValidatedCache(st.dir, key), undefined, "not an object");
});

Deno.test("only exact JSON is keyed or stored", async () => {
  await using st = await tempState();
  assert.equal(validatedCacheKey({ a: Infinity }), undefined);
  assert.equal(validatedCacheKey({ a: undefined }), undefined);
  assert.equal(validatedCacheKey({ a: new Date(0) }), undefined);
  assert.notEqual(validatedCacheKey({ a: 1 }), validatedCacheKey({ a: 2 }));
  assert.equal(await writeValidatedCache(st.dir, "k", { a: new Map() } as never), false);
  assert.equal(await writeValidatedCache(st.dir, "k", { a: 1 } as never), true);
});
