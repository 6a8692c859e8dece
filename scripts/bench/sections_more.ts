/**
 * The bench's heavier groups: `/v1/chat/completions` added latency, channels (DM → reply added
 * latency, RSS with channels connected), the dashboard in headless Chromium, and the load rows
 * (1,000 sockets, idle TCP flood, soak). Ratios use the floor server measured in the same run.
 *
 * @module
 */
import { measureAddedLatency } from "./agent.ts";
import {
  type ChannelGateway,
  fiveChannelsRss,
  startChannelGateway,
  type TurnStats,
} from "./channels.ts";
import { backgroundLoad, dashboardRuns, findChromium } from "./dashboard.ts";
import { idleTcpFlood, ownFdLimit, thousandSockets } from "./load.ts";
import { fmt, int } from "./report.ts";
import { warmUp } from "./rpc.ts";
import type { BenchContext } from "./sections_core.ts";
import { soak } from "./soak.ts";

const SERVER_FLOOR = "bare Hono + WS server";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The same streaming request to the fake model directly and through the gateway. */
export async function benchAgent(ctx: BenchContext): Promise<void> {
  const lat = await measureAddedLatency(ctx.targets[0].entry, ctx.env);
  const added = (a: number, b: number) => `${fmt(a)} (+${fmt(a - b)})`;
  for (
    const [what, d50, g50, d99, g99] of [
      ["first byte", lat.direct.ttfb50, lat.gateway.ttfb50, lat.direct.ttfb99, lat.gateway.ttfb99],
      [
        "complete",
        lat.direct.total50,
        lat.gateway.total50,
        lat.direct.total99,
        lat.gateway.total99,
      ],
    ] as const
  ) {
    ctx.report.text(
      `\`/v1/chat/completions\` stream, ${what}: direct → gateway`,
      "source",
      `${fmt(d50)} → ${added(g50, d50)}`,
      `p99 ${fmt(d99)} → ${added(g99, d99)}`,
      "added latency",
      "—",
    );
  }
}

function connectedRssRow(ctx: BenchContext, from: string, rss: number, floorRss: number) {
  ctx.report.ratio({
    what: "gateway RSS, Telegram + Discord connected",
    from,
    ours: rss,
    floor: floorRss,
    floorWhat: SERVER_FLOOR,
    unit: "MB",
    goal: { max: 1.6 },
  });
}

function turnRow(ctx: BenchContext, platform: string, s: TurnStats) {
  ctx.report.text(
    `${platform} DM → reply sent, added over the model (${s.runs} turns)`,
    "source",
    fmt(s.added50),
    `p99 ${fmt(s.added99)}`,
    `whole p50 ${fmt(s.e2e50)} / p99 ${fmt(s.e2e99)}; model p50 ${fmt(s.model50)}`,
    "—",
  );
}

/**
 * Channels and the dashboard share one gateway: Telegram + Discord on their fakes (RSS once
 * connected, then DM turns, RSS again), then the dashboard on that loaded gateway, then a
 * separate gateway with all five channels configured.
 */
export async function benchChannels(
  ctx: BenchContext,
  which: { channels: boolean; dashboard: boolean },
): Promise<void> {
  const entry = ctx.targets[0].entry;
  const floorRss = await ctx.floorRss();
  if (which.channels) {
    // The shipped form too: in source mode every loaded module also holds its transpiled text
    // and source map, so the two differ most in memory.
    for (const t of ctx.targets.slice(1)) {
      await using cg: ChannelGateway = await startChannelGateway(t.entry, ctx.env, ctx.token);
      await warmUp(cg.gw.port, ctx.token);
      await sleep(2000);
      connectedRssRow(ctx, t.label, cg.rss(), floorRss);
    }
  }
  {
    await using cg: ChannelGateway = await startChannelGateway(entry, ctx.env, ctx.token);
    await warmUp(cg.gw.port, ctx.token);
    await sleep(2000);
    const connectedRss = cg.rss();
    if (which.channels) {
      const tg = await cg.turns("telegram", ctx.runs);
      const dc = await cg.turns("discord", ctx.runs);
      turnRow(ctx, "Telegram", tg);
      turnRow(ctx, "Discord", dc);
      const after = cg.rss();
      ctx.report.text(
        "gateway RSS, Telegram + Discord connected → after the turns (MB)",
        "source",
        `${fmt(connectedRss)} → ${fmt(after)}`,
        "",
        `floor ${fmt(floorRss)}; ≤ 1.6x floor (${fmt(floorRss * 1.6)})`,
        connectedRss <= floorRss * 1.6 ? "yes" : "NO",
      );
      connectedRssRow(ctx, ctx.targets[0].label, connectedRss, floorRss);
    } else {
      // The dashboard alone still wants a gateway with history.
      await cg.turns("telegram", 5, 1);
      await cg.turns("discord", 5, 1);
    }
    if (which.dashboard) await benchDashboard(ctx, cg, floorRss);
  }
  if (!which.channels) return;
  const five = await fiveChannelsRss(entry, ctx.env, ctx.token);
  const states = Object.entries(five.connected).map(([c, ok]) =>
    `${c} ${ok ? "connected" : "not connected"}`
  )
    .join(", ");
  ctx.report.text(
    "gateway RSS, all five channels configured (MB)",
    "source",
    fmt(five.rssMb),
    "",
    `floor ${fmt(floorRss)}; ${states}`,
    "—",
  );
  ctx.report.ratio({
    what: "gateway RSS, five channels (WhatsApp unlinked)",
    from: "source",
    ours: five.rssMb,
    floor: floorRss,
    floorWhat: SERVER_FLOOR,
    unit: "MB",
  });
  ctx.report.note(
    `five channels: Telegram, Discord, Feishu (long connection) and QQ connected to their fakes; WhatsApp configured but not linked (${
      five.whatsapp ?? "no status"
    }) — its Web protocol cannot be faked by a local server, so Baileys is not loaded`,
  );
}

async function benchDashboard(ctx: BenchContext, cg: ChannelGateway, floorRss: number) {
  const chromium = findChromium();
  if (!chromium) {
    ctx.report.text("dashboard first paint", "—", "skipped", "", "chromium not installed", "—");
    ctx.report.note("dashboard rows skipped: no chromium (`apt-get install chromium`)");
    return;
  }
  const load = await backgroundLoad(cg.gw.port, ctx.token);
  const t0 = performance.now();
  let d;
  try {
    d = await dashboardRuns(chromium, cg.gw.port, ctx.token, Math.min(ctx.runs, 10), cg.rss);
  } finally {
    await load.stop();
  }
  const rps = load.requests() / ((performance.now() - t0) / 1000);
  const cold = `${d.runs} cold loads, ${int(rps)} \`health\`/s from 10 other sockets`;
  ctx.report.row(
    `dashboard first paint (${cold})`,
    "source",
    d.firstPaint50,
    d.firstPaint90,
    "—",
    undefined,
  );
  ctx.report.text("dashboard first contentful paint", "source", fmt(d.fcp50), "", "—", "—");
  ctx.report.row(
    "dashboard connected (pill shows `connected`)",
    "source",
    d.connected50,
    d.connected90,
    "—",
    undefined,
  );
  ctx.report.text(
    "dashboard overview shown (Subsystems card)",
    "source",
    fmt(d.overview50),
    "",
    "—",
    "—",
  );
  ctx.report.text(
    "dashboard transferred: document + assets (bytes, compressed + headers)",
    "source",
    int(d.transferred),
    "",
    `JS ${int(d.jsTransferred)} (< 150 KB); decoded ${
      int(d.decoded)
    }; ${d.assets} requests; WebSocket received ${int(d.wsReceived)} until the overview`,
    d.jsTransferred < 150 * 1024 ? "yes" : "NO",
  );
  ctx.report.text(
    "gateway RSS before → with a dashboard connected (MB)",
    "source",
    `${fmt(d.rssBeforeMb)} → ${fmt(d.rssAfterMb)}`,
    "",
    `floor ${fmt(floorRss)}`,
    "—",
  );
  ctx.report.ratio({
    what: "gateway RSS, channels + dashboard connected",
    from: "source",
    ours: d.rssAfterMb,
    floor: floorRss,
    floorWhat: SERVER_FLOOR,
    unit: "MB",
  });
}

/** The load rows: 1,000 operator sockets, an idle TCP flood, a soak of `soakMs` (0: skipped). */
export async function benchLoad(
  ctx: BenchContext,
  which: { sockets: boolean; flood: boolean; soak: number },
): Promise<void> {
  const entry = ctx.targets[0].entry;
  const text = (what: string, value: string, second: string, budget: string, ok: string) =>
    ctx.report.text(what, "source", value, second, budget, ok);
  if (!which.sockets && !which.flood && !which.soak) return;
  await ctx.writeBenchConfig();
  const fdNeeded = 1300;
  if ((which.sockets || which.flood) && ownFdLimit() < fdNeeded) {
    text(
      "1,000 operator sockets / idle TCP flood",
      "skipped",
      "",
      `bench fd limit < ${fdNeeded}`,
      "—",
    );
  } else {
    if (which.sockets) await sockets(ctx, entry, text);
    if (which.flood) {
      const f = await idleTcpFlood(entry, ctx.env, ctx.token);
      text(
        `idle TCP flood: ${
          int(f.attempted)
        } connections at \`ulimit -n ${f.fdLimit}\`: accepted / refused`,
        `${f.accepted} / ${f.refused}`,
        "",
        `accept errors ${f.acceptErrors}; closed by server ${f.closedByServer}; connect failed ${f.connectFailed}; ${
          fmt(f.floodMs)
        } ms to open`,
        f.accepted + f.refused + f.connectFailed === f.attempted ? "yes" : "NO (counts differ)",
      );
      text(
        "idle TCP flood: gateway alive afterwards",
        f.alive ? "alive" : "dead",
        "",
        "alive",
        f.alive ? "yes" : "NO",
      );
      text(
        "idle TCP flood: `/health` round trip after closing them (ms)",
        fmt(f.healthP50),
        fmt(f.healthP90),
        "—",
        "—",
      );
    }
  }
  if (which.soak > 0) {
    const s = await soak(entry, ctx.env, ctx.token, which.soak);
    const soakErr = s.errors ? ` (${s.errors} errors: ${s.firstError})` : "";
    text(
      `soak ${
        (s.durationMs / 1000).toFixed(0)
      } s, ${s.sockets} sockets × (\`health\` + \`config.get\`) every 100 ms: requests`,
      String(s.requests),
      "",
      `${(s.requests / (s.durationMs / 1000)).toFixed(0)}/s`,
      s.errors === 0 ? "yes" : `NO${soakErr}`,
    );
    const floor = `echo floor ${fmt(s.echo.p50)}, p99 ${fmt(s.echo.p99)}`;
    text("soak: `health` latency", fmt(s.health.p50), `p99 ${fmt(s.health.p99)}`, floor, "—");
    text(
      "soak: `config.get` latency",
      fmt(s.configGet.p50),
      `p99 ${fmt(s.configGet.p99)}`,
      floor,
      "—",
    );
    text(
      `soak: gateway RSS start → ${(s.midAtMs / 1000).toFixed(0)} s → end (MB)`,
      `${fmt(s.rssStartMb)} → ${fmt(s.rssMidMb)} → ${fmt(s.rssEndMb)}`,
      "",
      `${s.rssEndMb >= s.rssStartMb ? "+" : ""}${fmt(s.rssEndMb - s.rssStartMb)} over the soak`,
      "—",
    );
  }
}

type TextRow = (what: string, value: string, second: string, budget: string, ok: string) => void;

async function sockets(ctx: BenchContext, entry: string, text: TextRow) {
  const many = await thousandSockets(entry, ctx.env, ctx.token);
  const g = many.gateway, e = many.echo;
  const failed = g.failed ? ` (${g.failed} failed: ${g.firstError})` : "";
  text(
    "1,000 operator sockets (batches of 100): connect + `hello-ok`, all (ms)",
    fmt(g.connectMs),
    "",
    `echo floor (open only) ${fmt(e.connectMs)}`,
    g.connected === 1000 ? "yes" : `NO, ${g.connected} connected${failed}`,
  );
  text(
    "1,000 operator sockets: gateway RSS (MB)",
    fmt(g.rssAfterMb),
    "",
    `idle ${fmt(g.rssBeforeMb)}; echo floor ${fmt(e.rssBeforeMb)} → ${fmt(e.rssAfterMb)}`,
    "—",
  );
  ctx.report.ratio({
    what: "gateway RSS with 1,000 operator sockets",
    from: "source",
    ours: g.rssAfterMb,
    floor: e.rssAfterMb,
    floorWhat: `${SERVER_FLOOR}, 1,000 sockets`,
    unit: "MB",
  });
  text(
    "1,000 operator sockets: `presence` frames received, total",
    String(g.presenceFrames),
    "",
    `${(g.presenceFrames / Math.max(1, g.connected)).toFixed(1)} per socket`,
    "—",
  );
  text(
    "1,000 operator sockets: close all (ms)",
    fmt(g.closeMs),
    "",
    `echo floor ${fmt(e.closeMs)}`,
    "—",
  );
}
