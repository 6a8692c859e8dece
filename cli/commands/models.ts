/**
 * `openclaw models list` and `openclaw models status`: the catalog, the resolved primary and
 * fallbacks, where each provider's key comes from (never the key), and with `--probe` one tiny
 * live request per model.
 *
 * Everything model-related is imported inside the actions, so other commands never load it.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { isSecretRef } from "../../lib/config/secret_ref.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { formatTable, printJson, printLine, printWarn, style } from "../output.ts";
import { act } from "../program.ts";

interface ListFlags {
  json?: boolean;
  provider?: string;
  agent?: string;
}

interface StatusFlags {
  json?: boolean;
  plain?: boolean;
  check?: boolean;
  probe?: boolean;
  probeProvider?: string;
  probeTimeout?: string;
  probeConcurrency?: string;
  probeMaxTokens?: string;
  agent?: string;
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new OpenClawError("USAGE", `Invalid ${flag} "${value}": expected a positive integer`, {
      exitCode: ExitCode.usage,
    });
  }
  return n;
}

/** Loads the config and builds the catalog; `resolveRefs` resolves every SecretRef first. */
async function loadModels(options: { resolveRefs: boolean }) {
  const [{ loadConfig }, models, { processEnv }] = await Promise.all([
    import("../../lib/config/load.ts"),
    import("../../lib/models/mod.ts"),
    import("../../lib/paths.ts"),
  ]);
  const loaded = await loadConfig();
  const env = processEnv();
  let resolveSecret = models.envSecretResolver(env);
  if (options.resolveRefs) {
    const refs = Object.values(loaded.config.models.providers ?? {}).flatMap((p) => [
      p.apiKey,
      ...Object.values(p.headers ?? {}),
    ]).filter(isSecretRef);
    if (refs.length > 0) {
      const { resolveRefOutcomes } = await import("../../lib/secrets/resolve.ts");
      const { secretRefKey } = await import("../../lib/secrets/ref.ts");
      const outcomes = await resolveRefOutcomes(refs, loaded.config, { env });
      resolveSecret = (ref) => {
        const o = outcomes.get(secretRefKey(ref));
        if (!o) return undefined;
        if (!o.ok) throw new Error(o.error);
        return o.value;
      };
    }
  }
  const catalog = await models.resolveCatalog(loaded.config, env, { resolveSecret });
  return { loaded, models, catalog };
}

/** Registers `models`. */
export function register(program: CommandUnknownOpts): void {
  const models = program.command("models").description(
    "Model catalog, default model and fallbacks, provider auth",
  );

  models.command("list")
    .description("List the model catalog (built-in and configured) with auth availability")
    .option("--json", "Print JSON")
    .option("--provider <id>", "Only this provider")
    .option("--agent <id>", "Tag the default/fallbacks of this agent")
    .action(act(async (flags: ListFlags) => {
      const { loaded, models: m, catalog } = await loadModels({ resolveRefs: false });
      const chain = m.resolveModelChain(loaded.config, flags.agent);
      const rows = m.listModelRows(catalog, chain, {
        provider: flags.provider ? m.normalizeProviderId(flags.provider) : undefined,
      });
      if (flags.json) {
        printJson({ count: rows.length, models: rows });
        return;
      }
      if (rows.length === 0) {
        printLine("No models.");
        return;
      }
      const table = [["Model", "Input", "Context", "Local", "Auth", "Tags"]];
      for (const r of rows) {
        table.push([
          r.key,
          r.input,
          r.contextWindow ? `${Math.round(r.contextWindow / 1000)}k` : "-",
          r.local ? "yes" : "no",
          r.missing ? "missing model" : r.available ? r.auth : "no key",
          r.tags.join(",") || "-",
        ]);
      }
      printLine(formatTable(table));
    }));

  models.command("status")
    .description("Show the resolved default model, fallbacks and provider auth (never the keys)")
    .option("--json", "Print JSON")
    .option("--plain", "Print only the resolved default model")
    .option("--check", "Exit 1 when a provider the models need has no usable key")
    .option("--probe", "Send one tiny live request per model (uses tokens)")
    .option("--probe-provider <id>", "Probe only this provider")
    .option("--probe-timeout <ms>", "Per-probe deadline (default 8000)")
    .option("--probe-concurrency <n>", "Probes at once (default 2)")
    .option("--probe-max-tokens <n>", "Max output tokens per probe (default 16)")
    .option("--agent <id>", "Inspect this agent (default: the default agent)")
    .action(act((flags: StatusFlags) => modelsStatus(flags)));
}

async function modelsStatus(flags: StatusFlags): Promise<number | void> {
  if (flags.plain && flags.probe) {
    throw new OpenClawError("USAGE", "--probe cannot be used with --plain", {
      exitCode: ExitCode.usage,
    });
  }
  const timeoutMs = positiveInt("--probe-timeout", flags.probeTimeout, 8_000);
  const concurrency = positiveInt("--probe-concurrency", flags.probeConcurrency, 2);
  const maxTokens = positiveInt("--probe-max-tokens", flags.probeMaxTokens, 16);
  const { loaded, models: m, catalog } = await loadModels({ resolveRefs: flags.probe === true });
  const chain = m.resolveModelChain(loaded.config, flags.agent);
  const resolve = (raw: string) => {
    try {
      return { ref: m.formatModelRef(m.parseModelRef(raw, catalog)) };
    } catch (err) {
      return { ref: null, error: err instanceof Error ? err.message : String(err) };
    }
  };
  const primary = resolve(chain.primary);
  const auth = m.authOverview(catalog, chain);
  const checkExit = auth.missingProvidersInUse.length > 0 ? ExitCode.failed : ExitCode.ok;
  if (flags.plain) {
    printLine(primary.ref ?? chain.primary);
    return flags.check ? checkExit : undefined;
  }
  const probes = flags.probe
    ? await runProbes(m, catalog, chain, {
      timeoutMs,
      concurrency,
      maxTokens,
      only: flags.probeProvider,
    })
    : undefined;
  const aliases = Object.fromEntries(catalog.aliases);
  const report = {
    configPath: loaded.file.path,
    agentId: chain.agentId,
    defaultModel: chain.primary,
    resolvedDefault: primary.ref,
    ...(primary.error ? { defaultError: primary.error } : {}),
    source: chain.source,
    fallbacks: chain.fallbacks,
    resolvedFallbacks: chain.fallbacks.map((f) => resolve(f).ref),
    aliases,
    mode: catalog.mode,
    auth: { ...auth, ...(probes ? { probes } : {}) },
    warnings: catalog.warnings,
  };
  if (flags.json) {
    printJson(report);
    return flags.check ? checkExit : undefined;
  }
  renderStatus(report, auth, probes);
  return flags.check ? checkExit : undefined;
}

type ModelsModule = typeof import("../../lib/models/mod.ts");
type Catalog = Awaited<ReturnType<ModelsModule["resolveCatalog"]>>;
type ProbeResult = Awaited<ReturnType<ModelsModule["probeModel"]>>;

async function runProbes(
  m: ModelsModule,
  catalog: Catalog,
  chain: { primary: string; fallbacks: string[] },
  options: { timeoutMs: number; concurrency: number; maxTokens: number; only?: string },
) {
  // The AI SDK prints compatibility warnings to the console; probes report their own outcome.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const targets = new Map<string, { provider: string; model: string }>();
  const add = (raw: string) => {
    try {
      const ref = m.parseModelRef(raw, catalog);
      if (!m.isCliModelRef(ref, catalog)) targets.set(m.formatModelRef(ref), ref);
    } catch {
      // unparsable refs are reported by the status itself
    }
  };
  for (const raw of m.chainRefs(chain)) add(raw);
  for (const p of catalog.providers.values()) {
    for (const model of p.models) if (model.configured) add(`${p.id}/${model.id}`);
  }
  const only = options.only ? m.normalizeProviderId(options.only) : undefined;
  const list = [...targets.values()].filter((r) => !only || r.provider === only);
  const t0 = performance.now();
  const results: ProbeResult[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await m.probeModel(list[i], catalog, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, list.length) }, worker));
  return {
    durationMs: Math.round(performance.now() - t0),
    totalTargets: list.length,
    options: { timeoutMs: options.timeoutMs, maxTokens: options.maxTokens, provider: only ?? null },
    results,
  };
}

function renderStatus(
  report: {
    configPath: string;
    agentId: string;
    defaultModel: string;
    resolvedDefault: string | null;
    defaultError?: string;
    fallbacks: string[];
    aliases: Record<string, string>;
    warnings: string[];
  },
  auth: {
    providers: { provider: string; effective: { kind: string; detail: string }; inUse: boolean }[];
    missingProvidersInUse: string[];
  },
  probes: { results: ProbeResult[] } | undefined,
): void {
  const label = (s: string) => style.cyan(s.padEnd(16));
  const shown = report.resolvedDefault && report.resolvedDefault !== report.defaultModel
    ? `${report.resolvedDefault} (from ${report.defaultModel})`
    : report.defaultModel;
  printLine(`${label("Config")}: ${report.configPath}`);
  printLine(`${label("Agent")}: ${report.agentId}`);
  printLine(`${label("Default")}: ${style.green(shown)}`);
  if (report.defaultError) printWarn(report.defaultError);
  printLine(
    `${label(`Fallbacks (${report.fallbacks.length})`)}: ${report.fallbacks.join(", ") || "-"}`,
  );
  const aliases = Object.entries(report.aliases).map(([a, t]) => `${a} -> ${t}`);
  printLine(`${label(`Aliases (${aliases.length})`)}: ${aliases.join(", ") || "-"}`);
  printLine("");
  printLine(style.bold("Auth overview"));
  if (auth.providers.length === 0) printLine("  (no providers in use)");
  for (const p of auth.providers) {
    const kind = p.effective.kind === "missing" ? style.red("missing") : p.effective.kind;
    printLine(`- ${p.provider}${p.inUse ? " (in use)" : ""}: ${kind}: ${p.effective.detail}`);
  }
  if (auth.missingProvidersInUse.length > 0) {
    printLine("");
    printLine(style.bold("Missing auth"));
    for (const id of auth.missingProvidersInUse) printLine(`- ${id}`);
  }
  for (const w of report.warnings) printWarn(w);
  if (!probes) return;
  printLine("");
  printLine(style.bold("Probes"));
  if (probes.results.length === 0) printLine("  (nothing to probe)");
  const rows = [["Model", "Status", "Latency", "Error"]];
  for (const r of probes.results) {
    rows.push([r.ref, r.status, `${r.latencyMs} ms`, r.error ?? ""]);
  }
  if (probes.results.length > 0) printLine(formatTable(rows));
}
