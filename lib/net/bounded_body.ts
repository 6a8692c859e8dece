/**
 * Reading an HTTP response body with a size cap: a platform or provider that answers with more
 * than we will ever need cannot grow the gateway's memory; the rest is cancelled, not buffered.
 *
 * @module
 */

/**
 * Reads a response's or request's body as UTF-8 text, failing once it passes `max` bytes.
 *
 * @param res The response or request (its body is consumed).
 * @param max The largest body accepted, in bytes.
 * @returns The text ("" without a body).
 * @throws {Error} `response larger than <max> bytes` (the body is cancelled first).
 */
export async function readBoundedText(
  res: { body: ReadableStream<Uint8Array> | null },
  max: number,
): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw new Error(`response larger than ${max} bytes`);
      }
      parts.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return new TextDecoder().decode(all);
}
