/**
 * A unified diff of two texts, so `doctor --fix` can show exactly what it is about to write.
 *
 * @module
 */

type Op = { kind: " " | "-" | "+"; line: string; a: number; b: number };

/** Past this many cells the LCS table costs too much; the whole file becomes one hunk. */
const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  // Common prefix and suffix first: config edits touch a few lines of a long file.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: " ", line: a[i], a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ kind: "-", line: a[i], a: i, b: -1 });
    for (let j = start; j < endB; j++) ops.push({ kind: "+", line: b[j], a: -1, b: j });
  } else {
    // lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB).
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[start + i] === b[start + j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: " ", line: a[start + i], a: start + i, b: start + j });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        // Removals before additions, like diff -u.
        ops.push({ kind: "-", line: a[start + i], a: start + i, b: -1 });
        i++;
      } else {
        ops.push({ kind: "+", line: b[start + j], a: -1, b: start + j });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    ops.push({ kind: " ", line: a[endA + k], a: endA + k, b: endB + k });
  }
  return ops;
}

/** Options for {@linkcode unifiedDiff}. */
export interface UnifiedDiffOptions {
  /** Name shown on the `---` line. @default "a" */
  fromLabel?: string;
  /** Name shown on the `+++` line. @default "b" */
  toLabel?: string;
  /** Unchanged lines around each change. @default 3 */
  context?: number;
}

/**
 * Returns a unified diff (`---`/`+++` header and `@@` hunks), or "" when the texts are equal.
 *
 * @example
 * ```ts
 * unifiedDiff("a\nb\n", "a\nc\n", { fromLabel: "old", toLabel: "new" });
 * // "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
 * ```
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: UnifiedDiffOptions = {},
): string {
  if (before === after) return "";
  const ctx = options.context ?? 3;
  const ops = diffOps(splitLines(before), splitLines(after));
  const changed = ops.map((o, i) => (o.kind === " " ? -1 : i)).filter((i) => i >= 0);
  if (!changed.length) return ""; // only a trailing newline differs
  const out = [`--- ${options.fromLabel ?? "a"}`, `+++ ${options.toLabel ?? "b"}`];
  let k = 0;
  while (k < changed.length) {
    let lo = Math.max(0, changed[k] - ctx);
    let hi = Math.min(ops.length - 1, changed[k] + ctx);
    while (k + 1 < changed.length && changed[k + 1] - ctx <= hi + 1) {
      k++;
      hi = Math.min(ops.length - 1, changed[k] + ctx);
    }
    k++;
    const hunk = ops.slice(lo, hi + 1);
    // Line numbers of the hunk: the first line on each side, counting from 1.
    let aStart = hunk.find((o) => o.a >= 0)?.a ?? -1;
    let bStart = hunk.find((o) => o.b >= 0)?.b ?? -1;
    const aLen = hunk.filter((o) => o.kind !== "+").length;
    const bLen = hunk.filter((o) => o.kind !== "-").length;
    if (aStart < 0) aStart = lo > 0 ? ops[lo - 1].a : 0;
    else aStart += aLen ? 1 : 0;
    if (bStart < 0) bStart = lo > 0 ? ops[lo - 1].b : 0;
    else bStart += bLen ? 1 : 0;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) out.push(o.kind + o.line);
    lo = hi + 1;
  }
  return out.join("\n") + "\n";
}
