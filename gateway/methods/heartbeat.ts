/**
 * The heartbeat's controls (reference/automation.md §1.8): `set-heartbeats` switches heartbeats
 * on or off -- persisted, unlike stock's switch that resets at every restart -- and `wake` queues
 * a system event and runs a heartbeat now (`mode: "now"`, or any wake about a session).
 *
 * @module
 */
import { z } from "zod";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import { resolveEventSession } from "../automation/system_events.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

const optionalString = z.string().optional();

/** The heartbeat control methods. */
export const heartbeatMethods: MethodDefinition[] = [
  defineMethod({
    name: "set-heartbeats",
    scope: "operator.admin",
    // Checked by hand: stock's error text for a missing or non-boolean `enabled` is one sentence.
    params: z.looseObject({ enabled: z.unknown() }),
    handler: async ({ params, state }) => {
      if (typeof params.enabled !== "boolean") {
        throw invalidRequest("invalid set-heartbeats params: enabled (boolean) required");
      }
      await state.heartbeat.setEnabled(params.enabled);
      return { ok: true, enabled: params.enabled, persisted: true };
    },
  }),

  defineMethod({
    name: "wake",
    scope: "operator.write",
    params: z.looseObject({
      mode: z.enum(["now", "next-heartbeat"]),
      text: z.string().refine((t) => t.trim() !== "", "must not be empty"),
      sessionKey: optionalString,
      agentId: optionalString,
    }),
    handler: ({ params, state }) => {
      const { mode, text, sessionKey, agentId } = params;
      if (sessionKey && /:subagent:/i.test(sessionKey)) {
        return { ok: false, reason: "unwakeable-session-key" };
      }
      const where = resolveEventSession(state.config, { sessionKey, agentId });
      if (!where.ok) return { ok: false, reason: where.reason };
      const queued = state.enqueueSystemEvent({
        agentId: where.agentId,
        sessionKey: where.sessionKey,
        text,
        source: "wake",
      });
      if (!queued.ok) return { ok: false, reason: queued.reason };
      // A wake about a session runs at once (stock: a session key collapses next-heartbeat).
      if (mode === "now" || sessionKey) {
        void state.heartbeat.wake({
          reason: "wake",
          ...(sessionKey ? { sessionKey: where.sessionKey } : {}),
          ...(agentId ? { agentId: where.agentId } : {}),
        });
      }
      return { ok: true };
    },
  }),
];
