/**
 * `deno task bench`: times what DESIGN.md budgets, against both the source (`deno run main.ts`)
 * and the bundle (`deno task bundle` → dist/openclaw.js, the closest we can get to the compiled
 * binary on machines that cannot download `deno compile`'s runtime). Prints a Markdown table for
 * docs/benchmarks.md. Runs are sequential; each number is the median of N runs after a warm-up.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 30);

interface Target {
  label: string;
  entry: string;
}

async function ensureBundle(): Promise<string> {
  const out = `${ROOT}dist/openclaw.js`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", out, `${ROOT}main.ts`],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!r.success) throw new Error("deno bundle failed");
  return out;
}

async function timeOnce(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  const t0 = performance.now();
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", entry, ...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const dt = performance.now() - t0;
  if (!r.success) {
    throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(r.stderr)}`);
  }
  return dt;
}

function stats(samples: number[]): { p50: number; p90: number; min: number } {
  const s = samples.slice().sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p90: at(0.9), min: s[0] };
}

async function bench(entry: string, args: string[], env: Record<string, string>) {
  await timeOnce(entry, args, env); // warm the module cache
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timeOnce(entry, args, env));
  return stats(samples);
}

const home = await Deno.makeTempDir({ prefix: "openclaw-bench-" });
try {
  const env = { OPENCLAW_STATE_DIR: `${home}/.openclaw`, HOME: home, NO_COLOR: "1" };
  await Deno.mkdir(`${home}/.openclaw`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.openclaw/openclaw.json`,
    `// bench config\n{ gateway: { mode: "local", port: 18789 }, agents: { defaults: { workspace: "~/.openclaw/workspace" } } }\n`,
  );
  const targets: Target[] = [
    { label: "bundle", entry: await ensureBundle() },
    { label: "source", entry: `${ROOT}main.ts` },
  ];
  const cases = [
    { what: "`openclaw --version`", args: ["--version"], budget: 40 },
    {
      what: "`openclaw config get gateway.port`",
      args: ["config", "get", "gateway.port"],
      budget: 80,
    },
  ];
  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, ${RUNS} runs each, wall time per process\n`,
  );
  console.log("| what | run from | p50 ms | p90 ms | min ms | budget ms | within |");
  console.log("|---|---|---|---|---|---|---|");
  let over = 0;
  for (const c of cases) {
    for (const t of targets) {
      const s = await bench(t.entry, c.args, env);
      const ok = s.p50 < c.budget;
      if (!ok && t.label === "bundle") over++;
      console.log(
        `| ${c.what} | ${t.label} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${
          fmt(s.min)
        } | < ${c.budget} | ${ok ? "yes" : "NO"} |`,
      );
    }
  }
  if (over) console.log(`\n${over} case(s) over budget`);
} finally {
  await Deno.remove(home, { recursive: true });
}
