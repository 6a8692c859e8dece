/**
 * `models.list` (protocol.md §8.1): the model catalog with what each model can do and whether a
 * key is there. The catalog code is loaded on the first call, never at start.
 *
 * @module
 */
import { z } from "zod";
import { processEnv } from "../../lib/paths.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** `models.list` params (protocol.md §8.1); `null` counts as absent, as it always did. */
const ModelsListParams = z.looseObject({
  agentId: z.string().nullish(),
  provider: z.string().nullish(),
});

/** The models methods. */
export const modelsMethods: MethodDefinition[] = [
  defineMethod({
    name: "models.list",
    scope: "operator.read",
    params: ModelsListParams,
    handler: async ({ params, state }) => {
      const agentId = params.agentId ?? undefined;
      const provider = params.provider ?? undefined;
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
  }),
];
