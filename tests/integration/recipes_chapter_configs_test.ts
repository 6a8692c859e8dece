/**
 * Sections 2–3 of the chapter: every config template and snippet, as a user copies it, loads,
 * validates, survives `config set`/`unset` with its comments, and starts the gateway.
 */
import { chapterFixtures, checkChapterFixture } from "./_chapter_configs.ts";
import { runCli } from "../helpers.ts";
import assert from "node:assert/strict";

const SETUP = new Map([
  // The 1Password CLI is not on this machine: a stand-in `op` in a trusted dir prints the value,
  // and the provider points at it (the user's own `config set`).
  ["s3_onepassword.json5", {
    async prepare(sb: { home: string; env: Record<string, string> }, env: Record<string, string>) {
      const dir = `${sb.home}/opt/bin`;
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(`${dir}/op`, "#!/bin/sh\necho sk-from-1password\n", { mode: 0o755 });
      for (
        const [key, value] of [
          ["secrets.providers.onepassword_openai.command", `${dir}/op`],
          ["secrets.providers.onepassword_openai.trustedDirs", JSON.stringify([dir])],
        ]
      ) {
        const r = await runCli({ ...sb, env }, ["config", "set", key, value]);
        assert.equal(r.code, 0, r.stderr);
      }
    },
  }],
]);

for (const name of chapterFixtures([2, 3])) {
  Deno.test(`chapter config ${name} loads, validates, round-trips and starts`, async () => {
    await checkChapterFixture(name, SETUP.get(name));
  });
}
