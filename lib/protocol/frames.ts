/**
 * Frame envelopes of the Gateway WebSocket protocol (reference/protocol.md §3) and a parser that
 * never throws on hostile text. The `connect` params and `hello-ok` schemas live in
 * `connect.ts` and `hello.ts` and are re-exported here.
 *
 * @module
 */
import { z } from "zod";
import { type ConnectParams, ConnectParamsSchema, NonEmptyString } from "./connect.ts";
import {
  failedWithId,
  type FrameForSchema,
  needsSchema,
  type ParseFrameResult,
  preparseFrame,
} from "./frame_parse.ts";
import { StateVersionSchema } from "./hello.ts";
import { type ParamsResult, validateParams } from "./params.ts";
import { formatZodIssues } from "./zod_issues.ts";

export * from "./connect.ts";
export * from "./hello.ts";
export { formatZodIssues } from "./zod_issues.ts";
export { type ParamsResult, validateParams } from "./params.ts";
export { type FrameForSchema, type ParseFrameResult, preparseFrame } from "./frame_parse.ts";

/** The error object of a failed response (closed). */
export const ErrorShapeSchema = z.strictObject({
  code: NonEmptyString,
  message: NonEmptyString,
  details: z.unknown().optional(),
  retryable: z.boolean().optional(),
  retryAfterMs: z.number().int().min(0).optional(),
});
/** What `res.error` carries. */
export type ErrorShape = z.infer<typeof ErrorShapeSchema>;

/** A client request (closed). */
export const RequestFrameSchema = z.strictObject({
  type: z.literal("req"),
  id: NonEmptyString,
  method: NonEmptyString,
  params: z.unknown().optional(),
  traceparent: z.string().max(128).optional(),
  expectedProfileId: z.string().min(1).max(128).optional(),
});
/** `{type:"req", id, method, params?}`. */
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

/** A server response (closed). */
export const ResponseFrameSchema = z.strictObject({
  type: z.literal("res"),
  id: NonEmptyString,
  ok: z.boolean(),
  payload: z.unknown().optional(),
  error: ErrorShapeSchema.optional(),
});
/** `{type:"res", id, ok, payload?|error?}`. */
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;

/** A server event (closed). */
export const EventFrameSchema = z.strictObject({
  type: z.literal("event"),
  event: NonEmptyString,
  payload: z.unknown().optional(),
  seq: z.number().int().min(0).optional(),
  stateVersion: StateVersionSchema.optional(),
  recipientProfileId: z.string().min(1).max(128).optional(),
});
/** `{type:"event", event, payload?, seq?, stateVersion?}`. */
export type EventFrame = z.infer<typeof EventFrameSchema>;

/** Any frame of the protocol. */
export type Frame = RequestFrame | ResponseFrame | EventFrame;

const FRAME_SCHEMAS = {
  req: { schema: RequestFrameSchema, label: "request frame" },
  res: { schema: ResponseFrameSchema, label: "response frame" },
  event: { schema: EventFrameSchema, label: "event frame" },
} as const;

/**
 * Parses one text frame into a request, response or event. Never throws: bad JSON, non-objects,
 * unknown types, unknown or wrongly typed keys, `__proto__` keys and nesting deeper than
 * `MAX_FRAME_DEPTH` (constants.ts) all come back as `{ok:false, error}` with a readable reason.
 * (The server uses `readFrame` of frame_parse.ts: the same answers, zod loaded only when needed.)
 *
 * @example
 * ```ts
 * const r = parseFrame('{"type":"req","id":"1","method":"health"}');
 * if (r.ok && r.frame.type === "req") dispatch(r.frame);
 * ```
 */
export function parseFrame(text: string): ParseFrameResult {
  const pre = preparseFrame(text);
  return needsSchema(pre) ? checkFrameSchema(pre) : pre;
}

/** The answer for a frame {@linkcode preparseFrame} left to its type's schema. */
export function checkFrameSchema({ type, record }: FrameForSchema): ParseFrameResult {
  const { schema, label } = FRAME_SCHEMAS[type];
  const result = schema.safeParse(record, { reportInput: true });
  if (!result.success) {
    return failedWithId(`invalid ${label}: ${formatZodIssues(result.error.issues)}`, record);
  }
  return { ok: true, frame: result.data };
}

/** Validates `connect` params: "invalid connect params: <errors>" on failure. */
export function parseConnectParams(params: unknown): ParamsResult<ConnectParams> {
  return validateParams("connect", ConnectParamsSchema, params);
}
