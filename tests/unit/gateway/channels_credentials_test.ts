/**
 * Channel credentials: a plain token, a SecretRef read from the gateway's secret snapshot (never
 * fetched again), a `tokenFile`, and the source `channels status` prints for each.
 */
import assert from "node:assert/strict";
import { accountCredentials } from "../../../gateway/channels/credentials.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import type { OpenClawConfig } from "../../../lib/config/schema.ts";
import { createSecretSnapshot, emptySecretSnapshot } from "../../../lib/secrets/snapshot.ts";
import { secretRefKey } from "../../../lib/secrets/ref.ts";
import { tempDir } from "../../helpers.ts";

const REF = { source: "env", provider: "default", id: "TG_TOKEN" } as const;

function account(block: Record<string, unknown>) {
  return resolveChannelAccount(
    { channels: { telegram: block } } as unknown as OpenClawConfig,
    "telegram",
  );
}

Deno.test("accountCredentials() reads a plain token and names its source", () => {
  const c = accountCredentials(account({ botToken: " 1:abc " }), emptySecretSnapshot());
  assert.equal(c.credential("botToken"), "1:abc");
  assert.equal(c.credentialSource("botToken"), "config");
  assert.equal(c.credential("token"), undefined);
  assert.equal(c.credentialSource("token"), "none");
});

Deno.test("accountCredentials() resolves a SecretRef from the snapshot only", () => {
  const snapshot = createSecretSnapshot(new Map([[secretRefKey(REF), "2:secret"]]));
  const c = accountCredentials(account({ botToken: REF }), snapshot);
  assert.equal(c.credential("botToken"), "2:secret");
  assert.equal(c.credentialSource("botToken"), "secretRef");
  // Not in the snapshot (not resolved at start): no value, never a lookup of its own.
  const missing = accountCredentials(account({ botToken: REF }), emptySecretSnapshot());
  assert.equal(missing.credential("botToken"), undefined);
});

Deno.test("accountCredentials() reads the first line of a tokenFile", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/token`;
  await Deno.writeTextFile(path, "\n3:fromfile\nignored\n");
  const c = accountCredentials(account({ tokenFile: path }), emptySecretSnapshot());
  assert.equal(c.credential("tokenFile"), "3:fromfile");
  assert.equal(c.credentialSource("tokenFile"), "file");
  const dirAsFile = accountCredentials(account({ tokenFile: dir.path }), emptySecretSnapshot());
  assert.equal(dirAsFile.credential("tokenFile"), undefined, "only a regular file");
});
