/**
 * The `health` and `status` RPC methods. Their answers are built in gateway/health_snapshot.ts,
 * which the gateway state uses from the start; this file (with the params schemas) is loaded on
 * the first call.
 *
 * @module
 */
import { buildStatus, healthSnapshot } from "../health_snapshot.ts";
import { defineMethod, looseOptionalParams, type MethodDefinition } from "./registry.ts";

export {
  buildChannelHealth,
  buildHealthSummary,
  buildStatus,
  HEALTH_CACHE_MS,
  HealthSnapshot,
  healthSnapshot,
} from "../health_snapshot.ts";

/** The health and status methods. */
export const healthMethods: MethodDefinition[] = [
  defineMethod({
    name: "health",
    scope: null,
    params: looseOptionalParams({ probe: "boolean" }),
    // JSON text: most of the answer is the cached summary, serialized once per build.
    handler: ({ state, params }) => healthSnapshot(state).json(params.probe === true),
  }),
  defineMethod({
    name: "status",
    scope: "operator.read",
    params: looseOptionalParams({}),
    handler: ({ state }) => buildStatus(state),
  }),
];
