import assert from "node:assert/strict";
import { makeSandbox, runCli, writeFile } from "../helpers.ts";

async function setupLayers(sb: { home: string; stateDir: string; configPath: string }) {
  await writeFile(`${sb.home}/project/.env`, "A=cwd\nB=cwd\n");
  await writeFile(`${sb.stateDir}/.env`, "A=state\nB=state\nC=state\n");
  await writeFile(
    sb.configPath,
    `{ env: { A: "config", B: "config", C: "config", vars: { D: "config-vars" } },
       identity: { name: "\${A} \${B} \${C} \${D}" } }`,
  );
}

Deno.test("env precedence: process > ./.env > <stateDir>/.env > config env block", async () => {
  await using sb = await makeSandbox();
  await setupLayers(sb);
  const cwd = `${sb.home}/project`;
  let r = await runCli(sb, ["config", "get", "identity.name"], { cwd });
  assert.equal(r.stdout.trim(), "cwd cwd state config-vars", r.stderr);
  r = await runCli(sb, ["config", "get", "identity.name"], { cwd, env: { A: "process" } });
  assert.equal(r.stdout.trim(), "process cwd state config-vars");
  r = await runCli(sb, ["config", "get", "identity.name"]);
  assert.equal(r.stdout.trim(), "state state state config-vars");
});

Deno.test("a profile reads its own state dir .env, never the default one", async () => {
  await using sb = await makeSandbox();
  await writeFile(`${sb.stateDir}/.env`, "WHO=default\n");
  await writeFile(`${sb.home}/.openclaw-work/.env`, "WHO=work\n");
  await writeFile(`${sb.home}/.openclaw-work/openclaw.json`, `{ identity: { name: "\${WHO}" } }`);
  const r = await runCli(sb, ["--profile", "work", "config", "get", "identity.name"]);
  assert.equal(r.stdout.trim(), "work", r.stderr);
});
