/**
 * `system-presence`, `system-event`, `last-heartbeat`.
 *
 * @module
 */
import { invalidRequest } from "../rpc_error.ts";
import type { PresenceEntry } from "../state.ts";
import type { MethodTable } from "./types.ts";

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

const MAX_QUEUED_EVENTS = 100;

/** The system methods. */
export const systemMethods: MethodTable = {
  "system-presence": ({ state }) => state.presence(),

  "system-event": ({ params, state, caller }) => {
    const text = params.text;
    if (typeof text !== "string" || text.trim() === "") {
      throw invalidRequest("invalid system-event params: text (non-empty string) required");
    }
    const wake = params.wake === true;
    const now = Date.now();
    const entry: PresenceEntry = { ts: now, text };
    for (const f of PRESENCE_FIELDS) {
      if (typeof params[f] === "string") entry[f] = params[f] as string;
    }
    if (typeof params.lastInputSeconds === "number") {
      entry.lastInputSeconds = params.lastInputSeconds;
    }
    for (const f of ["roles", "scopes", "tags"] as const) {
      if (Array.isArray(params[f])) {
        entry[f] = (params[f] as unknown[]).filter((x): x is string => typeof x === "string");
      }
    }
    if (text.startsWith("Node:")) {
      // A presence line from a node: it updates presence only and cannot wake anything.
      if (wake) {
        throw invalidRequest(
          "invalid system-event params: wake is not allowed for Node: presence lines",
        );
      }
    } else {
      const sessionKey = typeof params.sessionKey === "string"
        ? params.sessionKey
        : "agent:main:main";
      state.systemEvents.push({ ts: now, text, sessionKey, wake });
      if (state.systemEvents.length > MAX_QUEUED_EVENTS) state.systemEvents.shift();
    }
    state.notePresence(entry.instanceId ?? entry.deviceId ?? `conn:${caller.connId}`, entry);
    state.broadcast("presence", { presence: state.presence() }, {
      dropIfSlow: true,
      stateVersion: true,
    });
    return { ok: true };
  },

  "last-heartbeat": ({ state }) => state.lastHeartbeat,
};
