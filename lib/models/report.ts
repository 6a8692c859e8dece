/**
 * What `models list` and `models status` show (and what a `models.list` RPC can return): catalog
 * rows with their auth state, and a per-provider auth overview that names where each key comes
 * from without ever including it.
 *
 * @module
 */
import { findCatalogModel } from "./catalog.ts";
import { chainRefs, formatModelRef, type ModelChain, parseModelRef } from "./refs.ts";
import type { AuthSource, CatalogProvider, ModelCatalog, ModelRef } from "./types.ts";

/** One row of `models list`. */
export interface ModelListRow {
  key: string;
  provider: string;
  model: string;
  name: string;
  api: string;
  /** `text` or `text+image`. */
  input: string;
  contextWindow: number | null;
  maxTokens: number | null;
  reasoning: boolean;
  /** Served from this machine (loopback base URL, or a CLI backend). */
  local: boolean;
  /** A credential is configured or none is needed. */
  available: boolean;
  auth: AuthSource | "cli";
  /** `default`, `fallback#N`, `configured`, `alias:<name>`. */
  tags: string[];
  /** In the chain but not listed by its provider (or the provider is unknown). */
  missing: boolean;
}

function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === "localhost" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

function chainTags(chain: Pick<ModelChain, "primary" | "fallbacks">, catalog: ModelCatalog) {
  const tags = new Map<string, string[]>();
  const add = (raw: string, tag: string) => {
    let key: string;
    try {
      key = formatModelRef(parseModelRef(raw, catalog));
    } catch {
      key = raw;
    }
    tags.set(key, [...tags.get(key) ?? [], tag]);
  };
  add(chain.primary, "default");
  chain.fallbacks.forEach((f, i) => add(f, `fallback#${i + 1}`));
  for (const [alias, target] of catalog.aliases) add(target, `alias:${alias}`);
  return tags;
}

/**
 * Lists the catalog's models plus every model the chain names, tagged with their role.
 *
 * @param catalog The resolved catalog.
 * @param chain The agent's chain (for `default` / `fallback#N` tags and missing models).
 * @param options `provider` limits the rows to one provider.
 */
export function listModelRows(
  catalog: ModelCatalog,
  chain: Pick<ModelChain, "primary" | "fallbacks">,
  options: { provider?: string } = {},
): ModelListRow[] {
  const tags = chainTags(chain, catalog);
  const rows: ModelListRow[] = [];
  const seen = new Set<string>();
  const push = (row: ModelListRow) => {
    if (options.provider && row.provider !== options.provider) return;
    seen.add(row.key);
    rows.push({ ...row, tags: [...row.tags, ...(tags.get(row.key) ?? [])] });
  };
  for (const p of catalog.providers.values()) {
    for (const m of p.models) {
      push({
        key: `${p.id}/${m.id}`,
        provider: p.id,
        model: m.id,
        name: m.name,
        api: m.api,
        input: m.input.join("+"),
        contextWindow: m.contextWindow,
        maxTokens: m.maxTokens,
        reasoning: m.reasoning,
        local: isLoopback(p.baseUrl),
        available: p.auth.source !== "missing",
        auth: p.auth.source,
        tags: m.configured ? ["configured"] : [],
        missing: false,
      });
    }
  }
  for (const key of tags.keys()) {
    if (seen.has(key)) continue;
    let ref: ModelRef;
    try {
      ref = parseModelRef(key);
    } catch {
      push(unknownRow(key, { provider: "", model: key }));
      continue;
    }
    const backend = catalog.cliBackends.get(ref.provider);
    if (backend) {
      push({
        ...unknownRow(key, ref),
        name: `${backend.command} (CLI backend)`,
        api: "cli",
        local: true,
        available: true,
        auth: "cli",
        missing: false,
      });
      continue;
    }
    try {
      const { provider, model } = findCatalogModel(catalog, ref);
      push({
        ...unknownRow(key, ref),
        api: model.api,
        local: isLoopback(provider.baseUrl),
        available: provider.auth.source !== "missing",
        auth: provider.auth.source,
      });
    } catch {
      push(unknownRow(key, ref));
    }
  }
  return rows;
}

function unknownRow(key: string, ref: ModelRef): ModelListRow {
  return {
    key,
    provider: ref.provider,
    model: ref.model,
    name: ref.model,
    api: "unknown",
    input: "text",
    contextWindow: null,
    maxTokens: null,
    reasoning: false,
    local: false,
    available: false,
    auth: "missing",
    tags: [],
    missing: true,
  };
}

/** How one provider authenticates; never the key. */
export interface ProviderAuthOverview {
  provider: string;
  api: string;
  baseUrl: string;
  effective: { kind: AuthSource; detail: string };
  envVar?: string;
  /** The chain uses this provider. */
  inUse: boolean;
}

/** `models status`'s auth section. */
export interface AuthOverview {
  providers: ProviderAuthOverview[];
  /** Providers the chain needs that have no usable credential. */
  missingProvidersInUse: string[];
}

function authDetail(p: CatalogProvider): string {
  const a = p.auth;
  switch (a.source) {
    case "config":
      return `models.providers.${p.id}.apiKey`;
    case "ref":
      return `${a.ref!.source}:${a.ref!.provider}:${a.ref!.id}${
        a.resolved ? "" : a.error ? ` (unresolved: ${a.error})` : ""
      }`;
    case "env":
      return a.envVar ?? "environment";
    case "none":
      return "no key needed";
    case "missing":
      return a.envVar
        ? `set ${a.envVar} or models.providers.${p.id}.apiKey`
        : `set models.providers.${p.id}.apiKey`;
  }
}

/**
 * Summarises provider auth: providers the chain uses, configured providers, and built-in
 * providers whose key is present.
 */
export function authOverview(
  catalog: ModelCatalog,
  chain: Pick<ModelChain, "primary" | "fallbacks">,
): AuthOverview {
  const inUse = new Set<string>();
  for (const raw of chainRefs(chain)) {
    try {
      inUse.add(parseModelRef(raw, catalog).provider);
    } catch {
      // an unparsable ref shows up in `models list` as missing; it names no provider here
    }
  }
  const providers: ProviderAuthOverview[] = [];
  const missing: string[] = [];
  for (const p of catalog.providers.values()) {
    const used = inUse.has(p.id);
    const shown = used || p.origin !== "builtin" || p.auth.source === "env";
    if (!shown) continue;
    providers.push({
      provider: p.id,
      api: p.api,
      baseUrl: p.baseUrl,
      effective: { kind: p.auth.source, detail: authDetail(p) },
      ...(p.auth.envVar ? { envVar: p.auth.envVar } : {}),
      inUse: used,
    });
    const unusable = p.auth.source === "missing" || (p.auth.source === "ref" && !p.auth.resolved);
    if (used && p.auth.source === "missing") missing.push(p.id);
    else if (used && unusable && p.auth.error) missing.push(p.id);
  }
  for (const id of inUse) {
    if (!catalog.providers.has(id) && !catalog.cliBackends.has(id)) missing.push(id);
  }
  providers.sort((a, b) => a.provider.localeCompare(b.provider));
  return { providers, missingProvidersInUse: missing.sort() };
}
