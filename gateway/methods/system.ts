/**
 * `system-presence`, `system-event`, `last-heartbeat` (reference/automation.md §1.8): presence
 * lines, system events for the next turn of a session, the last heartbeat. The heartbeat's
 * controls (`set-heartbeats`, `wake`) are in heartbeat.ts.
 *
 * @module
 */
import { z } from "zod";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import type { PresenceEntry } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

const PRESENCE_FIELDS = [
  "deviceId",
  "instanceId",
  "host",
  "ip",
  "mode",
  "version",
  "platform",
  "deviceFamily",
  "modelIdentifier",
  "reason",
] as const;

const optionalString = z.string().optional();
const stringList = z.array(z.string()).optional();

/** `system-event` params (reference/automation.md; unknown keys stay allowed). */
const SystemEventParams = z.looseObject({
  text: z.string().refine((t) => t.trim() !== "", "must not be empty"),
  idempotencyKey: optionalString,
  sessionKey: optionalString,
  wake: z.boolean().optional(),
  deviceId: optionalString,
  instanceId: optionalString,
  host: optionalString,
  ip: optionalString,
  mode: optionalString,
  version: optionalString,
  platform: optionalString,
  deviceFamily: optionalString,
  modelIdentifier: optionalString,
  reason: optionalString,
  lastInputSeconds: z.number().optional(),
  roles: stringList,
  scopes: stringList,
  tags: stringList,
});

/** The system methods. */
export const systemMethods: MethodDefinition[] = [
  defineMethod({
    name: "system-presence",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: ({ state }) => state.presence(),
  }),

  defineMethod({
    name: "system-event",
    scope: "operator.admin",
    params: SystemEventParams,
    handler: ({ params, state, caller }) => {
      const { text } = params;
      const wake = params.wake === true;
      const now = Date.now();
      const entry: PresenceEntry = { ts: now, text };
      for (const f of PRESENCE_FIELDS) {
        const value = params[f];
        if (value !== undefined) entry[f] = value;
      }
      if (params.lastInputSeconds !== undefined) entry.lastInputSeconds = params.lastInputSeconds;
      for (const f of ["roles", "scopes", "tags"] as const) {
        const value = params[f];
        if (value !== undefined) entry[f] = value;
      }
      if (text.startsWith("Node:")) {
        // A presence line from a node: it updates presence only and cannot wake anything.
        if (wake) {
          throw invalidRequest(
            "invalid system-event params: wake is not allowed for Node: presence lines",
          );
        }
      } else {
        const queued = state.enqueueSystemEvent({
          sessionKey: params.sessionKey,
          text,
          source: "system-event",
        });
        if (!queued.ok) {
          throw invalidRequest(`invalid system-event params: sessionKey: ${queued.reason}`);
        }
        if (wake) {
          void state.heartbeat.wake({
            reason: "system-event",
            ...(params.sessionKey ? { sessionKey: queued.sessionKey } : {}),
          });
        }
      }
      // Noting the entry also announces it: the hub sends one coalesced `presence` event per
      // window (with the next `stateVersion.presence`), not one full list per call.
      state.notePresence(entry.instanceId ?? entry.deviceId ?? `conn:${caller.connId}`, entry);
      return { ok: true };
    },
  }),

  defineMethod({
    name: "last-heartbeat",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: ({ state }) => {
      const last = state.heartbeat.last();
      // Ours: whether heartbeats are switched on, next to the last event (null stays null).
      return last === null ? null : { ...last, enabled: state.heartbeat.enabled() };
    },
  }),
];
