import assert from "node:assert/strict";
import JSON5 from "json5";
import { makeSandbox, runCli } from "../helpers.ts";

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      out.push(e.name);
      if (e.isDirectory) {
        for (const c of await listTree(`${dir}/${e.name}`)) out.push(`${e.name}/${c}`);
      }
    }
  } catch { /* missing */ }
  return out.sort();
}

Deno.test("setup creates the state dir (0700), config (0600) and workspace", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["setup", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.stateDir, sb.stateDir);
  assert.equal((await Deno.stat(sb.stateDir)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(sb.configPath)).mode! & 0o777, 0o600);
  const cfg = JSON5.parse(await Deno.readTextFile(sb.configPath));
  assert.equal(cfg.gateway.mode, "local");
  assert.equal(cfg.agents.defaults.workspace, `${sb.stateDir}/workspace`);
  for (const f of ["AGENTS.md", "SOUL.md", "TOOLS.md", "IDENTITY.md", "USER.md", "HEARTBEAT.md"]) {
    await Deno.stat(`${sb.stateDir}/workspace/${f}`);
  }
  const v = await runCli(sb, ["config", "validate"]);
  assert.equal(v.code, 0, v.stderr);
});

Deno.test("setup run twice changes nothing and keeps user edits", async () => {
  await using sb = await makeSandbox();
  await runCli(sb, ["setup"]);
  await Deno.writeTextFile(`${sb.stateDir}/workspace/SOUL.md`, "mine");
  const before = await Deno.readTextFile(sb.configPath);
  const r = await runCli(sb, ["setup", "--json"]);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout).created, []);
  assert.equal(await Deno.readTextFile(sb.configPath), before);
  assert.equal(await Deno.readTextFile(`${sb.stateDir}/workspace/SOUL.md`), "mine");
});

Deno.test("--dev setup and the default profile never touch each other's files", async () => {
  await using sb = await makeSandbox();
  assert.equal((await runCli(sb, ["--dev", "setup"])).code, 0);
  assert.deepEqual(await listTree(sb.stateDir), [], "default state dir untouched");
  const devTree = await listTree(`${sb.home}/.openclaw-dev`);
  assert.ok(devTree.includes("openclaw.json"));

  assert.equal((await runCli(sb, ["setup"])).code, 0);
  assert.equal((await runCli(sb, ["config", "set", "gateway.port", "18800"])).code, 0);
  assert.equal((await runCli(sb, ["--dev", "config", "set", "gateway.port", "19050"])).code, 0);
  assert.equal((await runCli(sb, ["config", "get", "gateway.port"])).stdout.trim(), "18800");
  assert.equal(
    (await runCli(sb, ["--dev", "config", "get", "gateway.port"])).stdout.trim(),
    "19050",
  );
  assert.deepEqual(
    await listTree(`${sb.home}/.openclaw-dev`),
    devTree.includes("openclaw.json.bak") ? devTree : [...devTree, "openclaw.json.bak"].sort(),
  );
  const devCfg = JSON5.parse(await Deno.readTextFile(`${sb.home}/.openclaw-dev/openclaw.json`));
  assert.equal(devCfg.agents.defaults.workspace, `${sb.home}/.openclaw-dev/workspace`);
});

Deno.test("named profiles live side by side", async () => {
  await using sb = await makeSandbox();
  await runCli(sb, ["--profile", "main", "setup"]);
  await runCli(sb, ["--profile", "rescue", "setup"]);
  await runCli(sb, ["--profile", "rescue", "config", "set", "identity.name", "Rescue"]);
  const main = await runCli(sb, ["--profile", "main", "config", "get", "identity.name"]);
  assert.equal(main.code, 1);
  const rescue = await runCli(sb, ["--profile", "rescue", "config", "get", "identity.name"]);
  assert.equal(rescue.stdout.trim(), "Rescue");
});
