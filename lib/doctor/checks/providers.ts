/**
 * Model-config checks: `models.opencode` ("OpenCode provider override warning": a hand-written
 * `models.providers.opencode` / `opencode-zen` / `opencode-go` entry replaces the per-model
 * routing and prices of the OpenCode catalog) and `hooks.model` ("Hooks model validation": the
 * models hooks run with name a provider and model this gateway knows, and one the
 * `agents.defaults.models` allowlist admits).
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { type ModelConfigView, resolveCatalog } from "../../models/catalog.ts";
import { formatModelRef, parseModelRef } from "../../models/refs.ts";
import type { ModelCatalog } from "../../models/types.ts";
import { openclawCommand } from "../../paths.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

const OPENCODE_PROVIDERS: readonly [string, string][] = [
  ["opencode", "OpenCode Zen"],
  ["opencode-zen", "OpenCode Zen"],
  ["opencode-go", "OpenCode Go"],
];

/** `models.opencode`. */
export const opencodeOverrideCheck: DoctorCheck = {
  id: "models.opencode",
  title: "OpenCode provider override",
  order: 24,
  needsConfig: true,
  run(ctx) {
    const providers = obj(obj(ctx.config.audit.config.models).providers);
    const byLowerId = new Map(Object.keys(providers).map((k) => [k.trim().toLowerCase(), k]));
    const out: DoctorFinding[] = [];
    for (const [id, label] of OPENCODE_PROVIDERS) {
      const key = byLowerId.get(id);
      if (key === undefined) continue;
      const api = obj(providers[key]).api;
      out.push({
        severity: "warn",
        message: `Overrides the built-in ${label} catalog: every model goes over one API` +
          `${typeof api === "string" ? ` ("${api}")` : ""} and its cost counts as zero, ` +
          "instead of each model's own API and price",
        path: `models.providers.${key}`,
        fix: `Remove it unless you mean it: ${
          openclawCommand(`config unset models.providers.${key}`, ctx.env)
        }`,
      });
    }
    if (!out.length) {
      out.push({
        severity: "info",
        message: "No OpenCode provider override (models.providers.opencode, opencode-zen, " +
          "opencode-go are unset)",
      });
    }
    return Promise.resolve(out);
  },
};

/** The model references hooks carry, with the config field each is set in. */
export function hookModelRefs(config: Obj): { field: string; ref: string }[] {
  const hooks = obj(config.hooks);
  const out: { field: string; ref: string }[] = [];
  const gmail = obj(hooks.gmail).model;
  if (typeof gmail === "string") out.push({ field: "hooks.gmail.model", ref: gmail });
  if (Array.isArray(hooks.mappings)) {
    hooks.mappings.forEach((m, i) => {
      const model = obj(m).model;
      if (typeof model === "string") out.push({ field: `hooks.mappings[${i}].model`, ref: model });
    });
  }
  return out;
}

function refFindings(
  ctx: DoctorContext,
  catalog: ModelCatalog,
  allowlist: Set<string> | undefined,
  field: string,
  raw: string,
): DoctorFinding[] {
  const list = openclawCommand("models list", ctx.env);
  let ref;
  try {
    ref = parseModelRef(raw, catalog);
  } catch (err) {
    return [{
      severity: "warn",
      message: `"${raw}" does not name a model: ${errorMessage(err)}`,
      path: field,
      fix: `Write it as provider/model (see: ${list})`,
    }];
  }
  const name = formatModelRef(ref);
  if (catalog.cliBackends.has(ref.provider)) {
    return [{ severity: "info", message: `${name} runs on the ${ref.provider} CLI backend` }];
  }
  const provider = catalog.providers.get(ref.provider);
  if (!provider) {
    const known = [...catalog.providers.keys(), ...catalog.cliBackends.keys()].join(", ");
    return [{
      severity: "warn",
      message: `"${raw}" names provider "${ref.provider}", which is not known here ` +
        `(known: ${known || "none"})`,
      path: field,
      fix: `Use a known provider, or add models.providers.${ref.provider} (baseUrl, api, apiKey)`,
    }];
  }
  const out: DoctorFinding[] = [];
  if (!provider.models.some((m) => m.id === ref.model)) {
    out.push({
      severity: "warn",
      message: `"${name}" is not in ${ref.provider}'s model catalog`,
      path: field,
      fix: `Pick one from: ${list} (or list it under models.providers.${ref.provider}.models)`,
    });
  }
  if (allowlist && !allowlist.has(name.toLowerCase()) && !allowlist.has(raw.toLowerCase())) {
    out.push({
      severity: "warn",
      message: `"${name}" is not in the agents.defaults.models allowlist, so hooks may not use it`,
      path: field,
      fix: `Add "${name}" to agents.defaults.models, or pick a model that is listed there`,
    });
  }
  if (!out.length) out.push({ severity: "info", message: `${field}: ${name} resolves` });
  return out;
}

/** `hooks.model`. */
export const hooksModelCheck: DoctorCheck = {
  id: "hooks.model",
  title: "Hooks model validation",
  order: 62,
  needsConfig: true,
  async run(ctx) {
    const config = ctx.config.audit.config;
    const refs = hookModelRefs(config);
    if (!refs.length) {
      return { skip: "No hook sets a model (hooks.gmail.model, hooks.mappings[].model)" };
    }
    let catalog: ModelCatalog;
    try {
      catalog = await resolveCatalog(config as ModelConfigView, ctx.env);
    } catch (err) {
      return [{
        severity: "warn",
        message: `Cannot check hook models: ${errorMessage(err)}`,
        path: "models.providers",
      }];
    }
    const models = obj(obj(obj(config.agents).defaults).models);
    const keys = Object.keys(models).map((k) => k.trim().toLowerCase());
    const allowlist = keys.length ? new Set(keys) : undefined;
    return refs.flatMap(({ field, ref }) => refFindings(ctx, catalog, allowlist, field, ref));
  },
};
