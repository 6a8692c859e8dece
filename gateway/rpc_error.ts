/**
 * TRANSITIONAL: the old handler error, now a thin alias of lib/protocol/error_map.ts.
 *
 * @module
 */
import type { ErrorShape } from "../lib/protocol/frames.ts";
import { invalidRequest, ProtocolError, protocolErrorOf } from "../lib/protocol/error_map.ts";

export type { ErrorShape };
export { invalidRequest };

/** A method failure with its wire shape. */
export class RpcError extends ProtocolError {
  constructor(shape: ErrorShape) {
    super(shape.code, shape.message, shape);
  }
}

/** Turns anything thrown by a handler into an ErrorShape. */
export function toErrorShape(err: unknown): ErrorShape {
  return protocolErrorOf(err).shape;
}
