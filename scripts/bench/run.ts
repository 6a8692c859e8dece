/**
 * `deno task bench`: times what DESIGN.md budgets, against both the source (`deno run main.ts`)
 * and the bundle (`deno task bundle` → dist/openclaw.js + dist/openclaw/, rebuilt when a `cli`,
 * `start` or `idle` group runs; every case of those groups has a `bundle` row), next to Deno's
 * floor measured in the same run (scripts/bench/floor/: a bare Hono + WebSocket server and a
 * hello script), and prints Markdown for docs/benchmarks.md: the main table, then a ratio table
 * (ours / floor, goal).
 *
 * Runs are sequential; CLI and start rows are the p50 of N runs after a warm-up, ours and the
 * floor interleaved. Groups (all by default; `BENCH_ONLY=<group,…>` picks some):
 *
 * | group | rows |
 * |---|---|
 * | `cli` | `--version`, `config get gateway.port` vs `deno run hello.ts` |
 * | `start` | gateway start → `/readyz` vs the floor server's |
 * | `idle` | `gateway status --json`, `health --json` vs hello; idle RSS and CPU; `health` round trips vs the floor's echo |
 * | `agent` | `/v1/chat/completions` added latency over the fake model |
 * | `channels` | Telegram / Discord DM → reply added latency; RSS with 2 and 5 channels connected |
 * | `dashboard` | Control UI first paint, bytes, RSS after it connects (needs chromium) |
 * | `sockets` | 1,000 operator sockets |
 * | `flood` | idle TCP flood at `ulimit -n 1024` |
 * | `soak` | steady traffic for `BENCH_SOAK_MS` (default 60000) ms |
 *
 * `BENCH_RUNS` (default 30) sets the CLI runs; gateway starts are `min(BENCH_RUNS, 10)`,
 * channel turns `BENCH_RUNS` per platform, dashboard loads `min(BENCH_RUNS, 10)`.
 *
 * @module
 */
import { Report } from "./report.ts";
import { benchCli, type BenchContext, benchIdle, benchStart } from "./sections_core.ts";
import { benchAgent, benchChannels, benchLoad } from "./sections_more.ts";
import { floorIdleRss } from "./gateway.ts";
import { bundle } from "../bundle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 30);
const SOAK_MS = Number(Deno.env.get("BENCH_SOAK_MS") ?? 60_000);
const TOKEN = "bench-token-0123456789abcdef";
const GROUPS = [
  "cli",
  "start",
  "idle",
  "agent",
  "channels",
  "dashboard",
  "sockets",
  "flood",
  "soak",
] as const;
type Group = typeof GROUPS[number];

function selectedGroups(): Set<Group> {
  const only = Deno.env.get("BENCH_ONLY");
  if (!only) return new Set(GROUPS);
  const picked = only.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = picked.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) {
    console.error(
      `BENCH_ONLY: unknown group(s) ${unknown.join(", ")}; groups: ${GROUPS.join(", ")}`,
    );
    Deno.exit(2);
  }
  return new Set(picked as Group[]);
}

/** The bundle's entry, or undefined (with a note) when `deno task bundle` fails on this tree. */
async function ensureBundle(report: Report): Promise<string | undefined> {
  try {
    return (await bundle(`${ROOT}dist/openclaw.js`)).entry;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).trim().replaceAll("\n", " ");
    report.note(`bundle rows skipped: \`deno task bundle\` failed (${why})`);
    return undefined;
  }
}

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

const groups = selectedGroups();
const report = new Report();
const loadBefore = loadAverage();
const t0 = performance.now();
const home = await Deno.makeTempDir({ prefix: "openclaw-bench-" });
try {
  const env = {
    OPENCLAW_STATE_DIR: `${home}/.openclaw`,
    OPENCLAW_LOG_DIR: `${home}/logs`,
    HOME: home,
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    // The children get a temp HOME; without this they would use an empty module cache there and
    // measure downloads and transpiling instead of openclaw.
    DENO_DIR: Deno.env.get("DENO_DIR") ??
      `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`,
  };
  await Deno.mkdir(`${home}/.openclaw`, { recursive: true });
  const needsBundle = groups.has("cli") || groups.has("start") || groups.has("idle");
  const bundle = needsBundle ? await ensureBundle(report) : undefined;
  let floorRss: Promise<number> | undefined;
  const ctx: BenchContext = {
    report,
    env,
    token: TOKEN,
    runs: RUNS,
    targets: [
      { label: "source", entry: `${ROOT}main.ts` },
      ...(bundle ? [{ label: "bundle", entry: bundle }] : []),
    ],
    writeBenchConfig: () =>
      Deno.writeTextFile(
        `${home}/.openclaw/openclaw.json`,
        `// bench config\n{ gateway: { mode: "local", port: 18789, auth: { mode: "token", token: "${TOKEN}" } } }\n`,
      ),
    // Measured once, by the first row that needs it.
    floorRss: () => floorRss ??= floorIdleRss(env),
  };
  if (groups.has("cli")) await benchCli(ctx);
  if (groups.has("start")) await benchStart(ctx);
  if (groups.has("idle")) await benchIdle(ctx);
  if (groups.has("agent")) await benchAgent(ctx);
  if (groups.has("channels") || groups.has("dashboard")) {
    await benchChannels(ctx, {
      channels: groups.has("channels"),
      dashboard: groups.has("dashboard"),
    });
  }
  await benchLoad(ctx, {
    sockets: groups.has("sockets"),
    flood: groups.has("flood"),
    soak: groups.has("soak") ? SOAK_MS : 0,
  });
  report.note(
    `floors: the bare Hono + WebSocket server is scripts/bench/floor/server.ts, the CLI floor \`deno run scripts/bench/floor/hello.ts\`; both run as child processes like ours, in this run`,
  );
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  report.print(
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, load average ${loadBefore} before → ${loadAverage()} after, ${RUNS} runs per CLI case, ${secs} s; groups: ${
      [...groups].join(", ")
    }`,
  );
} finally {
  await Deno.remove(home, { recursive: true });
}
