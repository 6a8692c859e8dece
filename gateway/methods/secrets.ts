/**
 * `secrets.reload`: re-resolve every SecretRef and swap the gateway's snapshot only when all of
 * them resolve (admin scope, see lib/protocol/scopes.ts). On failure the running snapshot stays.
 *
 * @module
 */
import { RpcError } from "../rpc_error.ts";
import type { MethodTable } from "./types.ts";

/** The secrets methods. */
export const secretsMethods: MethodTable = {
  "secrets.reload": async ({ state }) => {
    try {
      const { warningCount } = await state.reloadSecrets();
      return { ok: true, warningCount };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      state.log("gateway/secrets").warn(
        `secrets.reload failed; keeping the previous snapshot: ${reason}`,
      );
      throw new RpcError({ code: "UNAVAILABLE", message: `secrets.reload failed: ${reason}` });
    }
  },
};
