/**
 * A method result serialized ahead of time. The connection splices `text` into the response
 * frame as the payload instead of running `JSON.stringify` over the result, so a method whose
 * answer is mostly the same between calls (`health`) serializes that part once.
 *
 * @module
 */

/** A payload that is already JSON text (see the module doc). */
export class JsonText {
  /** The payload as JSON text (an object, array or primitive, exactly as it goes on the wire). */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** Keeps `JSON.stringify` of anything holding it correct (slowly) outside the connection. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
