/**
 * `logs.tail`: the gateway's current log file by byte cursor.
 *
 * @module
 */
import { tailLogFile } from "../../lib/log/tail.ts";
import { invalidRequest } from "../rpc_error.ts";
import type { MethodTable } from "./types.ts";

function intParam(
  params: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidRequest(
      `invalid logs.tail params: ${key} must be an integer between ${min} and ${max}`,
    );
  }
  return v;
}

/** The logs method. */
export const logsMethods: MethodTable = {
  "logs.tail": async ({ params, state }) => {
    const cursor = intParam(params, "cursor", 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(params, "limit", 1, 5000);
    const maxBytes = intParam(params, "maxBytes", 1, 1_000_000);
    if (!state.logFile) {
      return { file: null, cursor: 0, size: 0, lines: [], truncated: false, reset: false };
    }
    return await tailLogFile(state.logFile, { cursor, limit, maxBytes });
  },
};
