/**
 * The program's own sources stay within Latin-1 (docs/ARCHITECTURE.md, "What the start path
 * loads"): when run from source, V8 keeps each module's transpiled text with its inline source map
 * as one string, and a single character above U+00FF makes that whole string two bytes per
 * character. Comments use ASCII (`->`, `--`, `...`); literals that need such a character write it
 * as an escape (`"\u2192"`), which gives the same value.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(new URL(dir, ROOT))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sources(path);
    else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith(".generated.ts")) yield path;
  }
}

Deno.test("the program's sources have no character above U+00FF", async () => {
  const offenders: string[] = [];
  const paths = ["main.ts"];
  for (const dir of ["lib", "gateway", "cli", "vendor"]) {
    for await (const p of sources(dir)) paths.push(p);
  }
  for (const path of paths) {
    const text = await Deno.readTextFile(new URL(path, ROOT));
    const m = /[\u0100-\u{10FFFF}]/u.exec(text);
    if (m) {
      const line = text.slice(0, m.index).split("\n").length;
      offenders.push(`${path}:${line} ${JSON.stringify(m[0])}`);
    }
  }
  assert.ok(paths.length > 300, "the sources were read");
  assert.deepEqual(offenders, []);
});
