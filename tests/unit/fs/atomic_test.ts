import assert from "node:assert/strict";
import { writeFileAtomic } from "../../../lib/fs/atomic.ts";

Deno.test("writeFileAtomic() writes 0600, keeps a .bak and leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = `${dir}/c.json`;
    writeFileAtomic(p, "one", { backup: true });
    writeFileAtomic(p, "two", { backup: true });
    assert.equal(await Deno.readTextFile(p), "two");
    assert.equal(await Deno.readTextFile(`${p}.bak`), "one");
    assert.equal((await Deno.stat(p)).mode! & 0o777, 0o600);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["c.json", "c.json.bak"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
