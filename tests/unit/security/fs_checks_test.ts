import assert from "node:assert/strict";
import { loadAuditContext } from "../../../lib/security/context.ts";
import { collectFilesystemFindings, permissionTargets } from "../../../lib/security/fs_checks.ts";
import { ids, tempState } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

function audit(s: { env: Record<string, string> }) {
  return collectFilesystemFindings(loadAuditContext({ env: s.env }));
}

Deno.test({
  name: "collectFilesystemFindings() reports nothing for a private state dir and config",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState("{}\n");
    assert.deepEqual(audit(s), []);
  },
});

Deno.test({
  name: "collectFilesystemFindings() flags a world-readable config as critical",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState("{}\n");
    await Deno.chmod(s.configPath, 0o644);
    const [f, ...rest] = audit(s);
    assert.equal(rest.length, 0);
    assert.equal(f.checkId, "fs.config.perms_world_readable");
    assert.equal(f.severity, "critical");
    assert.match(f.detail, /~\/\.openclaw\/openclaw\.json \(mode 644\)/);
    assert.match(f.remediation, /chmod 600/);
  },
});

Deno.test({
  name: "collectFilesystemFindings() grades config modes: group-readable warn, writable critical",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState("{}\n");
    await Deno.chmod(s.configPath, 0o640);
    assert.deepEqual(audit(s).map((f) => [f.checkId, f.severity]), [
      ["fs.config.perms_group_readable", "warn"],
    ]);
    await Deno.chmod(s.configPath, 0o666);
    assert.deepEqual(ids(audit(s)), ["fs.config.perms_writable", "fs.config.perms_world_readable"]);
  },
});

Deno.test({
  name: "collectFilesystemFindings() grades state dir modes",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState();
    await Deno.chmod(s.stateDir, 0o777);
    assert.deepEqual(audit(s).map((f) => [f.checkId, f.severity]), [
      ["fs.state_dir.perms_world_writable", "critical"],
      ["fs.state_dir.perms_readable", "warn"],
    ]);
    await Deno.chmod(s.stateDir, 0o730);
    assert.deepEqual(ids(audit(s)), ["fs.state_dir.perms_group_writable"]);
    await Deno.chmod(s.stateDir, 0o700);
  },
});

Deno.test({
  name: "collectFilesystemFindings() flags symlinked state dir and config",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState();
    const real = `${s.home}/real`;
    await Deno.mkdir(real, { mode: 0o700 });
    await Deno.chmod(real, 0o700);
    await Deno.writeTextFile(`${real}/cfg.json`, "{}");
    await Deno.chmod(`${real}/cfg.json`, 0o600);
    await Deno.remove(s.stateDir);
    await Deno.symlink(real, s.stateDir);
    await Deno.symlink(`${real}/cfg.json`, `${real}/openclaw.json`);
    assert.deepEqual(ids(audit(s)), ["fs.state_dir.symlink", "fs.config.symlink"]);
  },
});

Deno.test({
  name: "collectFilesystemFindings() covers credentials, auth profiles, sessions and logs",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState();
    const put = async (path: string, mode: number) => {
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, "{}");
      await Deno.chmod(path, mode);
    };
    await put(`${s.stateDir}/credentials/whatsapp/default/creds.json`, 0o644);
    await put(`${s.stateDir}/agents/main/agent/auth-profiles.json`, 0o644);
    await put(`${s.stateDir}/agents/main/sessions/sessions.json`, 0o644);
    await put(`${s.stateDir}/agents/main/sessions/abc.jsonl`, 0o600);
    await put(`${s.home}/logs/openclaw-2026-01-02.log`, 0o644);
    await Deno.chmod(`${s.stateDir}/credentials`, 0o700);
    const found = audit(s);
    assert.deepEqual(ids(found), [
      "fs.credentials_dir.perms_readable",
      "fs.auth_profiles.perms_readable",
      "fs.sessions_store.perms_readable",
      "fs.log_file.perms_readable",
    ]);
    assert.match(found[0].detail, /creds\.json \(mode 644\)/);
    assert.doesNotMatch(found[2].detail, /abc\.jsonl/, "a 600 transcript is fine");
  },
});

Deno.test({
  name: "permissionTargets() lists the paths --fix tightens and skips symlinks",
  ignore: !posix,
  fn: async () => {
    await using s = await tempState("{}\n");
    await Deno.mkdir(`${s.stateDir}/agents/main/sessions`, { recursive: true });
    await Deno.writeTextFile(`${s.stateDir}/agents/main/sessions/x.jsonl`, "");
    await Deno.symlink("/etc/hostname", `${s.stateDir}/agents/main/sessions/y.jsonl`);
    const targets = permissionTargets(loadAuditContext({ env: s.env }));
    const rel = targets.map((t) => [t.path.slice(s.home.length), t.mode.toString(8)]);
    assert.deepEqual(rel, [
      ["/.openclaw", "700"],
      ["/.openclaw/openclaw.json", "600"],
      ["/.openclaw/agents/main/sessions", "700"],
      ["/.openclaw/agents/main/sessions/x.jsonl", "600"],
    ]);
  },
});
