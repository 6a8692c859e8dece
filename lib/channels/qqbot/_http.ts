/**
 * Small HTTP helpers of the QQ client: the shared deadline and bounded body reader under the
 * names the client uses, and a JSON parse that never throws.
 *
 * @module
 */
import { readBoundedText } from "../../net/bounded_body.ts";

/** Largest response body read. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export { type Deadline, startDeadline } from "../../deadline.ts";

/** Reads a body as text, failing past `max` bytes (the rest is cancelled, not buffered). */
export function readBounded(res: Response, max = MAX_RESPONSE_BYTES): Promise<string> {
  return readBoundedText(res, max);
}

/** Parses JSON; `undefined` for empty or invalid text. */
export function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
