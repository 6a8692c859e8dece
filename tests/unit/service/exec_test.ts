import assert from "node:assert/strict";
import { runCommand } from "../../../lib/service/exec.ts";

Deno.test("runCommand keeps at most maxOutputBytes of a long output, says so, and still reads the child to its end", async () => {
  const r = await runCommand("sh", ["-c", "head -c 3000000 /dev/zero; echo done >&2"], {
    maxOutputBytes: 64 * 1024,
  });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, 64 * 1024);
  assert.equal(r.stderr, "done\n");
  assert.equal(r.truncated, true);
});

Deno.test("runCommand returns a short output whole and does not mark it truncated", async () => {
  const r = await runCommand("sh", ["-c", "printf 'hello'"]);
  assert.deepEqual(r, { code: 0, stdout: "hello", stderr: "" });
});

Deno.test("runCommand writes stdin to the child and closes it; a child that never reads it still runs", async () => {
  const input = new TextEncoder().encode("line one\nline two\n");
  const cat = await runCommand("cat", [], { stdin: input });
  assert.equal(cat.code, 0);
  assert.equal(cat.stdout, "line one\nline two\n");
  const big = new Uint8Array(4 * 1024 * 1024).fill(0x61);
  const deaf = await runCommand("sh", ["-c", "echo done"], { stdin: big });
  assert.equal(deaf.code, 0);
  assert.equal(deaf.stdout, "done\n");
});
