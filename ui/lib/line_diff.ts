/**
 * A line diff for "review before applying" in the config source editor: the longest common
 * subsequence of lines, shown as hunks with a little context. Bounded: inputs whose LCS table
 * would exceed {@linkcode MAX_CELLS} are reported as one replaced block instead.
 *
 * @module
 */

/** One line of a diff. */
export interface DiffLine {
  op: " " | "+" | "-";
  text: string;
  /** 1-based line number in the old text (for " " and "-") or the new text ("+"). */
  line: number;
}

/** Largest LCS table computed (old lines × new lines). */
export const MAX_CELLS = 4_000_000;

/** Returns the changed lines with `context` unchanged lines around each change. */
export function diffLines(before: string, after: string, context = 2): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const ops: DiffLine[] = [];
  for (let i = 0; i < start; i++) ops.push({ op: " ", text: a[i], line: i + 1 });
  if (midA.length * midB.length > MAX_CELLS) {
    midA.forEach((text, i) => ops.push({ op: "-", text, line: start + i + 1 }));
    midB.forEach((text, i) => ops.push({ op: "+", text, line: start + i + 1 }));
  } else {
    ops.push(...lcsOps(midA, midB, start));
  }
  for (let i = endA; i < a.length; i++) ops.push({ op: " ", text: a[i], line: i + 1 });
  return withContext(ops, context);
}

function lcsOps(a: string[], b: string[], offset: number): DiffLine[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS of a[i..] and b[j..], flattened.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] = a[i] === b[j]
        ? lengths[(i + 1) * (m + 1) + j + 1] + 1
        : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: " ", text: a[i], line: offset + i + 1 });
      i++;
      j++;
    } else if (
      j < m && (i === n || lengths[i * (m + 1) + j + 1] > lengths[(i + 1) * (m + 1) + j])
    ) {
      out.push({ op: "+", text: b[j], line: offset + j + 1 });
      j++;
    } else {
      out.push({ op: "-", text: a[i], line: offset + i + 1 });
      i++;
    }
  }
  return out;
}

function withContext(ops: DiffLine[], context: number): DiffLine[] {
  const keep = new Uint8Array(ops.length);
  ops.forEach((o, i) => {
    if (o.op === " ") return;
    for (let k = Math.max(0, i - context); k <= Math.min(ops.length - 1, i + context); k++) {
      keep[k] = 1;
    }
  });
  return ops.filter((_, i) => keep[i] === 1);
}
