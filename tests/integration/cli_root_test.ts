import assert from "node:assert/strict";
import { makeSandbox, runCli } from "../helpers.ts";
import { VERSION } from "../../lib/version.ts";

Deno.test("openclaw --version prints the version", async () => {
  await using sb = await makeSandbox();
  for (const flag of ["--version", "-V", "-v"]) {
    const r = await runCli(sb, [flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), VERSION);
  }
});

Deno.test("openclaw <command> --help works on every command", async () => {
  await using sb = await makeSandbox();
  for (
    const args of [["--help"], ["config", "--help"], ["config", "set", "--help"], [
      "setup",
      "--help",
    ]]
  ) {
    const r = await runCli(sb, args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /Usage: openclaw/);
  }
});

Deno.test("openclaw help asks for help (exit 0); a command group without its sub-command is a usage error", async () => {
  await using sb = await makeSandbox();
  const help = await runCli(sb, ["help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: openclaw/);
  const group = await runCli(sb, ["cron"]);
  assert.equal(group.code, 2);
});

Deno.test("an unknown command is a usage error with a suggestion", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["confg", "get", "gateway.port"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'confg'/);
  assert.match(r.stderr, /Did you mean config\?/);
});

Deno.test("an unknown flag is a usage error with a suggestion", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["config", "get", "gateway.port", "--jsno"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--jsno'/);
  assert.match(r.stderr, /Did you mean --json\?/);
});

Deno.test("a usage error with --json prints the error envelope", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["config", "get", "--json"]);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.error.type, "USAGE");
});

Deno.test("--dev with --profile is refused", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["--dev", "--profile", "x", "config", "file"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Cannot combine --dev with --profile/);
});

Deno.test("an invalid --profile name is refused", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["--profile", "../etc", "config", "file"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid --profile \(use letters, numbers, "_", "-" only\)/);
});
