import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  applyChunks,
  applyPatch,
  createApplyPatchTool,
  parsePatch,
} from "../../../lib/tools/apply_patch.ts";
import { tempWorkspace, toolContext } from "./_helpers.ts";

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

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");

Deno.test("parsePatch() reads add, update (with move and hunks) and delete", () => {
  const ops = parsePatch(patch(
    "*** Add File: new.txt",
    "+hello",
    "+",
    "*** Update File: src/a.ts",
    "*** Move to: src/b.ts",
    "@@ function f() {",
    " keep",
    "-old",
    "+new",
    "*** End of File",
    "*** Delete File: gone.txt",
  ));
  assert.deepEqual(ops, [
    { type: "add", path: "new.txt", content: "hello\n\n" },
    {
      type: "update",
      path: "src/a.ts",
      moveTo: "src/b.ts",
      chunks: [{
        context: "function f() {",
        oldLines: ["keep", "old"],
        newLines: ["keep", "new"],
        eof: true,
      }],
    },
    { type: "delete", path: "gone.txt" },
  ]);
});

Deno.test("parsePatch() names the line of a malformed patch", () => {
  assert.throws(
    () => parsePatch("*** Add File: x\n+a"),
    isCode("PATCH_INVALID", /line 1: .*Begin Patch/),
  );
  assert.throws(
    () => parsePatch("*** Begin Patch\n*** Add File: x\n+a"),
    isCode("PATCH_INVALID", /End Patch/),
  );
  assert.throws(
    () => parsePatch(patch("*** Add File: x", "oops")),
    isCode("PATCH_INVALID", /line 3: .*"\+"/),
  );
  assert.throws(() => parsePatch(patch("hello")), isCode("PATCH_INVALID", /line 2: expected/));
  assert.throws(
    () => parsePatch(patch("*** Update File: x")),
    isCode("PATCH_INVALID", /has no hunks/),
  );
  assert.throws(() => parsePatch(patch()), isCode("PATCH_INVALID", /changes no file/));
});

Deno.test("applyChunks() seeks context, tolerates trailing spaces and keeps a final newline", () => {
  const text = "a\nb\nc\nb\nd\n";
  const chunks = parsePatch(patch("*** Update File: f", "@@ c", "-b", "+B")).flatMap((o) =>
    o.type === "update" ? o.chunks : []
  );
  assert.equal(applyChunks(text, chunks, "f"), "a\nb\nc\nB\nd\n");
  const loose = parsePatch(patch("*** Update File: f", "@@", " a", "-b", "+x")).flatMap((o) =>
    o.type === "update" ? o.chunks : []
  );
  assert.equal(applyChunks("a  \nb\n", loose, "f"), "a\nx\n");
  const tail = parsePatch(patch("*** Update File: f", "@@", "-b", "+z", "*** End of File"))
    .flatMap((o) => (o.type === "update" ? o.chunks : []));
  assert.equal(applyChunks("b\na\nb\n", tail, "f"), "b\na\nz\n");
  assert.throws(
    () => applyChunks("a\n", chunks, "f"),
    isCode("PATCH_CONFLICT", /"f": hunk 1 context line "c" was not found/),
  );
});

Deno.test("apply_patch adds, updates, moves and deletes files", async () => {
  await using ws = await tempWorkspace();
  const w = ws.workspace;
  await Deno.writeTextFile(`${w}/a.txt`, "one\ntwo\nthree\n");
  await Deno.writeTextFile(`${w}/b.txt`, "bee\n");
  await Deno.writeTextFile(`${w}/c.txt`, "sea\n");
  const tool = createApplyPatchTool();
  const r = await tool.execute({
    input: patch(
      "*** Add File: dir/new.txt",
      "+fresh",
      "*** Update File: a.txt",
      "@@",
      " one",
      "-two",
      "+TWO",
      "*** Delete File: b.txt",
      "*** Update File: c.txt",
      "*** Move to: moved/c.txt",
      "@@",
      "-sea",
      "+SEA",
    ),
  }, toolContext(w));
  assert.deepEqual(r, {
    ok: true,
    added: ["dir/new.txt", "moved/c.txt"],
    modified: ["a.txt"],
    deleted: ["b.txt", "c.txt"],
    summary: "A dir/new.txt\nA moved/c.txt\nM a.txt\nD b.txt\nD c.txt",
  });
  assert.equal(await Deno.readTextFile(`${w}/dir/new.txt`), "fresh\n");
  assert.equal(await Deno.readTextFile(`${w}/a.txt`), "one\nTWO\nthree\n");
  assert.equal(await Deno.readTextFile(`${w}/moved/c.txt`), "SEA\n");
  assert.equal(await exists(`${w}/b.txt`), false);
  assert.equal(await exists(`${w}/c.txt`), false);
});

Deno.test("apply_patch with a failing hunk leaves every file untouched", async () => {
  await using ws = await tempWorkspace();
  const w = ws.workspace;
  await Deno.writeTextFile(`${w}/a.txt`, "one\ntwo\n");
  await Deno.writeTextFile(`${w}/b.txt`, "bee\n");
  await Deno.writeTextFile(`${w}/d.txt`, "dee\n");
  await assert.rejects(
    () =>
      applyPatch(
        w,
        patch(
          "*** Add File: new.txt",
          "+x",
          "*** Update File: a.txt",
          "@@",
          "-two",
          "+2",
          "*** Delete File: d.txt",
          "*** Update File: b.txt",
          "@@",
          "-not there",
          "+x",
        ),
      ),
    isCode("PATCH_CONFLICT", /"b\.txt": hunk 1 does not match the file/),
  );
  assert.equal(await Deno.readTextFile(`${w}/a.txt`), "one\ntwo\n");
  assert.equal(await Deno.readTextFile(`${w}/b.txt`), "bee\n");
  assert.equal(await Deno.readTextFile(`${w}/d.txt`), "dee\n");
  assert.equal(await exists(`${w}/new.txt`), false);
  await assert.rejects(
    () => applyPatch(w, patch("*** Update File: missing.txt", "@@", "-a", "+b")),
    isCode("FILE_NOT_FOUND"),
  );
});

Deno.test("apply_patch refuses paths outside the workspace before writing anything", async () => {
  await using ws = await tempWorkspace();
  await Deno.symlink(ws.outside, `${ws.workspace}/link`);
  for (const path of ["../outside/x.txt", "link/x.txt"]) {
    await assert.rejects(
      () =>
        applyPatch(
          ws.workspace,
          patch("*** Add File: ok.txt", "+fine", `*** Add File: ${path}`, "+x"),
        ),
      isCode("PATH_OUTSIDE_WORKSPACE"),
    );
  }
  assert.equal(await exists(`${ws.workspace}/ok.txt`), false);
  assert.equal(await exists(`${ws.outside}/x.txt`), false);
});

Deno.test("apply_patch rolls back files already written when a later write fails", async () => {
  await using ws = await tempWorkspace();
  const w = ws.workspace;
  await Deno.writeTextFile(`${w}/a.txt`, "one\n");
  await Deno.writeTextFile(`${w}/file.txt`, "plain file\n");
  await assert.rejects(
    () =>
      applyPatch(
        w,
        patch("*** Update File: a.txt", "@@", "-one", "+1", "*** Add File: file.txt/x.txt", "+x"),
      ),
    isCode("PATCH_WRITE_FAILED", /^Cannot apply patch: /),
  );
  assert.equal(await Deno.readTextFile(`${w}/a.txt`), "one\n");
  assert.equal(await Deno.readTextFile(`${w}/file.txt`), "plain file\n");
});
