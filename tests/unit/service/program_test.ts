import assert from "node:assert/strict";
import {
  isDenoExecutable,
  portFromProgramArguments,
  resolveProgramArguments,
  resolveSourceEntry,
} from "../../../lib/service/program.ts";

Deno.test("isDenoExecutable() looks at the basename only", () => {
  assert.equal(isDenoExecutable("/usr/bin/deno"), true);
  assert.equal(isDenoExecutable("C:\\deno\\deno.exe"), true);
  assert.equal(isDenoExecutable("/usr/local/bin/openclaw"), false);
  assert.equal(isDenoExecutable("/opt/deno/bin/denoland"), false);
});

Deno.test("resolveProgramArguments() runs a compiled binary directly", () => {
  assert.deepEqual(
    resolveProgramArguments({ port: 18789, execPath: "/usr/local/bin/openclaw" }),
    ["/usr/local/bin/openclaw", "gateway", "--port", "18789"],
  );
});

Deno.test("resolveProgramArguments() runs main.ts through deno when running from source", () => {
  const args = resolveProgramArguments({ port: 19001, execPath: "/usr/bin/deno" });
  const main = new URL("../../../main.ts", import.meta.url).pathname;
  assert.deepEqual(args, ["/usr/bin/deno", "run", "-A", main, "gateway", "--port", "19001"]);
  assert.equal(resolveSourceEntry(), main);
  assert.ok(args[3].startsWith("/"), "the entry path is absolute");
});

Deno.test("portFromProgramArguments() reads --port N and --port=N", () => {
  assert.equal(portFromProgramArguments(["x", "gateway", "--port", "18789"]), 18789);
  assert.equal(portFromProgramArguments(["x", "--port=19001"]), 19001);
  assert.equal(portFromProgramArguments(["x", "gateway"]), undefined);
});
