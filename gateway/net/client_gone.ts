/**
 * Whether the client of one request went away, exposed as a lazily created `AbortSignal`.
 * Passing a signal to `new Request()` costs more than the rest of the request object together
 * (Deno links a dependent signal through weak references), and most handlers never look at it,
 * so the server's requests ({@linkcode ServerRequest}) read `signal` from this instead.
 *
 * @module
 */

/** The abort reason: an AbortError made once, not one (with its stack trace) per request. */
const CLIENT_GONE = new DOMException("the client went away", "AbortError");

/** One request's "client gone" state. */
export class ClientGone {
  #ac: AbortController | undefined;
  #onAbort: (() => void) | undefined;
  #gone = false;

  /** True once the client went away (or the server dropped the connection). */
  get gone(): boolean {
    return this.#gone;
  }

  /** The signal handed to the handler as `request.signal` (created on first use). */
  get signal(): AbortSignal {
    if (!this.#ac) {
      this.#ac = new AbortController();
      if (this.#gone) this.#ac.abort(CLIENT_GONE);
    }
    return this.#ac.signal;
  }

  /**
   * Sets the server's own callback for the abort (one at a time; undefined clears it). Runs at
   * once when the client is already gone.
   */
  set onAbort(cb: (() => void) | undefined) {
    if (this.#gone) {
      this.#onAbort = undefined;
      cb?.();
      return;
    }
    this.#onAbort = cb;
  }

  /** Marks the client gone: aborts the signal and runs the callback (once). */
  abort(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#ac?.abort(CLIENT_GONE);
    const cb = this.#onAbort;
    this.#onAbort = undefined;
    cb?.();
  }
}

/**
 * The `Request` the server hands to handlers: a plain `Request` whose `signal` is created on first
 * use and aborted when the client goes away. (`clone()` returns a plain `Request`, whose signal
 * does not follow the client.)
 */
export class ServerRequest extends Request {
  #gone: ClientGone;

  /**
   * Creates the request. `headers`, when given, stands in for the request's own (which `init`
   * then leaves empty): the server passes a read-only view of a WebSocket handshake's fields.
   */
  constructor(url: string, init: RequestInit, gone: ClientGone, headers?: Headers) {
    super(url, init);
    this.#gone = gone;
    if (headers) Object.defineProperty(this, "headers", { value: headers, enumerable: true });
  }

  static {
    // An accessor on the prototype (lib.dom declares `signal` as a field, so no `get signal()`).
    Object.defineProperty(ServerRequest.prototype, "signal", {
      get(this: ServerRequest): AbortSignal {
        return this.#gone.signal;
      },
      configurable: true,
    });
  }
}
