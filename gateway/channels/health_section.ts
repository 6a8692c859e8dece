/**
 * The `channels` section of `health`, answered again while nothing it is made of changed. It is a
 * pure function of the accounts' snapshots and the journal's counts, so the last section (frozen,
 * its JSON text made once) is reused while both equal the last ones; the caller reads both afresh
 * on every call, so the answer is never staler than building it anew.
 *
 * @module
 */
import { freezeJson, sameJsonData } from "../methods/json_text.ts";
import {
  buildChannelsStatus,
  type ChannelStatusSource,
  healthChannels,
  type JournalCounts,
  journalCounts,
} from "./status.ts";

/** The `channels` section of `health`. */
export type HealthChannels = ReturnType<typeof healthChannels>;

/** The counts of an empty journal (shared: nothing changes them). */
const NO_JOURNAL_COUNTS: JournalCounts = journalCounts(undefined);

/** The sources with frozen copies of their snapshots, or undefined if one cannot be copied. */
function frozenSources(sources: ChannelStatusSource[]): ChannelStatusSource[] | undefined {
  const out: ChannelStatusSource[] = [];
  for (const s of sources) {
    const accounts = freezeJson(s.accounts);
    if (!accounts) return undefined;
    out.push({ ...s, accounts });
  }
  return out;
}

function sameSources(a: ChannelStatusSource[], b: ChannelStatusSource[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.id !== y.id || x.platform !== y.platform || x.defaultAccountId !== y.defaultAccountId) {
      return false;
    }
    if (!sameJsonData(x.accounts, y.accounts)) return false;
  }
  return true;
}

function sameMap(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function sameCounts(a: JournalCounts, b: JournalCounts): boolean {
  return a === b ||
    (sameMap(a.pending, b.pending) && sameMap(a.failed, b.failed) && sameMap(a.dead, b.dead));
}

/** The last section and what it was built from. */
export class HealthSectionMemo {
  #last:
    | { sources: ChannelStatusSource[]; counts: JournalCounts; value: HealthChannels }
    | undefined;

  /**
   * The section for these sources and journal counts (`undefined`: an empty journal), the last
   * one when both are unchanged.
   */
  answer(
    sources: ChannelStatusSource[],
    counts: JournalCounts | undefined,
    now: () => number,
  ): HealthChannels {
    const journal = counts ?? NO_JOURNAL_COUNTS;
    const last = this.#last;
    if (last && sameSources(last.sources, sources) && sameCounts(last.counts, journal)) {
      return last.value;
    }
    const built = healthChannels(buildChannelsStatus(sources, journal, now()));
    const value = freezeJson(built);
    const seen = value && frozenSources(sources);
    this.#last = seen && value ? { sources: seen, counts: journal, value } : undefined;
    return value ?? built;
  }
}
