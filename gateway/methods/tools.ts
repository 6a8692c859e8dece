/**
 * `tools.invoke` (protocol.md §8.5): runs one tool outside a turn through the runtime's policy.
 * Policy refusals and tool failures are answers (`ok:false` in the payload), not RPC errors.
 *
 * @module
 */
import { z } from "zod";
import { requiredString, resolveAgentId, runtimeOf, SESSION_KEY_MAX } from "./_common.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** The tools methods. */
export const toolsMethods: MethodDefinition[] = [
  defineMethod({
    name: "tools.invoke",
    scope: "operator.write",
    params: z.looseObject({
      name: requiredString(128),
      sessionKey: z.string().max(SESSION_KEY_MAX).optional(),
      agentId: z.string().optional(),
      idempotencyKey: z.string().optional(),
      args: z.looseObject({}).optional(),
    }),
    handler: async ({ params, state }) => {
      const { name, sessionKey, args = {} } = params;
      const runtime = await runtimeOf(state);
      const agentId = resolveAgentId("tools.invoke", runtime, params.agentId, sessionKey);
      return await runtime.invokeTool({ name, args, sessionKey, agentId, surface: "rpc" });
    },
  }),
];
