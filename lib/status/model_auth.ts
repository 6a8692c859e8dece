/**
 * The config and model-auth part of `status --deep`: does the config validate, and does every
 * provider the agents' models use have a credential this machine can resolve. No request is
 * sent (a live probe costs tokens; `models status --probe` does that on purpose).
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { ConfigReadProblem } from "../config/read.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { DeepCheck } from "./types.ts";

/** A provider in use, with the agents that use it. */
interface ProviderUse {
  agents: string[];
  kind: string;
  detail: string;
  missing: boolean;
}

/**
 * Validates the config, then checks model credentials for every agent's primary and fallbacks.
 *
 * @param configPath The config file.
 * @param problem Set when the file does not parse: both checks then say so instead of loading.
 * @returns A `config` check, then one `models.auth:<provider>` check per provider in use.
 */
export async function configAndModelAuthChecks(
  configPath: string,
  problem: ConfigReadProblem | undefined,
): Promise<DeepCheck[]> {
  if (problem) {
    return [
      { id: "config", title: "Config", status: "fail", detail: problem.summary, hint: problem.fix },
      {
        id: "models.auth",
        title: "Model auth",
        status: "skip",
        detail: "not checked: the config does not parse",
        hint: problem.fix,
      },
    ];
  }
  const { checkConfig } = await import("../config/load.ts");
  // The config's env block counts for substitution; this process's environment is left alone.
  const check = await checkConfig({ path: configPath, applyEnv: false });
  if (!check.valid || !check.config) {
    const first = check.issues[0];
    const more = check.issues.length > 1 ? ` (+${check.issues.length - 1} more)` : "";
    return [
      {
        id: "config",
        title: "Config",
        status: check.file.exists ? "fail" : "warn",
        detail: first ? `invalid: ${first.path}: ${first.message}${more}` : "invalid",
        hint: "openclaw config validate lists every problem; openclaw doctor repairs what it can",
      },
      {
        id: "models.auth",
        title: "Model auth",
        status: "skip",
        detail: "not checked: the config does not validate",
      },
    ];
  }
  const configCheck: DeepCheck = {
    id: "config",
    title: "Config",
    status: "ok",
    detail: check.file.exists ? "valid" : "missing (defaults apply; openclaw setup creates one)",
  };
  try {
    return [configCheck, ...await modelAuthChecks(check.config)];
  } catch (err) {
    return [configCheck, {
      id: "models.auth",
      title: "Model auth",
      status: "warn",
      detail: `cannot check: ${errorMessage(err)}`,
    }];
  }
}

async function modelAuthChecks(config: OpenClawConfig): Promise<DeepCheck[]> {
  const models = await import("../models/mod.ts");
  const { processEnv } = await import("../paths.ts");
  const env = processEnv();
  const catalog = await models.resolveCatalog(config, env, {
    resolveSecret: models.envSecretResolver(env),
  });
  const agentIds = (config.agents?.list ?? []).map((a) => a.id);
  if (agentIds.length === 0) agentIds.push(models.resolveDefaultAgentId(config));
  const uses = new Map<string, ProviderUse>();
  for (const agentId of agentIds) {
    const chain = models.resolveModelChain(config, agentId);
    const overview = models.authOverview(catalog, chain);
    for (const p of overview.providers.filter((x) => x.inUse)) {
      const use = uses.get(p.provider) ?? {
        agents: [],
        kind: p.effective.kind,
        detail: p.effective.detail,
        missing: overview.missingProvidersInUse.includes(p.provider),
      };
      use.agents.push(agentId);
      uses.set(p.provider, use);
    }
    // A provider the chain names that the catalog does not know has no credential to find.
    for (const id of overview.missingProvidersInUse.filter((x) => !catalog.providers.has(x))) {
      const use = uses.get(id) ?? { agents: [], kind: "unknown", detail: "", missing: true };
      use.agents.push(agentId);
      uses.set(id, use);
    }
  }
  if (uses.size === 0) {
    return [{
      id: "models.auth",
      title: "Model auth",
      status: "skip",
      detail: "no API provider in use (CLI backends only)",
    }];
  }
  return [...uses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(
    ([provider, use]): DeepCheck => {
      const base = { id: `models.auth:${provider}`, title: `Model auth (${provider})` };
      const who = `agents: ${use.agents.join(", ")}`;
      if (use.kind === "unknown") {
        return {
          ...base,
          status: "fail",
          detail: `unknown provider (${who})`,
          hint: `Add models.providers.${provider}, or pick a known model: openclaw models list`,
        };
      }
      if (use.missing) {
        return { ...base, status: "fail", detail: `no credential (${who})`, hint: use.detail };
      }
      return {
        ...base,
        status: "ok",
        detail: `${use.kind}: ${use.detail} (${who}; not sent: openclaw models status --probe)`,
      };
    },
  );
}
