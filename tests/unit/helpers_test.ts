/** The shared test helpers themselves: waitUntil(), tempDir() and makeSandbox() options. */
import assert from "node:assert/strict";
import { makeSandbox, tempDir, waitUntil } from "../helpers.ts";

Deno.test("waitUntil() returns the predicate's first truthy value, sync or async", async () => {
  let n = 0;
  assert.equal(await waitUntil(() => ++n >= 3 && n), 3);
  const found = await waitUntil(() => Promise.resolve(n++ > 5 ? { n } : undefined));
  assert.deepEqual(found, { n: 7 });
});

Deno.test("waitUntil() names the message and the time waited on timeout", async () => {
  await assert.rejects(
    () => waitUntil(() => false, { timeoutMs: 30, message: "the moon" }),
    /^Error: timed out after \d+ ms waiting for the moon$/,
  );
  let calls = 0;
  await assert.rejects(
    () => waitUntil(() => false, { timeoutMs: 20, message: () => `call ${++calls}` }),
    /waiting for call 1$/,
  );
});

Deno.test("waitUntil() stops at once when the predicate throws", async () => {
  await assert.rejects(
    () =>
      waitUntil(() => {
        throw new Error("boom");
      }),
    /^Error: boom$/,
  );
});

Deno.test("tempDir() and makeSandbox() are removed on dispose", async () => {
  let dir: string;
  {
    await using t = await tempDir();
    dir = t.path;
    assert.ok((await Deno.stat(dir)).isDirectory);
  }
  await assert.rejects(() => Deno.stat(dir), Deno.errors.NotFound);
  let home: string;
  {
    await using sb = await makeSandbox({ prefix: "openclaw-h-", config: "{}", env: { X: "1" } });
    home = sb.home;
    assert.match(home, /\/openclaw-h-[^/]*$/);
    assert.equal(sb.env.HOME, home);
    assert.equal(sb.env.X, "1");
    assert.equal((await Deno.stat(sb.stateDir)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(sb.configPath)).mode! & 0o777, 0o600);
    assert.equal(await Deno.readTextFile(sb.configPath), "{}");
  }
  await assert.rejects(() => Deno.stat(home), Deno.errors.NotFound);
});
