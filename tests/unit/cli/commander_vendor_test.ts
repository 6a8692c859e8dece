/**
 * The vendored commander (vendor/commander/): the CLI's help and usage errors come out as before,
 * and the parts that went through Node built-ins (option events, env-backed options, exit) work.
 */
import assert from "node:assert/strict";
import { Command, Option } from "@commander-js/extra-typings";
import { COMMANDS } from "../../../cli/program.ts";
import { ExitCode } from "../../../lib/errors.ts";
import { makeSandbox, runCli, tempDir } from "../../helpers.ts";

const MOD_URL = new URL("../../../vendor/commander/mod.js", import.meta.url).href;

Deno.test("the CLI framework is the vendored commander, not the npm package", () => {
  for (const name of ["@commander-js/extra-typings", "commander"]) {
    assert.ok(import.meta.resolve(name).endsWith("/vendor/commander/mod.js"), name);
  }
});

Deno.test("openclaw --help lists every command with its summary", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: openclaw \[options\] \[command\]\n/);
  assert.match(r.stdout, /^ {2}-h, --help +display help for command$/m);
  const listed = [...r.stdout.split("\nCommands:\n")[1].matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(listed, [...COMMANDS.map((c) => c.name), "help"]);
  for (const c of COMMANDS) {
    // Long summaries wrap; their first word is on the command's line.
    assert.match(r.stdout, new RegExp(`^ {2}${c.name} +${c.summary.split(" ")[0]}`, "m"));
  }
});

Deno.test("an unknown option exits with the usage code and commander's message", async () => {
  await using sb = await makeSandbox();
  const r = await runCli(sb, ["--bogus"]);
  assert.equal(r.code, ExitCode.usage);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "error: unknown option '--bogus'\n");
});

Deno.test("option events reach .on('option:…') listeners", async () => {
  const seen: string[] = [];
  const program = new Command().exitOverride().option("--port <n>").action(() => {});
  program.on("option:port", (v: string) => seen.push(v));
  await program.parseAsync(["--port", "18789"], { from: "user" });
  assert.deepEqual(seen, ["18789"]);
  assert.equal(program.opts().port, "18789");
});

Deno.test("an option backed by an environment variable reads Deno.env", async () => {
  const program = new Command().exitOverride()
    .addOption(new Option("--path-var <p>").env("PATH"))
    .action(() => {});
  await program.parseAsync([], { from: "user" });
  assert.equal(program.opts().pathVar, Deno.env.get("PATH"));
  assert.equal(program.getOptionValueSource("pathVar"), "env");
});

Deno.test("an executable sub-command is refused with a clear error", async () => {
  const program = new Command().exitOverride();
  program.command("plugin", "run the openclaw-plugin executable");
  await assert.rejects(
    program.parseAsync(["plugin"], { from: "user" }),
    /executable sub-command 'plugin' is not supported/,
  );
});

Deno.test("without exitOverride() a usage error ends the process with code 1", async () => {
  await using dir = await tempDir();
  const script = `${dir.path}/bare.ts`;
  await Deno.writeTextFile(
    script,
    `import { Command } from ${JSON.stringify(MOD_URL)};
new Command().name("bare").option("--port <n>").parse(["--nope"], { from: "user" });
console.log("not reached");
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 1);
  assert.equal(dec.decode(out.stdout), "");
  assert.equal(dec.decode(out.stderr), "error: unknown option '--nope'\n");
});
