/**
 * What each channel platform adds to the gateway's RSS (issue 17): starts the gateway with no
 * channel, Telegram only, Discord only, and both, connected to the fakes of tests/fixtures as
 * scripts/bench/channels.ts does (Telegram through `channels.telegram.apiRoot`, Discord through
 * `DISCORD_API_URL`), reads the RSS 2 s after every configured channel is connected, and prints
 * the p50 of each. Starts are interleaved, so a busy machine skews every column alike; with
 * several entries (e.g. a `git worktree` of another commit) it is an A/B.
 *
 * Usage: `deno run -A scripts/bench/channel_rss.ts [runs=5] [entry …]` (default entry: main.ts).
 * `CHANNEL_RSS_MODES=tg,both` picks the columns (`none`, `tg`, `dc`, `both`).
 *
 * @module
 */
import { FakeTelegram } from "../../tests/fixtures/fake_telegram.ts";
import { startFakeDiscord } from "../../tests/fixtures/fake_discord.ts";
import { startFakeProvider } from "../../tests/fixtures/fake_providers/mod.ts";
import { rssMb, startBenchGateway } from "./gateway.ts";
import { closeOperator, operator } from "./rpc.ts";
import { pct } from "./report.ts";

type Mode = "none" | "tg" | "dc" | "both";
const MODES: readonly Mode[] = ["none", "tg", "dc", "both"];
const TOKEN = "bench-channel-rss-token-0123456789abcdef";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts one gateway with `mode`'s channels on fresh fakes; returns its RSS (MB) once settled. */
async function rssOnce(entry: string, mode: Mode): Promise<number> {
  await using stack = new AsyncDisposableStack();
  const home = await Deno.makeTempDir({ prefix: "openclaw-channel-rss-" });
  stack.defer(() => Deno.remove(home, { recursive: true }));
  await Deno.mkdir(`${home}/.openclaw`, { recursive: true });
  const model = stack.use(await startFakeProvider({ kind: "openai-completions" }));
  const tg = stack.use(await FakeTelegram.start());
  const discord = stack.use(await startFakeDiscord());
  const want: string[] = [];
  const blocks: string[] = [];
  if (mode === "tg" || mode === "both") {
    want.push("telegram");
    blocks.push(
      `telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["42"] }`,
    );
  }
  if (mode === "dc" || mode === "both") {
    want.push("discord");
    blocks.push(`discord: { token: "${discord.token}", allowFrom: ["100000000000000042"] }`);
  }
  await Deno.writeTextFile(
    `${home}/.openclaw/openclaw.json`,
    `{
  gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } },
  models: { mode: "replace", providers: { fake: { baseUrl: "${model.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] } } },
  agents: { defaults: { model: "fake/m1" } },
  ${blocks.length ? `channels: { ${blocks.join(", ")} },` : ""}
}\n`,
  );
  const gw = await startBenchGateway(entry, {
    OPENCLAW_STATE_DIR: `${home}/.openclaw`,
    OPENCLAW_LOG_DIR: `${home}/logs`,
    HOME: home,
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    DISCORD_API_URL: discord.apiUrl,
  });
  stack.defer(() => gw.stop());
  // The same status poll as the channels bench, so the same code is loaded when RSS is read.
  const op = await operator(gw.port, TOKEN);
  try {
    const deadline = performance.now() + 30_000;
    for (;;) {
      const s = await op.call("channels.status", {}) as {
        channelAccounts?: Record<string, { connected?: boolean }[]>;
      };
      if (want.every((c) => s.channelAccounts?.[c]?.[0]?.connected === true)) break;
      if (performance.now() > deadline) throw new Error(`${mode}: channels not connected`);
      await sleep(100);
    }
  } finally {
    await closeOperator(op);
  }
  await sleep(2000);
  return rssMb(gw.child.pid);
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 5);
  const entries = Deno.args.length > 1
    ? Deno.args.slice(1)
    : [new URL("../../main.ts", import.meta.url).pathname];
  const modes = (Deno.env.get("CHANNEL_RSS_MODES")?.split(",") ?? MODES) as Mode[];
  const samples = new Map<string, number[]>();
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      for (const entry of entries) {
        const key = `${mode}\t${entry}`;
        samples.set(key, [...samples.get(key) ?? [], await rssOnce(entry, mode)]);
      }
    }
  }
  console.log("mode\tentry\tRSS p50 MB\tmin\truns");
  for (const [key, values] of samples) {
    console.log(
      `${key}\t${pct(values, 0.5).toFixed(1)}\t${Math.min(...values).toFixed(1)}\t${values.length}`,
    );
  }
}
