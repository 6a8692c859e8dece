/**
 * CLI timings: whole `deno run` processes, sequentially, each case after one warm-up run, and
 * cases interleaved run by run (ours, then the floor, then ours again …) so that machine noise
 * hits ours and Deno's floor (`deno run scripts/bench/floor/hello.ts`) alike.
 *
 * @module
 */
import { pct } from "./report.ts";

/** The floor of every CLI row: Deno running a `console.log` script. */
export const HELLO = new URL("./floor/hello.ts", import.meta.url).pathname;

/** One command to time: `deno run -A --quiet <entry> <args>`. */
export interface CliCase {
  key: string;
  entry: string;
  args: string[];
  env: Record<string, string>;
}

/** p50 and p90 of one case (ms). */
export interface Timing {
  p50: number;
  p90: number;
}

async function timeOnce(c: CliCase): Promise<number> {
  const t0 = performance.now();
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", c.entry, ...c.args],
    env: c.env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const dt = performance.now() - t0;
  if (!r.success) {
    throw new Error(`${c.args.join(" ") || c.entry} failed: ${new TextDecoder().decode(r.stderr)}`);
  }
  return dt;
}

/**
 * Times every case `runs` times, interleaved.
 *
 * @returns p50/p90 by case key.
 */
export async function timeCommands(cases: CliCase[], runs: number): Promise<Map<string, Timing>> {
  for (const c of cases) await timeOnce(c);
  const samples = new Map(cases.map((c) => [c.key, [] as number[]]));
  for (let i = 0; i < runs; i++) {
    for (const c of cases) samples.get(c.key)!.push(await timeOnce(c));
  }
  return new Map(
    [...samples].map(([k, s]) => [k, { p50: pct(s, 0.5), p90: pct(s, 0.9) }]),
  );
}
