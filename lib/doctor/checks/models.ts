/**
 * `models.auth`: every provider of a configured primary or fallback model has a credential: an
 * `apiKey` (plain, a `${VAR}` that resolves, or a SecretRef), the provider's well-known
 * environment variable, or an auth profile. Local servers need none.
 *
 * @module
 */
import { isSecretRef } from "../../config/secret_ref.ts";
import { configEnvVars } from "../../env.ts";
import { joinPath } from "../../paths.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

/** Environment variables the stock providers read their key from. */
export const PROVIDER_ENV_VARS: Record<string, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  openrouter: "OPENROUTER_API_KEY",
  groq: "GROQ_API_KEY",
};

const LOCAL_PROVIDERS = new Set(["lmstudio", "ollama", "llamacpp", "llama-cpp", "vllm", "local"]);
const LOCAL_URL = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;

interface ModelUse {
  ref: string;
  where: string;
  primary: boolean;
}

function usesOf(model: unknown, where: string): ModelUse[] {
  if (typeof model === "string") return [{ ref: model, where, primary: true }];
  const m = obj(model);
  const out: ModelUse[] = [];
  if (typeof m.primary === "string") {
    out.push({ ref: m.primary, where: `${where}.primary`, primary: true });
  }
  if (Array.isArray(m.fallbacks)) {
    m.fallbacks.forEach((f, i) => {
      if (typeof f === "string") {
        out.push({ ref: f, where: `${where}.fallbacks[${i}]`, primary: false });
      }
    });
  }
  return out;
}

/** Returns every configured primary/fallback model with where it is set. */
export function configuredModels(config: Obj): ModelUse[] {
  const out = usesOf(obj(obj(config.agents).defaults).model, "agents.defaults.model");
  const list = obj(config.agents).list;
  if (Array.isArray(list)) {
    list.forEach((a, i) => out.push(...usesOf(obj(a).model, `agents.list[${i}].model`)));
  }
  out.push(...usesOf(obj(config.agent).model, "agent.model"));
  return out;
}

function authProfileProviders(stateDir: string): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown, key = "") => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x));
    if (typeof v !== "object" || v === null) return;
    const o = v as Obj;
    if (typeof o.provider === "string") found.add(o.provider);
    // Profile ids look like "anthropic:default".
    if (key.includes(":")) found.add(key.slice(0, key.indexOf(":")));
    for (const [k, x] of Object.entries(o)) visit(x, k);
  };
  try {
    for (const agent of Deno.readDirSync(joinPath(stateDir, "agents"))) {
      try {
        visit(
          JSON.parse(
            Deno.readTextFileSync(
              joinPath(stateDir, "agents", agent.name, "agent", "auth-profiles.json"),
            ),
          ),
        );
      } catch { /* no profiles for this agent */ }
    }
  } catch { /* no agents directory yet */ }
  return found;
}

/** Why a provider has no usable credential, or undefined when it has one. */
function missingCredential(
  ctx: DoctorContext,
  provider: string,
  profiles: Set<string>,
): string | undefined {
  if (LOCAL_PROVIDERS.has(provider)) return undefined;
  const written = obj(obj(obj(ctx.config.audit.written.models).providers)[provider]);
  const key = written.apiKey;
  if (isSecretRef(key)) return undefined;
  if (typeof key === "string" && key.trim()) {
    const vars = [...key.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]);
    const env = { ...configEnvVars(ctx.config.audit.written.env), ...ctx.env };
    const unset = vars.filter((v) => !env[v]);
    if (!unset.length) return undefined;
    return `models.providers.${provider}.apiKey references \${${unset[0]}}, which is not set`;
  }
  if (typeof written.baseUrl === "string" && LOCAL_URL.test(written.baseUrl)) return undefined;
  if (written.auth === "aws-sdk") return undefined;
  const envVar = PROVIDER_ENV_VARS[provider];
  if (envVar && ctx.env[envVar]) return undefined;
  if (profiles.has(provider)) return undefined;
  return `No credentials for provider "${provider}"`;
}

/** `models.auth`. */
export const modelAuthCheck: DoctorCheck = {
  id: "models.auth",
  title: "Model auth",
  order: 60,
  needsConfig: true,
  run(ctx) {
    const uses = configuredModels(ctx.config.audit.config);
    if (!uses.length) {
      return Promise.resolve({ skip: "No model configured (agents.defaults.model)" });
    }
    const byProvider = new Map<string, ModelUse[]>();
    for (const use of uses) {
      const slash = use.ref.indexOf("/");
      if (slash <= 0) continue; // a bare alias resolves at run time
      const provider = use.ref.slice(0, slash);
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), use]);
    }
    const profiles = authProfileProviders(ctx.stateDir);
    const out: DoctorFinding[] = [];
    for (const [provider, list] of byProvider) {
      const why = missingCredential(ctx, provider, profiles);
      const refs = list.map((u) => `${u.ref} (${u.where})`).join(", ");
      if (!why) {
        out.push({ severity: "info", message: `${provider}: credentials found for ${refs}` });
        continue;
      }
      const envVar = PROVIDER_ENV_VARS[provider];
      out.push({
        severity: list.some((u) => u.primary) ? "error" : "warn",
        message: `${why}; used by ${refs}`,
        path: `models.providers.${provider}.apiKey`,
        fix: envVar
          ? `Set ${envVar}, or models.providers.${provider}.apiKey ("\${VAR}" or a SecretRef)`
          : `Add models.providers.${provider} with baseUrl and apiKey`,
      });
    }
    return Promise.resolve(out);
  },
};
