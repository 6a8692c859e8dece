import assert from "node:assert/strict";
import { tailLogFile } from "../../../lib/log/tail.ts";
import { tempDir } from "../../helpers.ts";

async function withFile(text: string, fn: (path: string) => Promise<void>) {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/x.log`, text);
  await fn(`${dir.path}/x.log`);
}

Deno.test("tailLogFile() returns the last lines and a cursor at the end", async () => {
  await withFile("a\nb\nc\n", async (p) => {
    const r = await tailLogFile(p, { limit: 2 });
    assert.deepEqual(r.lines, ["b", "c"]);
    assert.equal(r.cursor, 6);
    assert.equal(r.truncated, true);
    assert.equal(r.reset, false);
  });
});

Deno.test("tailLogFile() continues from a cursor and leaves a partial line for later", async () => {
  await withFile("a\nb\n", async (p) => {
    const first = await tailLogFile(p);
    await Deno.writeTextFile(p, "c\nhalf", { append: true });
    const next = await tailLogFile(p, { cursor: first.cursor });
    assert.deepEqual(next.lines, ["c"]);
    await Deno.writeTextFile(p, "-done\n", { append: true });
    const last = await tailLogFile(p, { cursor: next.cursor });
    assert.deepEqual(last.lines, ["half-done"]);
  });
});

Deno.test("tailLogFile() resets when the cursor is past the end (rotation)", async () => {
  await withFile("new\n", async (p) => {
    const r = await tailLogFile(p, { cursor: 1000 });
    assert.equal(r.reset, true);
    assert.deepEqual(r.lines, ["new"]);
  });
});

Deno.test("tailLogFile() respects maxBytes and drops the partial first line", async () => {
  await withFile("0123456789\nabc\ndef\n", async (p) => {
    const r = await tailLogFile(p, { maxBytes: 7 });
    assert.deepEqual(r.lines, ["def"]);
    assert.equal(r.truncated, true);
  });
});

Deno.test("tailLogFile() of a missing file is empty", async () => {
  const r = await tailLogFile("/nonexistent/openclaw.log");
  assert.deepEqual([r.lines, r.size], [[], 0]);
});
