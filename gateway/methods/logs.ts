/**
 * `logs.tail`: the gateway's current log file by byte cursor.
 *
 * @module
 */
import { z } from "zod";
import { tailLogFile } from "../../lib/log/tail.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** `logs.tail` params (protocol.md §8); `null` counts as absent, as it always did. */
const LogsTailParams = z.looseObject({
  cursor: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
  limit: z.int().min(1).max(5000).nullish(),
  maxBytes: z.int().min(1).max(1_000_000).nullish(),
});

/** The logs method. */
export const logsMethods: MethodDefinition[] = [
  defineMethod({
    name: "logs.tail",
    scope: "operator.read",
    params: LogsTailParams,
    handler: async ({ params, state }) => {
      if (!state.logFile) {
        return { file: null, cursor: 0, size: 0, lines: [], truncated: false, reset: false };
      }
      return await tailLogFile(state.logFile, {
        cursor: params.cursor ?? undefined,
        limit: params.limit ?? undefined,
        maxBytes: params.maxBytes ?? undefined,
      });
    },
  }),
];
