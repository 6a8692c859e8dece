/**
 * `secrets.reload`: re-resolve every SecretRef and swap the gateway's snapshot only when all of
 * them resolve (admin scope, see lib/protocol/scopes.ts). On failure the running snapshot stays.
 *
 * @module
 */
import { z } from "zod";
import { ErrorCode } from "../../lib/protocol/error_shape.ts";
import { ProtocolError } from "../../lib/protocol/error_map.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** The secrets methods. */
export const secretsMethods: MethodDefinition[] = [
  defineMethod({
    name: "secrets.reload",
    scope: "operator.admin",
    params: z.looseObject({}),
    handler: async ({ state }) => {
      try {
        const { warningCount } = await state.reloadSecrets();
        return { ok: true, warningCount };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        state.log("gateway/secrets").warn(
          `secrets.reload failed; keeping the previous snapshot: ${reason}`,
        );
        throw new ProtocolError(ErrorCode.UNAVAILABLE, `secrets.reload failed: ${reason}`);
      }
    },
  }),
];
