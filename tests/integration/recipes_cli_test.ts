/**
 * The user guide's recipes as a user types them: printed hints that keep the profile,
 * `--allow-unconfigured` leaving the config alone, `| head`, `gateway --help` and agent errors
 * that name their cause.
 */
import assert from "node:assert/strict";
import {
  CLI_ENTRY,
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  spawnGateway,
} from "../helpers.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("setup's Next: hint carries the profile flags", async () => {
  await using sb = await makeSandbox();
  const work = await runCli(sb, ["--profile", "work", "setup"]);
  assert.equal(work.code, 0, work.stderr);
  assert.match(work.stdout, /Next: openclaw --profile work gateway /);
  assert.match(work.stdout, /openclaw --profile work gateway install/);
  const dev = await runCli(sb, ["--dev", "setup"]);
  assert.equal(dev.code, 0, dev.stderr);
  assert.match(dev.stdout, /Next: openclaw --dev gateway /);
  const plain = await runCli(sb, ["setup"]);
  assert.match(plain.stdout, /Next: openclaw gateway /);
});

Deno.test("gateway's Missing config hint carries the profile flags", async () => {
  await using sb = await makeSandbox();
  for (
    const [globalArgs, cmd] of [
      [["--profile", "work"], "openclaw --profile work setup"],
      [["--dev"], "openclaw --dev setup"],
    ] as const
  ) {
    const gw = spawnGateway(sb, ["--port", String(freePort())], { globalArgs: [...globalArgs] });
    const code = (await gw.child.status).code;
    await gw.stop();
    assert.equal(code, 1, gw.output());
    assert.ok(gw.output().includes(`Missing config. Run \`${cmd}\``), gw.output());
    assert.ok(gw.output().includes(`Hint: ${cmd}`), gw.output());
  }
});

Deno.test("gateway --allow-unconfigured never creates the config; its token works", async () => {
  await using sb = await makeSandbox();
  const port = freePort();
  const gw = spawnGateway(sb, ["--port", String(port), "--allow-unconfigured"], { port });
  try {
    await gw.waitFor(/Gateway listening on/);
    const token = gw.output().match(/Gateway token \(this process only, not saved\): (\S+)/)
      ?.[1];
    assert.ok(token, gw.output());
    assert.equal(await exists(sb.configPath), false, "openclaw.json was created");
    const call = await runCli(sb, ["gateway", "call", "health", "--token", token]);
    assert.equal(call.code, 0, call.stdout + call.stderr);
    // The CLI on this host finds the token without being told (the gateway's runtime file).
    const health = await runCli(sb, ["health", "--json"]);
    assert.equal(health.code, 0, health.stdout + health.stderr);
  } finally {
    assert.equal(await gw.stop(), 0);
  }
  assert.equal(await exists(sb.configPath), false, "openclaw.json was created");
});

Deno.test("gateway --allow-unconfigured leaves an existing config untouched", async () => {
  // A config without gateway.mode and without auth: a plain start would refuse; this one starts
  // and must not save the token it generates.
  const text = '// mine\n{\n  agents: { defaults: { workspace: "~/ws" } },\n}\n';
  await using sb = await makeSandbox({ config: text });
  const port = freePort();
  const gw = spawnGateway(sb, ["--port", String(port), "--allow-unconfigured"], { port });
  try {
    await gw.waitFor(/Gateway listening on/);
    assert.match(gw.output(), /Gateway token \(this process only, not saved\)/);
    const health = await runCli(sb, ["health", "--json"]);
    assert.equal(health.code, 0, health.stdout + health.stderr);
  } finally {
    assert.equal(await gw.stop(), 0);
  }
  assert.equal(await Deno.readTextFile(sb.configPath), text);
});

/** Runs the CLI with its stdout reader closed before anything is written (`| head`). */
async function runWithClosedStdout(sb: Sandbox, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI_ENTRY, ...args],
    env: sb.env,
    clearEnv: true,
    cwd: sb.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdout.cancel();
  const stderr = new Response(child.stderr).text();
  return { code: (await child.status).code, stderr: await stderr };
}

Deno.test("a closed stdout pipe ends the command quietly with exit 0", async () => {
  await using sb = await makeSandbox();
  for (const args of [["status"], ["status", "--json"], ["setup"]]) {
    const r = await runWithClosedStdout(sb, args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /Broken pipe|Error/, args.join(" "));
  }
});

Deno.test("gateway --help lists the options of gateway run", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["gateway", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  for (const opt of ["--port <port>", "--force", "--bind <mode>", "--allow-unconfigured"]) {
    assert.ok(r.stdout.includes(opt), `${opt} missing:\n${r.stdout}`);
  }
});

Deno.test("agent --local with a missing CLI backend prints the cause", async () => {
  await using sb = await makeSandbox();
  // No `claude` on PATH (deno itself is run by absolute path).
  const r = await runCli(
    sb,
    ["agent", "--local", "--model", "claude-cli/opus-4.6", "--message", "hi"],
    { env: { PATH: `${sb.home}/no-bin` } },
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /unavailable/);
  assert.match(r.stderr, /command "claude" was not found/);
});
