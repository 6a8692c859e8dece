/**
 * The channel methods' params schemas load with zod on first need (gateway/methods/
 * channels_params.ts); a call without params is answered without them, with the schema's output.
 */
import assert from "node:assert/strict";
import { channelsMethods } from "../../../gateway/methods/channels.ts";
import * as P from "../../../gateway/methods/channels_params.ts";
import { MethodRegistry } from "../../../gateway/methods/registry.ts";

const ADMIN = ["operator.admin"];

Deno.test("channel methods without params are answered without building their schemas, as the schemas would", () => {
  const registry = new MethodRegistry(channelsMethods);
  for (
    const [name, schema] of [
      ["channels.status", P.StatusParams],
      ["web.login.start", P.LoginStartParams],
      ["web.login.wait", P.LoginWaitParams],
      ["channels.failed.list", P.FailedListParams],
    ] as const
  ) {
    const r = registry.check(name, {}, ADMIN);
    assert.ok(!(r instanceof Promise), `${name} {} needed its schema`);
    assert.ok(r.ok);
    assert.deepEqual(r.params, schema.parse({}));
  }
});

Deno.test("channel method params that need the schema get its answer", async () => {
  const registry = new MethodRegistry(channelsMethods);
  const bad = await registry.check("channels.status", { timeoutMs: 5 }, ADMIN);
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error.message : "", /invalid channels\.status params: timeoutMs/);
  const ok = await registry.check("channels.status", { probe: true, channel: "telegram" }, ADMIN);
  assert.ok(ok.ok);
  assert.deepEqual(ok.params, { probe: true, channel: "telegram" });
  const which = await registry.check("channels.failed.drop", {}, ADMIN);
  assert.equal(which.ok, false);
});
