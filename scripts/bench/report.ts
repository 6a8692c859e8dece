/**
 * The bench's output: the main table (what DESIGN.md budgets, one row per case and "run from")
 * and, at the end, the ratio table of issue 17 — each of our numbers next to Deno's floor
 * measured in the same run, the ratio and the goal.
 *
 * @module
 */

/** p-quantile (nearest rank) of `samples`; NaN when there are none. */
export function pct(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = samples.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** One decimal. */
export const fmt = (n: number): string => Number.isFinite(n) ? n.toFixed(1) : "—";

/** A number with thousands separators and no decimals. */
export const int = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—";

/** Units of a ratio row. */
export type Unit = "ms" | "MB" | "/s";

/** One row of the ratio table. */
export interface Ratio {
  what: string;
  from: string;
  ours: number;
  floor: number;
  /** What the floor is (`bare Hono + WS server`, `deno run hello.ts`, …). */
  floorWhat: string;
  unit: Unit;
  /** `max`: ours/floor must stay at or below; `min`: at or above (shown in %). */
  goal?: { max?: number; min?: number };
  /** The ratio when it is not ours/floor (e.g. the p50 of paired measurements). */
  ratio?: number;
}

function withUnit(n: number, unit: Unit): string {
  if (unit === "/s") return `${int(n)}/s`;
  return `${unit === "ms" && n >= 100 ? int(n) : fmt(n)} ${unit}`;
}

/** Collects rows while the bench runs and prints them at the end. */
export class Report {
  readonly #rows: string[] = [];
  readonly #ratios: Ratio[] = [];
  readonly #notes: string[] = [];

  /**
   * A timed row: p50 and p90 in ms (or the row's unit), its budget and whether it is met
   * (`undefined`: no budget, shown as `—`).
   */
  row(
    what: string,
    from: string,
    p50: number,
    p90: number | undefined,
    budget: string,
    ok: boolean | undefined,
  ) {
    const met = ok === undefined ? "—" : ok ? "yes" : "NO";
    this.text(what, from, fmt(p50), p90 === undefined ? "" : fmt(p90), budget, met);
  }

  /** A row with preformatted cells. */
  text(what: string, from: string, value: string, second: string, budget: string, ok: string) {
    this.#rows.push(`| ${what} | ${from} | ${value} | ${second} | ${budget} | ${ok} |`);
  }

  /** A row of the ratio table. */
  ratio(r: Ratio) {
    this.#ratios.push(r);
  }

  /** A line printed under the tables (skipped rows, what a floor is). */
  note(line: string) {
    this.#notes.push(line);
  }

  /** Prints both tables as Markdown. */
  print(header: string) {
    console.log(`${header}\n`);
    console.log("| what | run from | p50 ms | p90 ms | budget | within |");
    console.log("|---|---|---|---|---|---|");
    for (const r of this.#rows) console.log(r);
    if (this.#ratios.length > 0) {
      console.log("\nRatios to Deno's floor measured in this run (issue 17):\n");
      console.log("| what | run from | ours | Deno's floor | ratio | goal | met |");
      console.log("|---|---|---|---|---|---|---|");
      for (const r of this.#ratios) console.log(ratioRow(r));
    }
    if (this.#notes.length > 0) console.log(`\n${this.#notes.map((n) => `- ${n}`).join("\n")}`);
  }
}

function ratioRow(r: Ratio): string {
  const ratio = r.ratio ?? r.ours / r.floor;
  const percent = r.goal?.min !== undefined;
  const shown = !Number.isFinite(ratio)
    ? "—"
    : percent
    ? `${(ratio * 100).toFixed(0)} %`
    : `${ratio.toFixed(2)}x`;
  let goal = "—", met = "—";
  if (r.goal?.max !== undefined) {
    goal = `≤ ${r.goal.max}x`;
    met = ratio <= r.goal.max ? "yes" : "NO";
  } else if (r.goal?.min !== undefined) {
    goal = `≥ ${(r.goal.min * 100).toFixed(0)} %`;
    met = ratio >= r.goal.min ? "yes" : "NO";
  }
  return `| ${r.what} | ${r.from} | ${withUnit(r.ours, r.unit)} | ${
    withUnit(r.floor, r.unit)
  } (${r.floorWhat}) | ${shown} | ${goal} | ${met} |`;
}
