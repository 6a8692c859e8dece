/**
 * `openclaw secrets audit`: where secrets sit in plaintext (config, `.env` files, credential
 * state files), which SecretRefs do not resolve, which refs are shadowed by plaintext state, and
 * which legacy credential files are left over. Findings name paths and files, never values.
 *
 * @module
 */
import { formatConfigPath, getAtPath, type PathSegment } from "../config/path.ts";
import { checkConfigText } from "../config/load.ts";
import { parseConfigText, readConfigFile, resolveIncludes } from "../config/read.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { parseEnvFile } from "../env.ts";
import { type Env, joinPath, processEnv, resolveConfigPath, resolveStateDir } from "../paths.ts";
import { collectSecretRefs } from "./collect.ts";
import { findPlaintextSecrets, isPlaintextValue, isSensitiveEnvName } from "./plaintext.ts";
import { isSecretRef, secretRefKey } from "./ref.ts";
import { resolveRefOutcomes } from "./resolve.ts";
import { readStateJson, scanCredentialState } from "./_audit_state.ts";

/** Finding codes (stock names). */
export type AuditCode = "PLAINTEXT_FOUND" | "REF_UNRESOLVED" | "REF_SHADOWED" | "LEGACY_RESIDUE";

/** One finding. */
export interface AuditFinding {
  code: AuditCode;
  severity: "info" | "warn" | "error";
  /** Config path, JSON path inside `file`, or a variable name for `.env` files. */
  path: string;
  file?: string;
  message: string;
  remediation: string;
}

/** The report `secrets audit --json` prints. */
export interface SecretsAuditReport {
  status: "clean" | "findings" | "unresolved";
  resolution: { refsChecked: number; skippedExecRefs: number; resolvabilityComplete: boolean };
  summary: {
    plaintextCount: number;
    unresolvedRefCount: number;
    shadowedRefCount: number;
    legacyResidueCount: number;
  };
  findings: AuditFinding[];
}

/** Options for {@linkcode auditSecrets}. */
export interface AuditOptions {
  /** @default resolveConfigPath() */
  configPath?: string;
  /** @default resolveStateDir() */
  stateDir?: string;
  /** Where `./.env` is looked for. @default Deno.cwd() */
  cwd?: string;
  env?: Env;
  /** Run exec resolvers to check exec refs (they are skipped otherwise). @default false */
  allowExec?: boolean;
}

const MOVE_HINT = "Move it to a secret provider: openclaw secrets configure";

async function auditConfig(configPath: string, options: AuditOptions, findings: AuditFinding[]) {
  const file = await readConfigFile(configPath);
  if (!file.exists) return { refsChecked: 0, skipped: 0, envIds: new Set<string>(), config: {} };
  // Pre-substitution, so `${VAR}` placeholders are seen as what they are: not plaintext.
  const raw = resolveIncludes(parseConfigText(file.text, configPath), configPath);
  for (const hit of findPlaintextSecrets(raw)) {
    findings.push({
      code: "PLAINTEXT_FOUND",
      severity: "warn",
      path: hit.path,
      file: configPath,
      message: `${hit.path} holds a plaintext secret`,
      remediation: MOVE_HINT,
    });
  }
  const check = checkConfigText(file.text, configPath, { env: options.env });
  // An invalid config is still audited: refs are read from what could be parsed.
  const config = (check.config ?? check.resolved ?? raw) as Partial<OpenClawConfig>;
  const uses = collectSecretRefs(config);
  const envIds = new Set(uses.filter((u) => u.ref.source === "env").map((u) => u.ref.id));
  const checked = uses.filter((u) => options.allowExec || u.ref.source !== "exec");
  const outcomes = await resolveRefOutcomes(checked.map((u) => u.ref), config, {
    env: options.env,
    cwd: options.cwd,
  });
  for (const use of checked) {
    const o = outcomes.get(secretRefKey(use.ref));
    if (!o || o.ok) continue;
    findings.push({
      code: "REF_UNRESOLVED",
      severity: use.active ? "error" : "warn",
      path: use.path,
      file: configPath,
      message: `Cannot resolve ${use.path} (${secretRefKey(use.ref)}): ${o.error}` +
        (use.active ? "" : ` [inactive: ${use.inactiveReason}]`),
      remediation: o.hint ?? "Fix secrets.providers or the ref",
    });
  }
  return { refsChecked: checked.length, skipped: uses.length - checked.length, envIds, config };
}

function auditEnvFile(path: string, refIds: ReadonlySet<string>, findings: AuditFinding[]) {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(parseEnvFile(text))) {
    // A variable an env SecretRef reads is that ref's store, which is what `.env` is for here.
    if (!isSensitiveEnvName(name) || !isPlaintextValue(value) || refIds.has(name)) continue;
    findings.push({
      code: "PLAINTEXT_FOUND",
      severity: "warn",
      path: name,
      file: path,
      message: `${path} sets ${name} in plaintext and no SecretRef reads it`,
      remediation: `Reference it with { source: "env", provider: "default", id: "${name}" }, ` +
        "or remove it if it is unused",
    });
  }
}

function auditAuthProfiles(
  stateDir: string,
  config: Partial<OpenClawConfig>,
  findings: AuditFinding[],
) {
  let agents: string[] = [];
  try {
    agents = [...Deno.readDirSync(joinPath(stateDir, "agents"))].filter((e) => e.isDirectory)
      .map((e) => e.name).sort();
  } catch {
    return;
  }
  for (const agent of agents) {
    const dir = joinPath(stateDir, "agents", agent, "agent");
    const legacy = joinPath(dir, "auth.json");
    if (readStateJson(legacy).exists) {
      findings.push({
        code: "LEGACY_RESIDUE",
        severity: "warn",
        path: "<file>",
        file: legacy,
        message: `Legacy credential file ${legacy} is still present`,
        remediation: "Run openclaw doctor --fix to migrate it, then delete it",
      });
    }
    const models = readStateJson(joinPath(dir, "models.json"));
    for (const hit of models.ok ? findPlaintextSecrets(models.value) : []) {
      findings.push({
        code: "PLAINTEXT_FOUND",
        severity: "warn",
        path: hit.path,
        file: models.path,
        message: `${models.path} holds a plaintext secret at ${hit.path}`,
        remediation: "Use a SecretRef for the provider's apiKey in openclaw.json and regenerate " +
          "models.json",
      });
    }
    const auth = readStateJson(joinPath(dir, "auth-profiles.json"));
    if (!auth.ok) continue;
    const profiles = (auth.value as { profiles?: unknown }).profiles;
    if (typeof profiles !== "object" || profiles === null) continue;
    for (const [id, p] of Object.entries(profiles as Record<string, unknown>)) {
      if (typeof p !== "object" || p === null) continue;
      const profile = p as Record<string, unknown>;
      // OAuth access/refresh material is minted at run time and rotates: not a SecretRef target.
      if (profile.type === "oauth") continue;
      const seen = new Set<string>();
      const hits = [
        ...["key", "token"].filter((k) => isPlaintextValue(profile[k])).map((k) => ({
          path: formatConfigPath(["profiles", id, k]),
        })),
        ...findPlaintextSecrets(profile, ["profiles", id]),
      ].filter((h) => !seen.has(h.path) && seen.add(h.path));
      for (const hit of hits) {
        findings.push({
          code: "PLAINTEXT_FOUND",
          severity: "warn",
          path: hit.path,
          file: auth.path,
          message: `${auth.path} holds a plaintext credential for profile "${id}"`,
          remediation: "Replace it with a keyRef/tokenRef SecretRef, or move the key to " +
            "openclaw.json as a SecretRef and remove the profile",
        });
      }
      const provider = typeof profile.provider === "string" ? profile.provider : undefined;
      if (!provider || hits.length === 0) continue;
      const segments: PathSegment[] = ["models", "providers", provider, "apiKey"];
      const ref = getAtPath(config, segments);
      if (ref.found && isSecretRef(ref.value)) {
        findings.push({
          code: "REF_SHADOWED",
          severity: "warn",
          path: `models.providers.${provider}.apiKey`,
          file: auth.path,
          message: `Profile "${id}" in ${auth.path} has a plaintext credential that takes ` +
            `precedence over the SecretRef at models.providers.${provider}.apiKey`,
          remediation: `Remove the plaintext credential from profile "${id}"`,
        });
      }
    }
  }
}

/** Scans config, `.env` files and credential state; resolves refs (exec only when allowed). */
export async function auditSecrets(options: AuditOptions = {}): Promise<SecretsAuditReport> {
  const env = options.env ?? processEnv();
  const configPath = options.configPath ?? resolveConfigPath(env);
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const cwd = options.cwd ?? Deno.cwd();
  const findings: AuditFinding[] = [];
  const cfg = await auditConfig(configPath, { ...options, env, cwd }, findings);
  const envFiles = [...new Set([joinPath(cwd, ".env"), joinPath(stateDir, ".env")])];
  for (const f of envFiles) auditEnvFile(f, cfg.envIds, findings);
  scanCredentialState(joinPath(stateDir, "credentials"), findings);
  auditAuthProfiles(stateDir, cfg.config, findings);

  const count = (code: AuditCode) => findings.filter((f) => f.code === code).length;
  const summary = {
    plaintextCount: count("PLAINTEXT_FOUND"),
    unresolvedRefCount: count("REF_UNRESOLVED"),
    shadowedRefCount: count("REF_SHADOWED"),
    legacyResidueCount: count("LEGACY_RESIDUE"),
  };
  return {
    // Info findings (channel credentials that cannot be refs) are reported but do not fail.
    status: summary.unresolvedRefCount > 0
      ? "unresolved"
      : findings.some((f) => f.severity !== "info")
      ? "findings"
      : "clean",
    resolution: {
      refsChecked: cfg.refsChecked,
      skippedExecRefs: cfg.skipped,
      resolvabilityComplete: cfg.skipped === 0,
    },
    summary,
    findings,
  };
}

/** Exit code of `secrets audit`: 0, or with `check` 2 for unresolved refs and 1 for findings. */
export function auditExitCode(report: SecretsAuditReport, check: boolean): 0 | 1 | 2 {
  if (!check) return 0;
  if (report.status === "unresolved") return 2;
  return report.status === "findings" ? 1 : 0;
}
