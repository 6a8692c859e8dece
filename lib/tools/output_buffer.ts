/**
 * Bounded command output: the newest `maxChars` characters are kept, older ones are dropped,
 * and positions are absolute (counted from the first character ever written) so a reader's
 * cursor stays valid while the front of the buffer falls off.
 *
 * @module
 */

/** Default cap of one process's retained output (~1 MB of text). */
export const DEFAULT_MAX_OUTPUT_CHARS = 1_000_000;

/** A ring buffer of text with absolute offsets. */
export class OutputBuffer {
  readonly maxChars: number;
  #chunks: string[] = [];
  #length = 0;
  #dropped = 0;

  /** Creates a buffer keeping at most `maxChars` characters. */
  constructor(maxChars: number = DEFAULT_MAX_OUTPUT_CHARS) {
    if (!Number.isInteger(maxChars) || maxChars <= 0) {
      throw new RangeError(`Cannot create an output buffer of ${maxChars} characters`);
    }
    this.maxChars = maxChars;
  }

  /** Characters dropped from the front so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Characters ever written (the absolute offset of the end). */
  get total(): number {
    return this.#dropped + this.#length;
  }

  /** Appends text, dropping the oldest characters beyond the cap. */
  append(text: string): void {
    if (text.length === 0) return;
    this.#chunks.push(text);
    this.#length += text.length;
    let excess = this.#length - this.maxChars;
    while (excess > 0) {
      const first = this.#chunks[0];
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#length -= first.length;
        this.#dropped += first.length;
        excess -= first.length;
      } else {
        this.#chunks[0] = first.slice(excess);
        this.#length -= excess;
        this.#dropped += excess;
        excess = 0;
      }
    }
    // Many tiny writes would make `text()` slow; fold them once in a while.
    if (this.#chunks.length > 512) this.#chunks = [this.#chunks.join("")];
  }

  /** The retained text. */
  text(): string {
    if (this.#chunks.length > 1) this.#chunks = [this.#chunks.join("")];
    return this.#chunks[0] ?? "";
  }

  /** Text from absolute offset `from` to the end, and how much of it was already dropped. */
  since(from: number): { text: string; lost: number; next: number } {
    const start = Math.max(from, this.#dropped);
    const lost = Math.max(0, this.#dropped - from);
    return { text: this.text().slice(start - this.#dropped), lost, next: this.total };
  }
}

/** Keeps the last `maxChars` of `text`, marking what was cut (and what the buffer dropped). */
export function tailWithMarker(text: string, maxChars: number, droppedBefore = 0): string {
  const cut = Math.max(0, text.length - maxChars) + droppedBefore;
  if (cut === 0) return text;
  return `[... output truncated: ${cut} earlier characters omitted ...]\n` +
    text.slice(Math.max(0, text.length - maxChars));
}
