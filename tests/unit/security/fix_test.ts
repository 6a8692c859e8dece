import assert from "node:assert/strict";
import { loadAuditContext } from "../../../lib/security/context.ts";
import { applySecurityFixes, planConfigFixes } from "../../../lib/security/fix.ts";
import { tempState } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";
const mode = (path: string) => (Deno.statSync(path).mode ?? 0) & 0o777;

const CONFIG = `// my config
{
  logging: { redactSensitive: "off" }, // too noisy
  channels: {
    // the team group
    telegram: {
      groupPolicy: "open",
      accounts: { work: { groupPolicy: "open" }, home: { groupPolicy: "disabled" } },
    },
  },
  gateway: { bind: "lan", auth: { mode: "password", password: "hunter2" } },
}
`;

Deno.test("planConfigFixes() turns redaction on and closes open group policies only", () => {
  const raw = {
    logging: { redactSensitive: "off" },
    channels: {
      defaults: { groupPolicy: "open" },
      telegram: { groupPolicy: "open", accounts: { a: { groupPolicy: "open" } } },
      discord: { groupPolicy: "allowlist", dmPolicy: "open" },
    },
    gateway: { bind: "lan", auth: { mode: "none" } },
  };
  const { edits, actions } = planConfigFixes(raw);
  assert.deepEqual(edits.map((e) => e.path.join(".")), [
    "logging.redactSensitive",
    "channels.defaults.groupPolicy",
    "channels.telegram.groupPolicy",
    "channels.telegram.accounts.a.groupPolicy",
  ]);
  assert.deepEqual(actions[0], {
    kind: "config",
    target: "logging.redactSensitive",
    detail: '"off" → "tools"',
    ok: true,
  });
  assert.deepEqual(planConfigFixes({}).edits, []);
});

Deno.test({
  name: "applySecurityFixes() edits the config keeping comments, writes a .bak, never touches auth",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState(CONFIG);
    const result = await applySecurityFixes(loadAuditContext({ env: s.env }));
    assert.equal(result.ok, true);
    const after = await Deno.readTextFile(s.configPath);
    assert.equal(
      after,
      CONFIG.replace('redactSensitive: "off"', 'redactSensitive: "tools"')
        .replace('groupPolicy: "open",', 'groupPolicy: "allowlist",')
        .replace('work: { groupPolicy: "open" }', 'work: { groupPolicy: "allowlist" }'),
    );
    assert.equal(await Deno.readTextFile(`${s.configPath}.bak`), CONFIG);
    assert.deepEqual(result.actions.map((a) => a.target), [
      "logging.redactSensitive",
      "channels.telegram.groupPolicy",
      "channels.telegram.accounts.work.groupPolicy",
    ]);
  },
});

Deno.test({
  name: "applySecurityFixes() makes state, config, sessions and logs owner-only",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState("{}\n");
    const sessions = `${s.stateDir}/agents/main/sessions`;
    await Deno.mkdir(sessions, { recursive: true });
    await Deno.writeTextFile(`${sessions}/sessions.json`, "{}");
    await Deno.writeTextFile(`${sessions}/a.jsonl`, "");
    await Deno.mkdir(`${s.home}/logs`);
    await Deno.writeTextFile(`${s.home}/logs/openclaw-2026-01-01.log`, "");
    for (const p of [`${sessions}/sessions.json`, `${sessions}/a.jsonl`, s.configPath]) {
      await Deno.chmod(p, 0o644);
    }
    await Deno.chmod(`${s.home}/logs/openclaw-2026-01-01.log`, 0o644);
    await Deno.chmod(s.stateDir, 0o755);
    const result = await applySecurityFixes(loadAuditContext({ env: s.env }));
    assert.equal(result.ok, true);
    assert.equal(mode(s.stateDir), 0o700);
    assert.equal(mode(s.configPath), 0o600);
    assert.equal(mode(`${sessions}/sessions.json`), 0o600);
    assert.equal(mode(`${sessions}/a.jsonl`), 0o600);
    assert.equal(mode(`${s.home}/logs/openclaw-2026-01-01.log`), 0o600);
    assert.ok(result.actions.some((a) => a.kind === "chmod" && a.detail === "755 → 700"));
    assert.equal(
      await Deno.readTextFile(s.configPath),
      "{}\n",
      "nothing to edit: the config text stays",
    );
    const again = await applySecurityFixes(loadAuditContext({ env: s.env }));
    assert.deepEqual(again.actions, [], "a second run has nothing to do");
  },
});

Deno.test({
  name: "applySecurityFixes() does not replace a symlinked config with a copy",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState();
    const real = `${s.home}/real.json`;
    await Deno.writeTextFile(real, '{ logging: { redactSensitive: "off" } }\n');
    await Deno.symlink(real, s.configPath);
    const result = await applySecurityFixes(loadAuditContext({ env: s.env }));
    assert.equal(result.actions[0].skipped, "the config file is a symlink");
    assert.ok(Deno.lstatSync(s.configPath).isSymlink);
  },
});
