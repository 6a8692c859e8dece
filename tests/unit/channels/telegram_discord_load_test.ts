/**
 * What connecting Telegram or Discord loads (issue 17): the platform modules and everything they
 * import statically stay free of npm packages and `node:` modules. A package here costs the
 * gateway RSS for as long as the channel is configured: grammY was ~6 MB (its bundled `debug`
 * reads `process`, which starts Deno's Node layer), zod's schemas and compiled parsers for the
 * platform payloads ~0.8 MB. Read from Deno's own module graph, like tests/unit/start_path_test.ts.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../../", import.meta.url);

interface Info {
  modules: {
    specifier: string;
    dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
  }[];
}

/** The specifiers `entry` loads through static imports (type-only imports excluded). */
async function staticClosure(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success, `deno info ${entry}`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as Info;
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [new URL(entry, ROOT).href];
  while (stack.length > 0) {
    const spec = stack.pop()!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    for (const dep of bySpec.get(spec)?.dependencies ?? []) {
      const next = dep.code?.specifier;
      if (!dep.isDynamic && next) stack.push(next);
    }
  }
  return [...seen];
}

for (const platform of ["telegram", "discord"]) {
  Deno.test(`the ${platform} platform loads no npm package and no node: module`, async () => {
    const mods = await staticClosure(`gateway/channels/platforms/${platform}.ts`);
    assert.ok(mods.some((m) => m.includes(`/lib/channels/${platform}/adapter.ts`)), "read");
    assert.deepEqual(mods.filter((m) => !m.startsWith("file:")), []);
  });
}
