import assert from "node:assert/strict";
import { closeSandboxBrowsers, sandboxPools } from "../../../lib/browser/sandbox_pools.ts";
import { sandboxBrowserPool } from "../../../lib/browser/sandbox_pool.ts";

Deno.test("gateway stop closes the sandbox browser pool its sessions opened, once", async () => {
  const stateDir = `/tmp/openclaw-pools-test-${crypto.randomUUID()}`;
  const pool = sandboxBrowserPool(stateDir);
  assert.equal(sandboxPools.get(stateDir), pool, "the registry knows the pool the tool opened");
  let closed = 0;
  const closeAll = pool.closeAll.bind(pool);
  pool.closeAll = () => (closed++, closeAll());
  await closeSandboxBrowsers(stateDir);
  await closeSandboxBrowsers(stateDir);
  assert.equal(closed, 1);
  assert.equal(sandboxPools.has(stateDir), false);
  assert.notEqual(sandboxBrowserPool(stateDir), pool, "a later session gets a fresh pool");
  await closeSandboxBrowsers(stateDir);
});

Deno.test("gateway stop with no sandboxed browser ever opened has nothing to close", async () => {
  const before = sandboxPools.size;
  await closeSandboxBrowsers(`/tmp/openclaw-pools-test-${crypto.randomUUID()}`);
  assert.equal(sandboxPools.size, before);
});
