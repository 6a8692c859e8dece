/**
 * Whether a gateway start needs its channel layer at all: yes when the config names a channel
 * (`channels.<id>` other than `defaults` / `modelByChannel`, enabled or not -- the layer lists a
 * disabled channel too), or when the inbound journal holds work a previous run left (messages to
 * answer, dead letters, kept replies). Otherwise the layer is not loaded until a config reload
 * adds a channel. Tiny on purpose: this module is on the start path, the layer is not.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { joinPath } from "../paths.ts";

/** Keys under `channels` that are not channels. */
export const NOT_CHANNEL_KEYS: ReadonlySet<string> = new Set(["defaults", "modelByChannel"]);

/** Largest journal file read at start. */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

/**
 * Lists the channel ids configured under `channels` (not `defaults` / `modelByChannel`).
 *
 * @param config The parsed config.
 * @returns Channel ids in file order.
 * @example
 * ```ts
 * listChannelIds({ channels: { defaults: {}, telegram: { enabled: false } } }); // ["telegram"]
 * ```
 */
export function listChannelIds(config: OpenClawConfig): string[] {
  const channels = config.channels as unknown;
  if (typeof channels !== "object" || channels === null || Array.isArray(channels)) return [];
  const blocks = channels as Record<string, unknown>;
  return Object.keys(blocks).filter((id) => {
    const block = blocks[id];
    return !NOT_CHANNEL_KEYS.has(id) && typeof block === "object" && block !== null &&
      !Array.isArray(block);
  });
}

/**
 * The inbound journal's file in a state directory.
 *
 * @param stateDir The state directory.
 * @returns `<stateDir>/channels/inbound-journal.jsonl`.
 */
export function inboundJournalPath(stateDir: string): string {
  return joinPath(stateDir, "channels", "inbound-journal.jsonl");
}

/** The line a dedupe tombstone starts with (JSON.stringify writes `t` first). */
const TOMBSTONE = '{"t":"done"';

/**
 * True unless the journal file is absent, empty, or holds only dedupe tombstones (ids of
 * messages already answered). Anything else -- a message to answer, a dead letter, a kept reply,
 * a torn or unknown line, a file too large or unreadable -- counts as work, so the channel layer
 * opens the journal at start and deals with it (or reports the error) as it always does.
 *
 * @param path The journal file (see {@linkcode inboundJournalPath}).
 * @returns Whether opening the journal could do anything.
 */
export async function journalHoldsWork(path: string): Promise<boolean> {
  let text: string;
  try {
    const size = (await Deno.stat(path)).size;
    if (size === 0) return false;
    if (size > MAX_JOURNAL_BYTES) return true;
    text = await Deno.readTextFile(path);
  } catch (err) {
    return !(err instanceof Deno.errors.NotFound);
  }
  for (const line of text.split("\n")) {
    if (line.trim() !== "" && !line.startsWith(TOMBSTONE)) return true;
  }
  return false;
}

/**
 * Whether the gateway must load its channel layer at start (see the module doc).
 *
 * @param config The config of the start.
 * @param stateDir The state directory (for the inbound journal).
 * @returns True when a channel is configured or the journal holds work.
 */
export async function channelLayerNeeded(
  config: OpenClawConfig,
  stateDir: string,
): Promise<boolean> {
  return listChannelIds(config).length > 0 ||
    await journalHoldsWork(inboundJournalPath(stateDir));
}
