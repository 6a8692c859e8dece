import assert from "node:assert/strict";
import { maxConnectionsFor, openFileLimit } from "../../../lib/net/fd_limit.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 4096                 files
`;

Deno.test("openFileLimit() reads the soft open-file limit", () => {
  assert.equal(openFileLimit(LIMITS), 1024);
  assert.equal(openFileLimit("garbage"), 1024);
  assert.equal(openFileLimit(LIMITS.replace("1024 ", "unlimited")), 1024);
  assert.ok(openFileLimit() > 0);
});

Deno.test("maxConnectionsFor() keeps a reserve below the fd limit, and config wins", () => {
  assert.equal(maxConnectionsFor(undefined, 1024), 755);
  assert.equal(maxConnectionsFor(undefined, 100), 16);
  assert.equal(maxConnectionsFor(undefined, 1_048_576), 16_384);
  assert.equal(maxConnectionsFor(5000, 1024), 5000);
});
