/**
 * The chapter's doctor checks that stock has and we lacked: optional updates, UI protocol
 * refresh, gateway health, skills status (summary and folders), OpenCode provider override,
 * legacy disk layout, legacy cron storage, hooks model validation, runtime best practices.
 */
import assert from "node:assert/strict";
import { cronStoreCheck, legacyStateCheck } from "../../../lib/doctor/checks/legacy_state.ts";
import { uiProtocolCheck, updateCheck } from "../../../lib/doctor/checks/freshness.ts";
import { gatewayHealthCheck } from "../../../lib/doctor/checks/health.ts";
import { hooksModelCheck, opencodeOverrideCheck } from "../../../lib/doctor/checks/providers.ts";
import { filesystemOf, runtimePracticeCheck } from "../../../lib/doctor/checks/runtime.ts";
import { skillsStatusCheck, skillsSummaryCheck } from "../../../lib/doctor/checks/skills.ts";
import { PROTOCOL_VERSION } from "../../../lib/protocol/constants.ts";
import { VERSION } from "../../../lib/version.ts";
import { doctorHome, runCheck } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

async function writeAt(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

function messages(r: { findings: { message: string }[] }): string[] {
  return r.findings.map((f) => f.message);
}

Deno.test("update.check names the installed version and honours update.checkOnStart", async () => {
  await using h = await doctorHome("{}");
  let r = await runCheck(updateCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(
    r.findings[0].message,
    new RegExp(`^openclaw ${VERSION.replaceAll(".", "\\.")} .*doctor does not look for updates`),
  );
  await Deno.writeTextFile(
    h.configPath,
    `{ update: { checkOnStart: false }, meta: { lastTouchedVersion: "2099.1.0" } }`,
  );
  r = await runCheck(updateCheck, h);
  assert.equal(r.status, "warn");
  assert.match(r.findings[0].message, /update checks are off \(update\.checkOnStart=false\)/);
  assert.equal(r.findings[1].path, "meta.lastTouchedVersion");
  assert.match(r.findings[1].message, /last written by openclaw 2099\.1\.0, newer than this/);
});

Deno.test("ui.protocol says there is nothing to rebuild, and compares a UI root's protocol", async () => {
  await using h = await doctorHome("{}");
  let r = await runCheck(uiProtocolCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /^No Control UI assets to rebuild/);
  const root = `${h.home}/ui`;
  await Deno.writeTextFile(
    h.configPath,
    `{ gateway: { controlUi: { root: "~/ui" } } }`,
  );
  r = await runCheck(uiProtocolCheck, h);
  assert.equal(r.status, "warn");
  assert.deepEqual(messages(r), ["Control UI root ~/ui does not exist"]);
  await writeAt(`${root}/index.html`, "<openclaw-app></openclaw-app>");
  await writeAt(`${root}/assets/app.js`, `send({minProtocol:3,maxProtocol:3,client:{}})`);
  r = await runCheck(uiProtocolCheck, h);
  assert.equal(r.status, "warn");
  assert.match(
    r.findings[0].message,
    new RegExp(`speak protocol 3, but this gateway speaks protocol ${PROTOCOL_VERSION}`),
  );
  await Deno.writeTextFile(`${root}/assets/app.js`, `({minProtocol:3,maxProtocol:4})`);
  r = await runCheck(uiProtocolCheck, h);
  assert.equal(r.status, "ok");
  assert.match(r.findings[0].message, /speak protocols 3-4, which includes/);
  await Deno.writeTextFile(h.configPath, `{ gateway: { controlUi: { enabled: false } } }`);
  r = await runCheck(uiProtocolCheck, h);
  assert.equal(r.status, "skipped");
});

Deno.test("gateway.health asks a running gateway's /readyz and says how to restart it", async () => {
  await using h = await doctorHome("{}");
  let r = await runCheck(gatewayHealthCheck, h);
  assert.equal(r.status, "skipped");
  assert.match(r.findings[0].message, /^Gateway is not running here/);
  let ready = true;
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/readyz") return new Response("nope", { status: 404 });
    return ready
      ? Response.json({ ok: true, status: "ready" })
      : Response.json({ ok: false, status: "not-ready", failing: ["agent"] }, { status: 503 });
  });
  await Deno.writeTextFile(
    `${h.stateDir}/gateway.runtime.json`,
    JSON.stringify({ pid: Deno.pid, port: server.addr.port, host: "127.0.0.1" }),
  );
  r = await runCheck(gatewayHealthCheck, h);
  assert.equal(r.status, "ok");
  assert.deepEqual(messages(r), [
    `Gateway pid ${Deno.pid} on port ${server.addr.port} is healthy (GET /readyz: ready)`,
  ]);
  ready = false;
  r = await runCheck(gatewayHealthCheck, h);
  assert.equal(r.status, "warn");
  assert.match(r.findings[0].message, /answers but is not ready: agent$/);
  assert.match(r.findings[0].fix ?? "", /^openclaw gateway restart/);
});

const NOTES_SKILL = `---
name: notes
description: Take notes
metadata:
  openclaw:
    requires:
      bins: [definitely-not-a-command-here]
      env:
        - NOTES_TOKEN
---
# Notes
`;

Deno.test("skills.summary counts available, missing and blocked skills per agent", async () => {
  await using h = await doctorHome(`{ skills: { entries: { shell: { enabled: false } } } }`);
  let r = await runCheck(skillsSummaryCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /^No skills installed \(looked in ~\/\.openclaw\/workspace/);
  const skills = `${h.stateDir}/workspace/skills`;
  await writeAt(`${skills}/notes/SKILL.md`, NOTES_SKILL);
  await writeAt(`${skills}/plain/SKILL.md`, "---\nname: plain\ndescription: Plain\n---\n");
  await writeAt(`${h.stateDir}/skills/shell/SKILL.md`, "---\nname: shell\ndescription: x\n---\n");
  r = await runCheck(skillsSummaryCheck, h);
  assert.equal(r.status, "warn");
  assert.deepEqual(messages(r), [
    "Agent main: 1 available, 1 missing requirements, 1 blocked",
    'Skill "notes" cannot be used: it needs command definitely-not-a-command-here, env NOTES_TOKEN',
  ]);
  assert.match(r.findings[1].fix ?? "", /skills\.entries\.notes\.enabled false/);
});

Deno.test("skills.status counts each agent's skills and names a malformed SKILL.md", async () => {
  await using h = await doctorHome(`{ agents: { list: [{ id: "main" }, { id: "ops" }] } }`);
  let r = await runCheck(skillsStatusCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(
    r.findings[0].message,
    /^No skills folders yet \(~\/\.openclaw\/workspace\/skills, /,
  );
  const skills = `${h.stateDir}/workspace/skills`;
  await writeAt(`${skills}/notes/SKILL.md`, NOTES_SKILL);
  await writeAt(`${skills}/broken/SKILL.md`, "---\nname: broken\ndescription\n---\n");
  await writeAt(`${skills}/open/SKILL.md`, "---\nname: open\ndescription: never closed\n");
  r = await runCheck(skillsStatusCheck, h);
  assert.equal(r.status, "warn");
  assert.deepEqual(messages(r), [
    "Agent main: 1 skill(s) in ~/.openclaw/workspace/skills, 2 unreadable",
    '~/.openclaw/workspace/skills/broken: line 3: expected "key: value", found "description"; ' +
    "the agent will not see it",
    "~/.openclaw/workspace/skills/open: the frontmatter has no closing --- line; " +
    "the agent will not see it",
  ]);
});

Deno.test("models.opencode warns about a hand-written OpenCode provider", async () => {
  await using h = await doctorHome("{}");
  let r = await runCheck(opencodeOverrideCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /^No OpenCode provider override/);
  await Deno.writeTextFile(
    h.configPath,
    `{ models: { providers: { "opencode-zen": { baseUrl: "https://x", api: "openai-completions" } } } }`,
  );
  r = await runCheck(opencodeOverrideCheck, h);
  assert.equal(r.status, "warn");
  assert.equal(r.findings[0].path, "models.providers.opencode-zen");
  assert.match(
    r.findings[0].message,
    /Overrides the built-in OpenCode Zen catalog.*"openai-completions"/,
  );
  assert.equal(
    r.findings[0].fix,
    "Remove it unless you mean it: openclaw config unset models.providers.opencode-zen",
  );
});

Deno.test("state.legacy moves sessions/ and agent/ into agents/<id>/ and keeps what it cannot merge", async () => {
  await using h = await doctorHome(`{ agents: { list: [{ id: "ops", default: true }] } }`);
  let r = await runCheck(legacyStateCheck, h);
  assert.equal(r.status, "ok");
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0].message, /^No older layout to migrate/);
  await writeAt(`${h.stateDir}/sessions/sessions.json`, `{"a":1}`);
  await writeAt(`${h.stateDir}/sessions/s1.jsonl`, "old\n");
  await writeAt(`${h.stateDir}/agent/auth-profiles.json`, "{}");
  await writeAt(`${h.stateDir}/agents/ops/sessions/sessions.json`, `{"b":2}`);
  r = await runCheck(legacyStateCheck, h);
  assert.equal(r.status, "warn");
  assert.deepEqual(messages(r), [
    "Sessions in the older layout: ~/.openclaw/sessions belongs in ~/.openclaw/agents/ops/sessions",
    "Agent state in the older layout: ~/.openclaw/agent belongs in ~/.openclaw/agents/ops/agent",
  ]);
  r = await runCheck(legacyStateCheck, h, { nonInteractive: true });
  assert.equal(r.status, "fixed");
  const sessions = `${h.stateDir}/agents/ops/sessions`;
  assert.equal(await Deno.readTextFile(`${sessions}/s1.jsonl`), "old\n");
  assert.equal(await Deno.readTextFile(`${sessions}/sessions.json`), `{"b":2}`, "never replaced");
  assert.equal(await Deno.readTextFile(`${h.stateDir}/agents/ops/agent/auth-profiles.json`), "{}");
  const backup = [...Deno.readDirSync(h.stateDir)].find((e) =>
    e.name.startsWith("sessions.legacy-")
  );
  assert.ok(backup, "the conflicting store is kept next to it");
  assert.equal(
    await Deno.readTextFile(`${h.stateDir}/${backup.name}/sessions.json`),
    `{"a":1}`,
  );
  assert.ok(
    r.findings.some((f) =>
      /^Kept 1 entry that .* in ~\/\.openclaw\/sessions\.legacy-/.test(f.message)
    ),
  );
});

Deno.test("state.legacy moves a WhatsApp login out of credentials/ but leaves pairing files", async () => {
  await using h = await doctorHome("{}");
  const creds = `${h.stateDir}/credentials`;
  await writeAt(`${creds}/creds.json`, "{}");
  await writeAt(`${creds}/pre-key-1.json`, "{}");
  await writeAt(`${creds}/oauth.json`, "{}");
  await writeAt(`${creds}/telegram-pairing.json`, "{}");
  const r = await runCheck(legacyStateCheck, h, { fix: true });
  assert.equal(r.status, "fixed");
  assert.deepEqual(
    [...Deno.readDirSync(`${creds}/whatsapp/default`)].map((e) => e.name).sort(),
    ["creds.json", "pre-key-1.json"],
  );
  assert.deepEqual(
    [...Deno.readDirSync(creds)].filter((e) => e.isFile).map((e) => e.name).sort(),
    ["oauth.json", "telegram-pairing.json"],
  );
});

Deno.test("cron.store says when there is no store, and --fix rewrites older job shapes keeping a .bak", async () => {
  await using h = await doctorHome(`{ cron: { webhook: "https://hooks.example/cron" } }`);
  let r = await runCheck(cronStoreCheck, h);
  assert.equal(r.status, "skipped");
  assert.deepEqual(messages(r), [
    "No cron store to migrate (~/.openclaw/cron/jobs.json does not exist)",
  ]);
  const store = `${h.stateDir}/cron/jobs.json`;
  const legacy = JSON.stringify([
    { jobId: "a", schedule: { kind: "cron", cron: "0 7 * * *" }, message: "Morning brief" },
    { id: "b", schedule: "*/5 * * * *", payload: { kind: "systemevent", text: "x" }, notify: true },
  ]);
  await writeAt(store, legacy);
  r = await runCheck(cronStoreCheck, h);
  assert.equal(r.status, "warn");
  assert.match(r.findings[0].message, /uses older shapes: bare job list .*jobId → id \(1\)/);
  r = await runCheck(cronStoreCheck, h, { fix: true });
  assert.equal(r.status, "fixed");
  assert.equal(await Deno.readTextFile(`${store}.bak`), legacy);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(store)), {
    version: 1,
    jobs: [
      {
        id: "a",
        schedule: { kind: "cron", expr: "0 7 * * *" },
        payload: { kind: "agentTurn", message: "Morning brief" },
      },
      {
        id: "b",
        schedule: { kind: "cron", expr: "*/5 * * * *" },
        payload: { kind: "systemEvent", text: "x" },
        delivery: { mode: "webhook", to: "https://hooks.example/cron" },
      },
    ],
  });
  r = await runCheck(cronStoreCheck, h);
  assert.deepEqual(messages(r), [
    "Cron store ~/.openclaw/cron/jobs.json: 2 job(s), current shape; nothing to migrate",
  ]);
});

Deno.test("hooks.model warns naming the field whose model does not resolve or is not allowed", async () => {
  await using h = await doctorHome("{}");
  let r = await runCheck(hooksModelCheck, h);
  assert.equal(r.status, "skipped");
  assert.match(r.findings[0].message, /^No hook sets a model/);
  await Deno.writeTextFile(
    h.configPath,
    `{
      agents: { defaults: { models: { "anthropic/claude-opus-4-6": {} } } },
      hooks: {
        gmail: { model: "nope/gpt-9" },
        mappings: [{ model: "openai/gpt-5" }, { model: "anthropic/claude-opus-4-6" }],
      },
    }`,
  );
  r = await runCheck(hooksModelCheck, h);
  assert.equal(r.status, "warn");
  assert.deepEqual(r.findings.map((f) => [f.severity, f.path ?? null]), [
    ["warn", "hooks.gmail.model"],
    ["warn", "hooks.mappings[0].model"],
    ["info", null],
  ]);
  assert.match(r.findings[0].message, /names provider "nope", which is not known here/);
  assert.match(
    r.findings[1].message,
    /"openai\/gpt-5" is not in the agents\.defaults\.models allowlist/,
  );
  assert.equal(
    r.findings[2].message,
    "hooks.mappings[1].model: anthropic/claude-opus-4-6 resolves",
  );
});

Deno.test("runtime.practice reports the runtime, the open-file limit and a volatile state dir", async () => {
  await using h = await doctorHome("{}");
  const r = await runCheck(runtimePracticeCheck, h);
  assert.notEqual(r.status, "error");
  assert.equal(
    r.findings[0].message,
    `Runtime: Deno ${Deno.version.deno} on ${Deno.build.os}/${Deno.build.arch}`,
  );
  assert.ok(r.findings.some((f) => /open-file limit/i.test(f.message)), JSON.stringify(r.findings));
  if (posix && Deno.uid() === 0) {
    assert.ok(r.findings.some((f) => f.severity === "warn" && /^Running as root/.test(f.message)));
  }
  const mounts = "/dev/sda1 / ext4 rw 0 0\ntmpfs /run/user tmpfs rw 0 0\n" +
    "srv:/home /mnt/my\\040home nfs4 rw 0 0\n";
  assert.equal(filesystemOf("/run/user/1000/.openclaw", mounts), "tmpfs");
  assert.equal(filesystemOf("/mnt/my home/.openclaw", mounts), "nfs4");
  assert.equal(filesystemOf("/home/me/.openclaw", mounts), "ext4");
});
