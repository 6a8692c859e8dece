/**
 * UTF-8 sizes of JavaScript strings, counted without encoding them (frame limits and log caps
 * are in bytes; encoding a large frame just to measure it would double its memory).
 *
 * @module
 */

/**
 * Returns how many bytes `text` takes as UTF-8.
 *
 * @param text Any string; a lone surrogate counts as 3 bytes, as TextEncoder writes U+FFFD.
 * @returns The byte length.
 * @example
 * ```ts
 * utf8Length("héllo"); // 6
 * ```
 */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      i++; // a surrogate pair: two UTF-16 units, four bytes
      n += 2;
    } else n += 2;
  }
  return n;
}
