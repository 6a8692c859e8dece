import assert from "node:assert/strict";
import {
  BOOTSTRAP_TOKEN_TTL_MS,
  bootstrapTokensPath,
  consumeBootstrapToken,
  findBootstrapToken,
  issueBootstrapToken,
  MAX_BOOTSTRAP_TOKENS,
} from "../../../lib/devices/bootstrap.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { makeSandbox } from "../../helpers.ts";

Deno.test("a bootstrap token works once, and is stored only as a hash (0600)", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const issued = await issueBootstrapToken(sb.stateDir, { now: clock.now() });
  assert.equal(issued.profile, "owner");
  assert.equal(issued.expiresAtMs, clock.now() + 10 * 60_000);
  const path = bootstrapTokensPath(sb.stateDir);
  assert.ok(!(await Deno.readTextFile(path)).includes(issued.token));
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

  assert.equal(findBootstrapToken(sb.stateDir, issued.token, clock.now())?.profile, "owner");
  const [a, b] = await Promise.all([
    consumeBootstrapToken(sb.stateDir, issued.token, clock.now()),
    consumeBootstrapToken(sb.stateDir, issued.token, clock.now()),
  ]);
  assert.equal([a, b].filter(Boolean).length, 1, "exactly one of two racing uses wins");
  assert.deepEqual(a?.roles ?? b?.roles, ["operator"]);
  assert.ok((a ?? b)!.scopes.includes("operator.admin"));
  assert.equal(findBootstrapToken(sb.stateDir, issued.token, clock.now()), undefined);
  assert.equal(await consumeBootstrapToken(sb.stateDir, "", clock.now()), undefined);
});

Deno.test("a bootstrap token expires after 10 minutes", async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const issued = await issueBootstrapToken(sb.stateDir, { now: clock.now() });
  clock.advance(BOOTSTRAP_TOKEN_TTL_MS - 1);
  assert.ok(findBootstrapToken(sb.stateDir, issued.token, clock.now()));
  clock.advance(1);
  assert.equal(findBootstrapToken(sb.stateDir, issued.token, clock.now()), undefined);
  assert.equal(await consumeBootstrapToken(sb.stateDir, issued.token, clock.now()), undefined);
});

Deno.test(`at most ${MAX_BOOTSTRAP_TOKENS} bootstrap tokens are kept; the oldest go first`, async () => {
  await using sb = await makeSandbox();
  const clock = new FakeClock();
  const first = await issueBootstrapToken(sb.stateDir, { now: clock.now() });
  for (let i = 0; i < MAX_BOOTSTRAP_TOKENS; i++) {
    clock.advance(1);
    await issueBootstrapToken(sb.stateDir, { now: clock.now() });
  }
  const stored = JSON.parse(await Deno.readTextFile(bootstrapTokensPath(sb.stateDir)));
  assert.equal(Object.keys(stored).length, MAX_BOOTSTRAP_TOKENS);
  assert.equal(findBootstrapToken(sb.stateDir, first.token, clock.now()), undefined);
});
