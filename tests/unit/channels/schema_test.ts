import assert from "node:assert/strict";
import { formatConfigIssues, OpenClawConfigSchema } from "../../../lib/config/schema.ts";

function issuesOf(raw: Record<string, unknown>) {
  const r = OpenClawConfigSchema.safeParse(raw);
  return r.success ? [] : formatConfigIssues(r.error);
}

Deno.test('channels schema refuses dmPolicy open without "*" in allowFrom', () => {
  assert.deepEqual(issuesOf({ channels: { telegram: { dmPolicy: "open", allowFrom: ["1"] } } }), [{
    path: "channels.telegram.dmPolicy",
    message: 'dmPolicy "open" requires allowFrom to include "*"',
  }]);
  assert.deepEqual(
    issuesOf({ channels: { telegram: { dmPolicy: "open", allowFrom: ["*"] } } }),
    [],
  );
});

Deno.test("channels schema refuses dmPolicy allowlist with an empty allowFrom", () => {
  assert.deepEqual(issuesOf({ channels: { discord: { dm: { policy: "allowlist" } } } }), [{
    path: "channels.discord.dm.policy",
    message: 'dmPolicy "allowlist" requires allowFrom to list at least one sender',
  }]);
});

Deno.test("channels schema lets accounts inherit allowFrom from the channel root", () => {
  assert.deepEqual(
    issuesOf({
      channels: { telegram: { allowFrom: ["*"], accounts: { a: { dmPolicy: "open" } } } },
    }),
    [],
  );
  assert.deepEqual(
    issuesOf({ channels: { telegram: { accounts: { a: { dmPolicy: "open" } } } } }),
    [{
      path: "channels.telegram.accounts.a.dmPolicy",
      message: 'dmPolicy "open" requires allowFrom to include "*"',
    }],
  );
});

Deno.test("channels schema types the outbound, history and group keys", () => {
  const ok = {
    channels: {
      defaults: { groupPolicy: "allowlist", implicitMentions: { replyToBot: false } },
      telegram: {
        apiRoot: "http://127.0.0.1:8081",
        responsePrefix: "🦞",
        textChunkLimit: 4000,
        chunkMode: "newline",
        streaming: "partial",
        historyLimit: 20,
        replyToMode: "first",
        groups: {
          "*": { requireMention: true },
          "-1001": { groupPolicy: "open", topics: { "7": { requireMention: false } } },
        },
        someProviderKey: { kept: true },
      },
      discord: { streaming: { mode: "off", chunkMode: "length" }, webhookPort: 8787 },
    },
  };
  assert.deepEqual(issuesOf(ok), []);
  assert.deepEqual(issuesOf({ channels: { telegram: { chunkMode: "words" } } }), [{
    path: "channels.telegram.chunkMode",
    message: 'Invalid value "words": expected one of "length", "newline"',
  }]);
  assert.equal(
    issuesOf({ channels: { telegram: { textChunkLimit: 0 } } })[0].path,
    "channels.telegram.textChunkLimit",
  );
});
