/**
 * `connect` params checked without zod when they are an ordinary CLI, UI or backend handshake:
 * {@linkcode checkConnectParams} accepts what ConnectParamsSchema certainly accepts, with the
 * same output, and hands everything else (invalid, or using the rarer node-host fields) to the
 * schema in connect.ts for today's exact answer.
 *
 * @module
 */
import type { ConnectParams } from "./connect.ts";
import { CLIENT_IDS, CLIENT_MODES } from "./connect_values.ts";
import {
  fastArray,
  fastEnum,
  fastIntMin,
  fastStrictObject,
  fastString,
  optional,
  required,
  UNSURE,
} from "./fast_check.ts";
import type { ParamsResult } from "./params.ts";

const nonEmpty = fastString(1);
const nonEmptyList = fastArray(nonEmpty);
const anyString = fastString();

/**
 * ConnectParamsSchema without `computerUse`, `workerRuns`, `permissions` and `modelCatalog`
 * (node-host extras: a connect carrying one goes to the schema).
 */
const fastConnect = fastStrictObject({
  minProtocol: required(fastIntMin(1)),
  maxProtocol: required(fastIntMin(1)),
  client: required(fastStrictObject({
    id: required(fastEnum(CLIENT_IDS)),
    displayName: optional(nonEmpty),
    version: required(nonEmpty),
    buildId: optional(fastString(1, 96)),
    platform: required(nonEmpty),
    deviceFamily: optional(nonEmpty),
    modelIdentifier: optional(nonEmpty),
    timeZone: optional(fastString(1, 64)),
    mode: required(fastEnum(CLIENT_MODES)),
    instanceId: optional(nonEmpty),
  })),
  caps: optional(nonEmptyList),
  commands: optional(nonEmptyList),
  pathEnv: optional(anyString),
  role: optional(nonEmpty),
  scopes: optional(nonEmptyList),
  device: optional(fastStrictObject({
    id: required(nonEmpty),
    publicKey: required(nonEmpty),
    signature: required(nonEmpty),
    signedAt: required(fastIntMin(0)),
    nonce: required(nonEmpty),
  })),
  auth: optional(fastStrictObject({
    token: optional(anyString),
    bootstrapToken: optional(anyString),
    deviceToken: optional(anyString),
    password: optional(anyString),
    approvalRuntimeToken: optional(anyString),
    agentRuntimeIdentityToken: optional(anyString),
  })),
  locale: optional(anyString),
  userAgent: optional(anyString),
});

/**
 * What ConnectParamsSchema outputs for `params` when the hand check is certain it accepts them,
 * else undefined.
 */
export function fastConnectParams(params: unknown): ConnectParams | undefined {
  const r = fastConnect(params);
  return r === UNSURE ? undefined : r as ConnectParams;
}

let framesModule: typeof import("./frames.ts") | undefined;

/**
 * `parseConnectParams` of frames.ts for the server: the same answer for every input, without
 * loading zod for an ordinary handshake (synchronous then; a promise when the schema must load).
 */
export function checkConnectParams(
  params: unknown,
): ParamsResult<ConnectParams> | Promise<ParamsResult<ConnectParams>> {
  const value = fastConnectParams(params);
  if (value) return { ok: true, value };
  if (framesModule) return framesModule.parseConnectParams(params);
  return import("./frames.ts").then((m) => {
    framesModule = m;
    return m.parseConnectParams(params);
  });
}
