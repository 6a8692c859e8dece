/**
 * The one-file build: `deno bundle` output must run the CLI on its own, reading nothing from the
 * source tree (the property `deno compile` relies on, which our machines cannot build).
 */
import assert from "node:assert/strict";
import { makeSandbox, writeFile } from "../helpers.ts";
import { VERSION } from "../../lib/version.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(entry: string, env: Record<string, string>, cwd: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", entry, ...args],
    env,
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task bundle produces one file that runs the CLI smoke tests", async () => {
  await using sb = await makeSandbox();
  // Bundle into a directory outside the source tree, and run it from there.
  const entry = `${sb.home}/bin/openclaw.js`;
  const b = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", entry, `${ROOT}main.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(b.success, new TextDecoder().decode(b.stderr));
  const files = [];
  for await (const e of Deno.readDir(`${sb.home}/bin`)) files.push(e.name);
  assert.deepEqual(files, ["openclaw.js"]);

  const cli = (args: string[]) => run(entry, sb.env, sb.home, args);
  assert.equal((await cli(["--version"])).stdout.trim(), VERSION);
  assert.equal((await cli(["setup"])).code, 0);
  assert.equal((await cli(["config", "set", "gateway.port", "18999"])).code, 0);
  assert.equal((await cli(["config", "get", "gateway.port"])).stdout.trim(), "18999");
  assert.equal((await cli(["config", "validate"])).code, 0);
  const schema = await cli(["config", "schema"]);
  assert.ok(JSON.parse(schema.stdout).properties.gateway);
  await writeFile(sb.configPath, `{ gateway: { port: "x" } }`);
  assert.equal((await cli(["config", "validate"])).code, 78);
  assert.equal((await cli(["nope"])).code, 2);
});
