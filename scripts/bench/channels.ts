/**
 * Channel benchmarks (issues 13, 14, 17): a real gateway process connected to the fake platform
 * servers of tests/fixtures (Telegram Bot API through `channels.telegram.apiRoot`, Discord REST +
 * gateway through `DISCORD_API_URL`, Feishu through `domain`, QQ through `QQBOT_TOKEN_URL` /
 * `QQBOT_API_URL`) and answering with the fake model provider.
 *
 * - inbound message → reply sent: from the moment the fake platform delivers a DM (a held
 *   `getUpdates` answered / a `MESSAGE_CREATE` dispatched) to the moment the bot's send request
 *   reaches the fake, minus the model's own time (request reached the fake model → its response
 *   body fully produced). Both ends are timestamped inside the fakes (./serve_tap.ts), so no
 *   proxy hop is measured.
 * - gateway RSS with the channels connected, before and after the turns; and with all five
 *   channels configured (WhatsApp stays unlinked: its Web protocol cannot be faked by a server).
 *
 * @module
 */
import { FakeTelegram } from "../../tests/fixtures/fake_telegram.ts";
import { type FakeDiscord, startFakeDiscord } from "../../tests/fixtures/fake_discord.ts";
import { type FakeFeishu, startFakeFeishu } from "../../tests/fixtures/fake_feishu.ts";
import { type FakeQQBot, startFakeQQBot } from "../../tests/fixtures/fake_qqbot.ts";
import { type FakeProvider, startFakeProvider } from "../../tests/fixtures/fake_providers/mod.ts";
import { type BenchGateway, rssMb, startBenchGateway } from "./gateway.ts";
import { closeOperator, operator, within } from "./rpc.ts";
import { pct } from "./report.ts";
import { withServeTap } from "./serve_tap.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Telegram's default sender in the fake (ANN). */
const TG_USER = 42;
const DISCORD_USER = "100000000000000042";
const DISCORD_DM = "300000000000000001";
const REPLY = "Sure. Here is a short answer from the model.";

/** One model request as the fake model saw it. */
interface ModelSpan {
  start: number;
  end?: number;
}

type Platform = "telegram" | "discord";

/** Latency of one platform's turns. */
export interface TurnStats {
  runs: number;
  /** Inbound → reply sent, whole. */
  e2e50: number;
  e2e99: number;
  /** The model's own time. */
  model50: number;
  /** Inbound → reply sent minus the model's time, per turn. */
  added50: number;
  added99: number;
}

/** A gateway with Telegram and Discord connected to their fakes, and the fake model. */
export interface ChannelGateway extends AsyncDisposable {
  gw: BenchGateway;
  token: string;
  /** Runs `runs` DM turns (after `warmup` unmeasured ones) on one platform. */
  turns(platform: Platform, runs: number, warmup?: number): Promise<TurnStats>;
  /** The gateway's RSS now (MB). */
  rss(): number;
  /** `connected` of each channel's first account in `channels.status`. */
  connected(): Promise<Record<string, boolean>>;
}

function modelBlock(fake: FakeProvider): string {
  return `models: { mode: "replace", providers: { fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] } } },
  agents: { defaults: { model: "fake/m1" } },`;
}

async function writeConfig(home: string, token: string, fake: FakeProvider, channels: string) {
  await Deno.writeTextFile(
    `${home}/.openclaw/openclaw.json`,
    `// bench: channels on local fakes\n{
  gateway: { mode: "local", auth: { mode: "token", token: "${token}" } },
  ${modelBlock(fake)}
  channels: { ${channels} },
}\n`,
  );
}

/** Polls `channels.status` until every channel in `want` has a connected first account. */
async function waitConnected(gw: BenchGateway, token: string, want: string[]) {
  const op = await operator(gw.port, token);
  try {
    const deadline = performance.now() + 30_000;
    let last = "";
    while (performance.now() < deadline) {
      const s = await op.call("channels.status", {}) as {
        channelAccounts?: Record<string, { connected?: boolean; lastError?: string }[]>;
      };
      const accounts = s.channelAccounts ?? {};
      if (want.every((c) => accounts[c]?.[0]?.connected === true)) return;
      last = JSON.stringify(
        Object.fromEntries(want.map((c) => [c, accounts[c]?.[0] ?? "absent"])),
      );
      await sleep(100);
    }
    throw new Error(`channels not connected in 30 s: ${last}`);
  } finally {
    await closeOperator(op);
  }
}

/**
 * Starts the fake model, Telegram and Discord (timestamped), writes a config with both channels
 * (DMs from the fakes' default user allowed) and starts the gateway; resolves once both are
 * connected.
 */
export async function startChannelGateway(
  entry: string,
  env: Record<string, string>,
  token: string,
): Promise<ChannelGateway> {
  const spans: ModelSpan[] = [];
  const waiting = new Map<Platform, (at: number) => void>();
  const arrived = (p: Platform, at: number) => {
    const w = waiting.get(p);
    waiting.delete(p);
    w?.(at);
  };
  const fake = await withServeTap((req, at) => {
    if (req.method !== "POST" || !new URL(req.url).pathname.endsWith("/chat/completions")) return;
    const span: ModelSpan = { start: at };
    spans.push(span);
    return { onBodyDone: (end) => span.end = end };
  }, () => startFakeProvider({ kind: "openai-completions", defaultTurn: { text: REPLY } }));
  const stack = new AsyncDisposableStack();
  stack.use(fake);
  try {
    const tg = stack.use(
      await withServeTap((req, at) => {
        if (new URL(req.url).pathname.endsWith("/sendMessage")) arrived("telegram", at);
      }, () => FakeTelegram.start()),
    );
    const discord: FakeDiscord = stack.use(
      await withServeTap((req, at) => {
        if (req.method === "POST" && /\/channels\/\d+\/messages$/.test(new URL(req.url).pathname)) {
          arrived("discord", at);
        }
      }, () => startFakeDiscord()),
    );
    await writeConfig(
      env.HOME,
      token,
      fake,
      `telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["${TG_USER}"] },
    discord: { token: "${discord.token}", allowFrom: ["${DISCORD_USER}"] },`,
    );
    const gw = await startBenchGateway(entry, { ...env, DISCORD_API_URL: discord.apiUrl });
    stack.defer(() => gw.stop());
    await waitConnected(gw, token, ["telegram", "discord"]);

    const send: Record<Platform, (text: string) => void> = {
      telegram: (text) => void tg.dm(text),
      discord: (text) => void discord.postMessage({ channelId: DISCORD_DM, content: text }),
    };
    const oneTurn = async (p: Platform, n: number) => {
      const firstSpan = spans.length;
      const reply = new Promise<number>((r) => waiting.set(p, r));
      const t0 = performance.now();
      send[p](`ping ${n}: how are you?`);
      const at = await within(reply, 30_000, `${p} reply`);
      const mine = spans.slice(firstSpan);
      // The stream's end is seen before the reply leaves the gateway; wait for it if need be.
      for (let i = 0; i < 100 && mine.some((s) => s.end === undefined); i++) await sleep(1);
      const model = mine.reduce((sum, s) => sum + ((s.end ?? s.start) - s.start), 0);
      // Let the turn's tail (transcript, typing stop) finish before the next message.
      await sleep(100);
      return { e2e: at - t0, model };
    };
    let seq = 0;
    const owned = stack.move();
    return {
      gw,
      token,
      rss: () => rssMb(gw.child.pid),
      async turns(p, runs, warmup = 3) {
        for (let i = 0; i < warmup; i++) await oneTurn(p, seq++);
        const e2e: number[] = [], model: number[] = [], added: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t = await oneTurn(p, seq++);
          e2e.push(t.e2e);
          model.push(t.model);
          added.push(t.e2e - t.model);
        }
        return {
          runs,
          e2e50: pct(e2e, 0.5),
          e2e99: pct(e2e, 0.99),
          model50: pct(model, 0.5),
          added50: pct(added, 0.5),
          added99: pct(added, 0.99),
        };
      },
      async connected() {
        const op = await operator(gw.port, token);
        try {
          const s = await op.call("channels.status", {}) as {
            channelAccounts?: Record<string, { connected?: boolean }[]>;
          };
          return Object.fromEntries(
            Object.entries(s.channelAccounts ?? {}).map(([c, a]) => [c, a[0]?.connected === true]),
          );
        } finally {
          await closeOperator(op);
        }
      },
      [Symbol.asyncDispose]: () => owned.disposeAsync(),
    };
  } catch (err) {
    await stack.disposeAsync();
    throw err;
  }
}

/** Result of {@linkcode fiveChannelsRss}. */
export interface FiveChannels {
  rssMb: number;
  /** `connected` per channel in `channels.status` when RSS was read. */
  connected: Record<string, boolean>;
  /** WhatsApp's `lastError` (it stays unlinked). */
  whatsapp?: string;
}

/**
 * Gateway RSS with Telegram, Discord, Feishu (long connection) and QQ connected to their fakes
 * and WhatsApp configured but not linked, 2 s after all four connected.
 */
export async function fiveChannelsRss(
  entry: string,
  env: Record<string, string>,
  token: string,
): Promise<FiveChannels> {
  await using stack = new AsyncDisposableStack();
  const fake = stack.use(await startFakeProvider({ kind: "openai-completions" }));
  const tg = stack.use(await FakeTelegram.start());
  const discord: FakeDiscord = stack.use(await startFakeDiscord());
  const feishu: FakeFeishu = stack.use(await startFakeFeishu());
  const qq: FakeQQBot = stack.use(await startFakeQQBot());
  await writeConfig(
    env.HOME,
    token,
    fake,
    `telegram: { botToken: "${tg.token}", apiRoot: "${tg.apiRoot}", allowFrom: ["${TG_USER}"] },
    discord: { token: "${discord.token}", allowFrom: ["${DISCORD_USER}"] },
    feishu: { appId: "${feishu.appId}", appSecret: "${feishu.appSecret}", domain: "${feishu.origin}" },
    qqbot: { appId: "${qq.appId}", clientSecret: "${qq.clientSecret}", dmPolicy: "open", allowFrom: ["*"] },
    whatsapp: { allowFrom: ["+15551234567"] },`,
  );
  const gw = await startBenchGateway(entry, {
    ...env,
    DISCORD_API_URL: discord.apiUrl,
    QQBOT_TOKEN_URL: qq.tokenUrl,
    QQBOT_API_URL: qq.apiUrl,
  });
  stack.defer(() => gw.stop());
  await waitConnected(gw, token, ["telegram", "discord", "feishu", "qqbot"]);
  await sleep(2000);
  const rss = rssMb(gw.child.pid);
  const op = await operator(gw.port, token);
  try {
    const s = await op.call("channels.status", {}) as {
      channelAccounts?: Record<string, { connected?: boolean; lastError?: string }[]>;
    };
    const accounts = s.channelAccounts ?? {};
    return {
      rssMb: rss,
      connected: Object.fromEntries(
        Object.entries(accounts).map(([c, a]) => [c, a[0]?.connected === true]),
      ),
      whatsapp: accounts.whatsapp?.[0]?.lastError,
    };
  } finally {
    await closeOperator(op);
  }
}
