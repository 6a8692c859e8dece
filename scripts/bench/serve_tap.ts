/**
 * Timestamps requests to in-process fake servers (the test fixtures' fake platforms and fake
 * model) without a proxy hop: while a fake starts, `Deno.serve` is wrapped so its handler first
 * calls a tap with `performance.now()` at the moment the request reached the fake. The tap may
 * also ask to learn when the response body was fully produced (the fake model's own time).
 *
 * @module
 */

/** What a tap wants to know about one request. */
export interface TapResult {
  /** Called with `performance.now()` once the response body has been fully enqueued. */
  onBodyDone?: (at: number) => void;
}

/** Called for every request with its arrival time (`performance.now()`). */
export type Tap = (req: Request, arrivedAt: number) => TapResult | void;

type Handler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

function tapped(handler: Handler, tap: Tap): Handler {
  return async (req, info) => {
    const at = performance.now();
    const wants = tap(req, at);
    const res = await handler(req, info);
    const done = wants?.onBodyDone;
    if (!done) return res;
    if (!res.body) {
      done(performance.now());
      return res;
    }
    // A WebSocket upgrade's response cannot be rebuilt; the fake model never upgrades.
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({ flush: () => done(performance.now()) }),
    );
    return new Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

/**
 * Runs `start` (which must call `Deno.serve` once, with `(options, handler)`, before it
 * resolves) with `tap` wrapped around the handler it passes.
 *
 * @param tap Sees every request of the server `start` creates.
 * @param start Starts one fake server.
 * @returns What `start` returned.
 */
export async function withServeTap<T>(tap: Tap, start: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(Deno, "serve");
  const serve = Deno.serve;
  // Deno.serve has several overloads; the fixtures all use `(options, handler)`.
  const wrapped = (options: Deno.ServeTcpOptions, handler: Handler) =>
    serve(options, tapped(handler, tap));
  Object.defineProperty(Deno, "serve", { value: wrapped, configurable: true, writable: true });
  try {
    return await start();
  } finally {
    if (original) Object.defineProperty(Deno, "serve", original);
  }
}
