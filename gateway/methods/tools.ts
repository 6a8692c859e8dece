/**
 * `tools.invoke` (protocol.md §8.5): runs one tool outside a turn through the runtime's policy.
 * Policy refusals and tool failures are answers (`ok:false` in the payload), not RPC errors.
 *
 * @module
 */
import { invalidRequest } from "../rpc_error.ts";
import { resolveAgentId, runtimeOf, stringParam } from "./_common.ts";
import type { MethodTable } from "./types.ts";

/** The tools methods. */
export const toolsMethods: MethodTable = {
  "tools.invoke": async ({ params, state }) => {
    const name = stringParam("tools.invoke", params, "name", { required: true, max: 128 })!;
    const sessionKey = stringParam("tools.invoke", params, "sessionKey", { max: 512 });
    const agentIdParam = stringParam("tools.invoke", params, "agentId");
    stringParam("tools.invoke", params, "idempotencyKey");
    const args = params.args ?? {};
    if (typeof args !== "object" || Array.isArray(args)) {
      throw invalidRequest("invalid tools.invoke params: args must be an object");
    }
    const runtime = await runtimeOf(state);
    const agentId = resolveAgentId("tools.invoke", runtime, agentIdParam, sessionKey);
    return await runtime.invokeTool({ name, args, sessionKey, agentId, surface: "rpc" });
  },
};
