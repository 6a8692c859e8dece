/**
 * The chapter's configs through the CLI's config writers: `default:` is written as a bare key
 * (a reserved word, which JSON5 allows), with comments, and `config set` / `config unset` must
 * edit such a file in place and leave it valid.
 */
import assert from "node:assert/strict";
import JSON5 from "json5";
import { makeSandbox, runCli } from "../helpers.ts";

const CHAPTER_CONFIG = `// OpenClaw config, written by hand from the chapter
{
  gateway: {
    mode: "local",
    bind: "loopback", // loopback | lan | tailnet | custom
  },
  secrets: {
    providers: {
      default: { source: "env" }, // the env provider
      filemain: {
        source: "file",
        path: "~/.openclaw/secrets.json",
        mode: "json",
      },
    },
  },
  agents: {
    list: [
      { id: "main", default: true }, // the default agent
      { id: "ops" },
    ],
  },
}
`;

Deno.test("config set and config unset edit a config with unquoted default: keys, keeping comments", async () => {
  await using sb = await makeSandbox({ config: CHAPTER_CONFIG });
  const set = await runCli(sb, ["config", "set", "gateway.port", "19001"]);
  assert.equal(set.code, 0, set.stderr);
  const unset = await runCli(sb, ["config", "unset", "secrets.providers.filemain"]);
  assert.equal(unset.code, 0, unset.stderr);

  const text = await Deno.readTextFile(sb.configPath);
  for (
    const comment of [
      "// OpenClaw config, written by hand from the chapter",
      "// loopback | lan | tailnet | custom",
      "// the env provider",
      "// the default agent",
    ]
  ) {
    assert.ok(text.includes(comment), `kept ${comment}`);
  }
  assert.match(text, /\n {6}default: \{ source: "env" \}, \/\/ the env provider\n/);
  assert.match(text, /\n {6}\{ id: "main", default: true \}, \/\/ the default agent\n/);
  const cfg = JSON5.parse(text);
  assert.equal(cfg.gateway.port, 19001);
  assert.deepEqual(cfg.secrets.providers, { default: { source: "env" } });
  assert.deepEqual(cfg.agents.list, [{ id: "main", default: true }, { id: "ops" }]);

  const validate = await runCli(sb, ["config", "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
});
