import assert from "node:assert/strict";
import { setEnvVars, writeEnvFileVars } from "../../../lib/onboard/env_file.ts";
import { parseEnvFile } from "../../../lib/env.ts";
import { tempDir } from "../../helpers.ts";

Deno.test("setEnvVars() appends new variables and replaces existing ones in place", () => {
  const text = "# keys\nA=1\nexport B=old\nC=3\nB=dup\n";
  assert.equal(
    setEnvVars(text, [{ name: "B", value: "new" }, { name: "D", value: "d" }]),
    "# keys\nA=1\nB='new'\nC=3\nD='d'\n",
  );
  assert.equal(setEnvVars("", [{ name: "A", value: "x" }]), "A='x'\n");
});

Deno.test("writeEnvFileVars() writes 0600, keeps other lines and reports only changed names", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/state/.env`;
  assert.deepEqual(writeEnvFileVars(path, [{ name: "K", value: "v1" }]), ["K"]);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  await Deno.writeTextFile(path, "# mine\nOTHER=keep\n" + await Deno.readTextFile(path));
  assert.deepEqual(writeEnvFileVars(path, [{ name: "K", value: "v1" }]), []);
  assert.deepEqual(writeEnvFileVars(path, [{ name: "K", value: "v2" }]), ["K"]);
  const text = await Deno.readTextFile(path);
  assert.match(text, /^# mine$/m);
  assert.deepEqual({ ...parseEnvFile(text) }, { OTHER: "keep", K: "v2" });
});

Deno.test("writeEnvFileVars() refuses values a .env file cannot hold", async () => {
  await using dir = await tempDir();
  assert.throws(
    () => writeEnvFileVars(`${dir.path}/.env`, [{ name: "K", value: "a\nb" }]),
    /a \.env file cannot hold this value exactly/,
  );
});
