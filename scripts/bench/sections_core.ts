/**
 * The bench's core groups: CLI latency, gateway start and the idle gateway (CLI calls against it,
 * RSS, CPU, `health` round trips), each next to Deno's floor measured in the same run.
 *
 * @module
 */
import { type CliCase, HELLO, timeCommands } from "./cli.ts";
import {
  type BenchGateway,
  cpuMs,
  healthVsEcho,
  RSS_SAMPLES,
  rssMb,
  startBenchGateway,
  startFloorServer,
} from "./gateway.ts";
import { fmt, int, pct, type Report } from "./report.ts";
import { warmUp } from "./rpc.ts";

/** What every bench group gets. */
export interface BenchContext {
  report: Report;
  env: Record<string, string>;
  token: string;
  runs: number;
  /** `source` (main.ts) and, when it could be built, `bundle` (dist/openclaw.js). */
  targets: { label: string; entry: string }[];
  /** Writes the plain bench config (token auth, no channels, no models). */
  writeBenchConfig(): Promise<void>;
  /** The floor server's idle RSS in MB, measured once per run. */
  floorRss(): Promise<number>;
}

const HELLO_FLOOR = "`deno run hello.ts`";
const SERVER_FLOOR = "bare Hono + WS server";

/** `--version` and `config get gateway.port`, source and bundle, interleaved with hello. */
export async function benchCli(ctx: BenchContext): Promise<void> {
  await ctx.writeBenchConfig();
  const commands = [
    { what: "`openclaw --version`", args: ["--version"], budget: 40, goal: 1.3 },
    {
      what: "`openclaw config get gateway.port`",
      args: ["config", "get", "gateway.port"],
      budget: 80,
      goal: 2,
    },
  ];
  const cases: CliCase[] = [{ key: "hello", entry: HELLO, args: [], env: ctx.env }];
  for (const c of commands) {
    for (const t of ctx.targets) {
      cases.push({ key: `${c.what}|${t.label}`, entry: t.entry, args: c.args, env: ctx.env });
    }
  }
  const times = await timeCommands(cases, ctx.runs);
  const hello = times.get("hello")!;
  ctx.report.row(`${HELLO_FLOOR} (floor)`, "—", hello.p50, hello.p90, "—", undefined);
  for (const c of commands) {
    for (const t of ctx.targets) {
      const s = times.get(`${c.what}|${t.label}`)!;
      ctx.report.row(c.what, t.label, s.p50, s.p90, `< ${c.budget}`, s.p50 < c.budget);
      ctx.report.ratio({
        what: c.what,
        from: t.label,
        ours: s.p50,
        floor: hello.p50,
        floorWhat: HELLO_FLOOR,
        unit: "ms",
        goal: { max: c.goal },
      });
    }
  }
}

/** Gateway start → `/readyz` 200, source and bundle, interleaved with the floor server's start. */
export async function benchStart(ctx: BenchContext): Promise<void> {
  await ctx.writeBenchConfig();
  const starts = Math.min(ctx.runs, 10);
  const ready = new Map<string, number[]>([["floor", []]]);
  for (const t of ctx.targets) ready.set(t.label, []);
  for (let i = -1; i < starts; i++) { // i = -1: warm-up
    for (const t of ctx.targets) {
      const gw = await startBenchGateway(t.entry, ctx.env);
      if (i >= 0) ready.get(t.label)!.push(gw.readyMs);
      await gw.stop();
    }
    const floor = await startFloorServer(ctx.env);
    if (i >= 0) ready.get("floor")!.push(floor.readyMs);
    await floor.stop();
  }
  const floor50 = pct(ready.get("floor")!, 0.5);
  ctx.report.row(
    `${SERVER_FLOOR} start → \`/readyz\` 200 (floor)`,
    "—",
    floor50,
    pct(ready.get("floor")!, 0.9),
    "—",
    undefined,
  );
  for (const t of ctx.targets) {
    const s = ready.get(t.label)!;
    const p50 = pct(s, 0.5);
    ctx.report.row("gateway start → `/readyz` 200", t.label, p50, pct(s, 0.9), "< 150", p50 < 150);
    ctx.report.ratio({
      what: "gateway start → `/readyz` 200",
      from: t.label,
      ours: p50,
      floor: floor50,
      floorWhat: SERVER_FLOOR,
      unit: "ms",
      goal: { max: 2 },
    });
  }
}

/**
 * A running gateway: `gateway status --json` and `health --json` against it (interleaved with
 * hello); then, for the source's and the bundle's gateway each, freshly started and treated as
 * the floor is (see {@linkcode warmUp}), its idle RSS and CPU and `health` round trips on one
 * socket vs the floor's echo.
 */
export async function benchIdle(ctx: BenchContext): Promise<void> {
  await ctx.writeBenchConfig();
  const source = ctx.targets[0];
  const gw = await startBenchGateway(source.entry, ctx.env);
  try {
    const gwEnv = { ...ctx.env, OPENCLAW_GATEWAY_PORT: String(gw.port) };
    const commands = [
      {
        what: "`openclaw gateway status --json` (running gateway)",
        args: ["gateway", "status", "--json"],
        budget: 150,
        goal: 2 as number | undefined,
      },
      {
        what: "`openclaw health --json`",
        args: ["health", "--json"],
        budget: 120,
        goal: undefined,
      },
    ];
    const cases: CliCase[] = [{ key: "hello", entry: HELLO, args: [], env: ctx.env }];
    for (const c of commands) {
      for (const t of ctx.targets) {
        cases.push({ key: `${c.what}|${t.label}`, entry: t.entry, args: c.args, env: gwEnv });
      }
    }
    const times = await timeCommands(cases, Math.min(ctx.runs, 15));
    const hello = times.get("hello")!;
    for (const c of commands) {
      for (const t of ctx.targets) {
        const s = times.get(`${c.what}|${t.label}`)!;
        ctx.report.row(c.what, t.label, s.p50, s.p90, `< ${c.budget}`, s.p50 < c.budget);
        ctx.report.ratio({
          what: c.what.replace(" (running gateway)", ""),
          from: t.label,
          ours: s.p50,
          floor: hello.p50,
          floorWhat: HELLO_FLOOR,
          unit: "ms",
          goal: c.goal === undefined ? undefined : { max: c.goal },
        });
      }
    }
  } finally {
    await gw.stop();
  }
  // One gateway at a time (they share the bench's state dir), each fresh: the one above has
  // served the CLI's calls, which the floor never sees.
  for (const t of ctx.targets) {
    const rss: number[] = [];
    for (let i = 0; i < RSS_SAMPLES; i++) {
      const g = await startBenchGateway(t.entry, ctx.env);
      try {
        await warmUp(g.port, ctx.token);
        await new Promise((r) => setTimeout(r, 2000));
        rss.push(rssMb(g.child.pid));
        if (i === RSS_SAMPLES - 1) await idleRows(ctx, t.label, g, pct(rss, 0.5));
      } finally {
        await g.stop();
      }
    }
  }
}

/**
 * One target's idle RSS (the median of its fresh gateways) and the last gateway's idle CPU, then
 * its `health` round trips vs the floor's echo, in alternating windows.
 */
async function idleRows(
  ctx: BenchContext,
  from: string,
  gw: BenchGateway,
  rss: number,
): Promise<void> {
  const cpu0 = cpuMs(gw.child.pid);
  await new Promise((r) => setTimeout(r, 5000));
  const idleCpu = cpuMs(gw.child.pid) - cpu0;
  const floorRss = await ctx.floorRss();
  ctx.report.row("gateway idle RSS (MB)", from, rss, undefined, "< 70", rss < 70);
  if (from === ctx.targets[0].label) { // one floor row, under the first target's
    ctx.report.row(
      `${SERVER_FLOOR} idle RSS (MB) (floor)`,
      "—",
      floorRss,
      undefined,
      "—",
      undefined,
    );
  }
  ctx.report.row("gateway idle CPU over 5 s (ms)", from, idleCpu, undefined, "~0", idleCpu <= 20);
  ctx.report.ratio({
    what: "gateway idle RSS",
    from,
    ours: rss,
    floor: floorRss,
    floorWhat: SERVER_FLOOR,
    unit: "MB",
    goal: { max: 1.25 },
  });
  const { gateway: gwRps, echo, ratio } = await healthVsEcho(gw.port, ctx.token);
  ctx.report.text(
    "`health` round trips/s on one socket",
    from,
    int(gwRps),
    "",
    `≥ 90 % of echo (${int(echo)}/s)`,
    `${ratio >= 0.9 ? "yes" : "NO"} (${fmt(ratio * 100)} %)`,
  );
  ctx.report.ratio({
    what: "`health` round trips/s on one socket",
    from,
    ours: gwRps,
    floor: echo,
    ratio,
    floorWhat: `${SERVER_FLOOR}, echo; p50 of 10 paired windows`,
    unit: "/s",
    goal: { min: 0.9 },
  });
}
