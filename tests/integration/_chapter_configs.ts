/**
 * The chapter's config templates and snippets (tests/fixtures/chapter/*.json5, written as a user
 * copies them, comments included) and the steps every one of them must survive: load, validate,
 * `config set gateway.mode local` where missing, set/unset round trips with comments intact,
 * and a gateway start.
 */
import assert from "node:assert/strict";
import JSON5 from "json5";
import { applyConfigEdits } from "../../lib/config/edit.ts";
import { parseConfigPath } from "../../lib/config/path.ts";
import { freePort, makeSandbox, runCli, type Sandbox, spawnGateway } from "../helpers.ts";

const FIXTURES = new URL("../fixtures/chapter/", import.meta.url);

/** What a fixture needs beyond the file itself to start on a machine without the real services. */
export interface ChapterFixtureSetup {
  /** Runs after the config is in place and before the gateway starts. */
  prepare?: (sb: Sandbox, env: Record<string, string>) => Promise<void>;
  /** Extra environment for every CLI run and the gateway. */
  env?: (sb: Sandbox) => Record<string, string>;
}

/** The fixture file names of sections `from`..`to` (by their `sN_` prefix). */
export function chapterFixtures(sections: readonly number[]): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(FIXTURES)) {
    const m = /^s(\d+)_.*\.json5$/.exec(entry.name);
    if (m && sections.includes(Number(m[1]))) names.push(entry.name);
  }
  return names.sort();
}

function commentsOf(text: string): string[] {
  return [...text.matchAll(/\/\/[^\n]*/g)].map((m) => m[0].trim());
}

// Edits a user makes around the chapter's keys: a new top-level key, a nested new key, a change
// next to the snippet's own values, then their removal.
const ROUND_TRIP_PATHS = ["gateway.port", "logging.maxFileBytes", "ui.assistant.name"] as const;
const ROUND_TRIP_VALUES: Record<(typeof ROUND_TRIP_PATHS)[number], unknown> = {
  "gateway.port": 19999,
  "logging.maxFileBytes": 1048576,
  "ui.assistant.name": "Clawd",
};

/** Asserts that set/unset edits keep every comment and give back exactly the original value. */
export function assertRoundTrips(name: string, text: string): void {
  const original = JSON5.parse(text);
  let current = text;
  for (const path of ROUND_TRIP_PATHS) {
    const segs = parseConfigPath(path);
    const hadValue = segs.reduce<unknown>(
      (node, s) =>
        node && typeof node === "object" ? (node as Record<string, unknown>)[String(s)] : undefined,
      original,
    );
    if (hadValue !== undefined) continue;
    current = applyConfigEdits(current, [{ op: "set", path: segs, value: ROUND_TRIP_VALUES[path] }])
      .text;
    const after = JSON5.parse(current);
    assert.deepEqual(
      segs.reduce<unknown>((n, s) => (n as Record<string, unknown>)[String(s)], after),
      ROUND_TRIP_VALUES[path],
      `${name}: ${path} was set`,
    );
    for (const c of commentsOf(text)) assert.ok(current.includes(c), `${name}: lost "${c}"`);
  }
  for (const path of [...ROUND_TRIP_PATHS].reverse()) {
    current = applyConfigEdits(current, [{ op: "unset", path: parseConfigPath(path) }]).text;
  }
  const back = JSON5.parse(current);
  // Unset leaves an emptied parent behind only where the edit created it; compare without them.
  assert.deepEqual(prune(back), prune(original), `${name}: the round trip changed the config`);
  for (const c of commentsOf(text)) assert.ok(current.includes(c), `${name}: lost "${c}"`);
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = prune(v);
    if (p && typeof p === "object" && !Array.isArray(p) && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

/** Runs every step for one fixture as the user would. */
export async function checkChapterFixture(
  name: string,
  setup: ChapterFixtureSetup = {},
): Promise<void> {
  const text = await Deno.readTextFile(new URL(name, FIXTURES));
  await using sb = await makeSandbox({ config: text, prefix: "openclaw-chapter-" });
  const env = { ...sb.env, ...setup.env?.(sb) };
  const run = (args: string[]) => runCli({ ...sb, env }, args);

  const validate = await run(["config", "validate"]);
  assert.equal(validate.code, 0, `${name}: config validate\n${validate.stdout}${validate.stderr}`);

  assertRoundTrips(name, text);

  if (JSON5.parse(text).gateway?.mode === undefined) {
    const set = await run(["config", "set", "gateway.mode", "local"]);
    assert.equal(set.code, 0, `${name}: config set gateway.mode local\n${set.stderr}`);
  }
  const written = await Deno.readTextFile(sb.configPath);
  for (const c of commentsOf(text)) assert.ok(written.includes(c), `${name}: CLI lost "${c}"`);

  await setup.prepare?.(sb, env);
  const port = freePort();
  await using gw = spawnGateway({ ...sb, env }, ["--port", String(port)], { port });
  await gw.waitFor(/Gateway listening on/, 30_000);
  const health = await fetch(`http://127.0.0.1:${port}/readyz`);
  await health.body?.cancel();
  assert.equal(health.status, 200, `${name}: /readyz`);
  assert.equal(await gw.stop(), 0, `${name}: gateway exit\n${gw.output()}`);
}
