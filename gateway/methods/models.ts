/**
 * `models.list` (protocol.md §8.1): the model catalog with what each model can do and whether a
 * key is there. The catalog code is loaded on the first call, never at start.
 *
 * @module
 */
import { processEnv } from "../../lib/paths.ts";
import { invalidRequest } from "../rpc_error.ts";
import { stringParam } from "./_common.ts";
import type { MethodTable } from "./types.ts";

/** The models methods. */
export const modelsMethods: MethodTable = {
  "models.list": async ({ params, state }) => {
    const agentId = stringParam("models.list", params, "agentId");
    const provider = stringParam("models.list", params, "provider");
    const m = await import("../../lib/models/mod.ts");
    const catalog = await m.resolveCatalog(state.config, processEnv(), {
      resolveSecret: (ref) => state.secrets.get(ref),
    });
    let chain;
    try {
      chain = m.resolveModelChain(state.config, agentId);
    } catch (err) {
      throw invalidRequest(`invalid models.list params: ${(err as Error).message}`);
    }
    const rows = m.listModelRows(catalog, chain, {
      provider: provider ? m.normalizeProviderId(provider) : undefined,
    });
    return {
      models: rows.map((r) => ({
        id: r.model,
        key: r.key,
        name: r.name,
        provider: r.provider,
        api: r.api,
        available: r.available,
        contextWindow: r.contextWindow ?? undefined,
        maxTokens: r.maxTokens ?? undefined,
        reasoning: r.reasoning,
        input: r.input.split("+"),
        tags: r.tags,
        ...(r.local ? { local: true } : {}),
        ...(r.missing ? { missing: true } : {}),
      })),
      defaultModel: chain.primary,
      fallbacks: chain.fallbacks,
    };
  },
};
