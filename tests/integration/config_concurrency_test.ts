import assert from "node:assert/strict";
import JSON5 from "json5";
import { CLI_ENTRY, makeSandbox, runCli, writeFile } from "../helpers.ts";

Deno.test("10 concurrent config set processes lose no edit", async () => {
  await using sb = await makeSandbox();
  await writeFile(sb.configPath, `// shared\n{ gateway: { mode: "local" } }\n`);
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) => runCli(sb, ["config", "set", `env.vars.KEY_${i}`, `value-${i}`]),
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const text = await Deno.readTextFile(sb.configPath);
  const cfg = JSON5.parse(text);
  for (let i = 0; i < 10; i++) assert.equal(cfg.env.vars[`KEY_${i}`], `value-${i}`);
  assert.match(text, /\/\/ shared/);
});

Deno.test("kill -9 during a config write leaves the old or the new file, never a torn one", async () => {
  await using sb = await makeSandbox();
  // A large file makes each read-edit-write take long enough to be interrupted part-way.
  const big = "x".repeat(4_000_000);
  await writeFile(
    sb.configPath,
    `{ gateway: { mode: "local" }, identity: { name: "old", theme: "${big}" } }\n`,
  );
  for (let round = 0; round < 8; round++) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", CLI_ENTRY, "config", "set", "identity.name", `new${round}`],
      env: sb.env,
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).spawn();
    await new Promise((r) => setTimeout(r, 60 + round * 30));
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    const cfg = JSON5.parse(await Deno.readTextFile(sb.configPath)); // throws on a torn file
    assert.match(cfg.identity.name, /^(old|new\d)$/);
    assert.equal(cfg.identity.theme.length, big.length);
  }
  // The kernel released the lock of every killed writer: a normal edit still goes through, and
  // it sweeps the temp files the killed writers left behind.
  const r = await runCli(sb, ["config", "set", "identity.name", "final"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON5.parse(await Deno.readTextFile(sb.configPath)).identity.name, "final");
  const leftovers = [];
  for await (const e of Deno.readDir(sb.stateDir)) {
    if (e.name.endsWith(".tmp")) leftovers.push(e.name);
  }
  assert.deepEqual(leftovers, []);
});
