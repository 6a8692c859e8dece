import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { createEditTool, createReadTool, createWriteTool } from "../../../lib/tools/files.ts";
import { resolveWorkspacePath } from "../../../lib/tools/workspace_path.ts";
import { tempWorkspace, toolContext } from "./_helpers.ts";

const readTool = createReadTool();
const read = {
  execute: async (...a: Parameters<typeof readTool.execute>) =>
    String(await readTool.execute(...a)),
};
const write = createWriteTool();
const edit = createEditTool();

function isCode(code: string, text?: RegExp) {
  return (e: unknown) =>
    e instanceof OpenClawError && e.code === code && (!text || text.test(e.message));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("resolveWorkspacePath() keeps paths inside and folds ..", async () => {
  await using ws = await tempWorkspace();
  const real = await Deno.realPath(ws.workspace);
  const p = await resolveWorkspacePath(ws.workspace, "a/b/../c.txt");
  assert.equal(p.real, `${real}/a/c.txt`);
  assert.equal(p.relative, "a/c.txt");
  assert.equal((await resolveWorkspacePath(ws.workspace, `${ws.workspace}/x`)).relative, "x");
  assert.equal((await resolveWorkspacePath(ws.workspace, ".")).relative, ".");
  // A workspace configured through a symlink works with relative and absolute paths.
  await Deno.symlink(ws.workspace, `${ws.root}/ws-link`);
  const viaLink = await resolveWorkspacePath(`${ws.root}/ws-link`, `${ws.root}/ws-link/d/f`);
  assert.equal(viaLink.real, `${real}/d/f`);
  assert.equal((await resolveWorkspacePath(`${ws.root}/ws-link`, "d/f")).relative, "d/f");
});

Deno.test("resolveWorkspacePath() refuses .., absolute and symlink escapes", async () => {
  await using ws = await tempWorkspace();
  await Deno.writeTextFile(`${ws.outside}/secret.txt`, "secret");
  await Deno.symlink(ws.outside, `${ws.workspace}/link`);
  await Deno.symlink(`${ws.outside}/secret.txt`, `${ws.workspace}/secret-link`);
  await Deno.symlink(`${ws.outside}/missing.txt`, `${ws.workspace}/dangling`);
  for (
    const bad of [
      "../outside/secret.txt",
      `${ws.outside}/secret.txt`,
      "/etc/passwd",
      "link/secret.txt",
      "link/new.txt",
      "secret-link",
      "a/../../outside",
    ]
  ) {
    await assert.rejects(
      () => resolveWorkspacePath(ws.workspace, bad),
      isCode("PATH_OUTSIDE_WORKSPACE", /outside the workspace/),
      bad,
    );
  }
  await assert.rejects(
    () => resolveWorkspacePath(ws.workspace, "dangling"),
    isCode("PATH_INVALID", /dangling symlink/),
  );
  await assert.rejects(() => resolveWorkspacePath(ws.workspace, "  "), isCode("PATH_INVALID"));
  await assert.rejects(
    () => resolveWorkspacePath(`${ws.root}/nope`, "x"),
    isCode("WORKSPACE_MISSING"),
  );
});

Deno.test("read returns lines with offset / limit and says how to continue", async () => {
  await using ws = await tempWorkspace();
  const ctx = toolContext(ws.workspace);
  await Deno.writeTextFile(`${ws.workspace}/f.txt`, "one\ntwo\nthree\nfour\n");
  assert.equal(await read.execute({ path: "f.txt" }, ctx), "one\ntwo\nthree\nfour");
  assert.equal(
    await read.execute({ path: "f.txt", offset: 2, limit: 2 }, ctx),
    "two\nthree\n[... more lines: continue with offset=4 ...]",
  );
  assert.equal(await read.execute({ path: "f.txt", offset: 4, limit: 1 }, ctx), "four");
  assert.match(await read.execute({ path: "f.txt", offset: 9 }, ctx), /file is shorter/);
  const big = Array.from({ length: 2500 }, (_, i) => `l${i}`).join("\n");
  await Deno.writeTextFile(`${ws.workspace}/big.txt`, big);
  const out = await read.execute({ path: "big.txt" }, ctx);
  assert.ok(out.endsWith("l1999\n[... more lines: continue with offset=2001 ...]"));
  await Deno.writeFile(`${ws.workspace}/bin`, new Uint8Array([0, 1, 2, 3]));
  assert.match(await read.execute({ path: "bin" }, ctx), /^\[binary file bin: 4 bytes/);
  await assert.rejects(() => read.execute({ path: "nope.txt" }, ctx), isCode("FILE_NOT_FOUND"));
  await assert.rejects(() => read.execute({ path: "." }, ctx), isCode("NOT_A_FILE"));
});

Deno.test("read and write refuse a symlink escape and leave the outside untouched", async () => {
  await using ws = await tempWorkspace();
  const ctx = toolContext(ws.workspace);
  await Deno.writeTextFile(`${ws.outside}/secret.txt`, "secret");
  await Deno.symlink(ws.outside, `${ws.workspace}/link`);
  await assert.rejects(
    () => read.execute({ path: "link/secret.txt" }, ctx),
    isCode("PATH_OUTSIDE_WORKSPACE", /"link\/secret\.txt"/),
  );
  await assert.rejects(
    () => write.execute({ path: "link/evil.txt", content: "x" }, ctx),
    isCode("PATH_OUTSIDE_WORKSPACE"),
  );
  await assert.rejects(
    () => write.execute({ path: "../outside/evil.txt", content: "x" }, ctx),
    isCode("PATH_OUTSIDE_WORKSPACE"),
  );
  assert.equal(await exists(`${ws.outside}/evil.txt`), false);
  assert.equal(await Deno.readTextFile(`${ws.outside}/secret.txt`), "secret");
});

Deno.test("write creates parent directories and keeps the mode of a replaced file", async () => {
  await using ws = await tempWorkspace();
  const ctx = toolContext(ws.workspace);
  const r = await write.execute({ path: "deep/dir/new.txt", content: "héllo" }, ctx);
  assert.deepEqual(r, { ok: true, path: "deep/dir/new.txt", bytes: 6 });
  assert.equal(await Deno.readTextFile(`${ws.workspace}/deep/dir/new.txt`), "héllo");
  await Deno.chmod(`${ws.workspace}/deep/dir/new.txt`, 0o755);
  await write.execute({ path: "deep/dir/new.txt", content: "again" }, ctx);
  assert.equal((await Deno.stat(`${ws.workspace}/deep/dir/new.txt`)).mode! & 0o777, 0o755);
  await assert.rejects(
    () => write.execute({ path: "deep", content: "x" }, ctx),
    isCode("NOT_A_FILE"),
  );
});

Deno.test("edit replaces a unique match and refuses missing or ambiguous text", async () => {
  await using ws = await tempWorkspace();
  const ctx = toolContext(ws.workspace);
  const file = `${ws.workspace}/e.txt`;
  await Deno.writeTextFile(file, "alpha $1 beta\nbeta gamma\n");
  assert.deepEqual(
    await edit.execute({ path: "e.txt", oldText: "alpha $1", newText: "A $&" }, ctx),
    {
      ok: true,
      path: "e.txt",
      replacements: 1,
    },
  );
  assert.equal(await Deno.readTextFile(file), "A $& beta\nbeta gamma\n");
  await assert.rejects(
    () => edit.execute({ path: "e.txt", oldText: "beta", newText: "B" }, ctx),
    isCode("EDIT_AMBIGUOUS", /occurs 2 times/),
  );
  await assert.rejects(
    () => edit.execute({ path: "e.txt", oldText: "delta", newText: "D" }, ctx),
    isCode("EDIT_NO_MATCH", /was not found/),
  );
  await assert.rejects(
    () => edit.execute({ path: "e.txt", oldText: "", newText: "D" }, ctx),
    isCode("EDIT_NO_MATCH"),
  );
  assert.equal(
    await Deno.readTextFile(file),
    "A $& beta\nbeta gamma\n",
    "refused edits change nothing",
  );
  const all = await edit.execute(
    { path: "e.txt", oldText: "beta", newText: "B", replaceAll: true },
    ctx,
  );
  assert.equal((all as { replacements: number }).replacements, 2);
  assert.equal(await Deno.readTextFile(file), "A $& B\nB gamma\n");
  await assert.rejects(
    () => edit.execute({ path: "none.txt", oldText: "a", newText: "b" }, ctx),
    isCode("FILE_NOT_FOUND"),
  );
});

Deno.test("edit through a symlink inside the workspace changes the target, not the link", async () => {
  await using ws = await tempWorkspace();
  const ctx = toolContext(ws.workspace);
  await Deno.writeTextFile(`${ws.workspace}/target.txt`, "old\n");
  await Deno.symlink("target.txt", `${ws.workspace}/alias.txt`);
  await edit.execute({ path: "alias.txt", oldText: "old", newText: "new" }, ctx);
  assert.equal(await Deno.readTextFile(`${ws.workspace}/target.txt`), "new\n");
  assert.ok((await Deno.lstat(`${ws.workspace}/alias.txt`)).isSymlink);
});
