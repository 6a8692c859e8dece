/**
 * `openclaw secrets`: `audit` (plaintext secrets, unresolved refs), `configure` (move a plaintext
 * secret into a provider; interactive, or scripted with flags) and `reload` (ask the running
 * gateway to re-resolve its SecretRefs). Secret values are never printed.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { formatTable, printJson, printLine, printWarn, style } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface AuditFlags {
  check?: boolean;
  json?: boolean;
  allowExec?: boolean;
}

interface ConfigureFlags {
  path?: string;
  provider?: string;
  id?: string;
  file?: string;
  pointer?: string;
  alias?: string;
  nonInteractive?: boolean;
  json?: boolean;
}

const SCRIPTED_FORM = "openclaw secrets configure --path <config path> --provider env --id VAR " +
  "(or --provider file [--file <path>] --pointer /x/y)";

async function audit(flags: AuditFlags): Promise<number> {
  const { auditExitCode, auditSecrets } = await import("../../lib/secrets/audit.ts");
  const { shortenHome } = await import("../../lib/paths.ts");
  const report = await auditSecrets({ allowExec: flags.allowExec });
  if (flags.json) {
    printJson(report);
    return auditExitCode(report, flags.check === true);
  }
  const s = report.summary;
  const head = report.status === "clean"
    ? style.green("clean")
    : report.status === "unresolved"
    ? style.red("unresolved refs")
    : style.yellow("findings");
  printLine(
    `Secrets audit: ${head} (${s.plaintextCount} plaintext, ${s.unresolvedRefCount} unresolved, ` +
      `${s.shadowedRefCount} shadowed, ${s.legacyResidueCount} legacy)`,
  );
  if (report.findings.length > 0) {
    printLine(formatTable(report.findings.map((f) => [
      "  " + f.severity,
      f.code,
      f.path,
      f.file ? shortenHome(f.file) : "",
    ])));
    printLine();
    for (const f of report.findings) {
      printLine(`- ${f.message}`);
      printLine(style.dim(`  fix: ${f.remediation}`));
    }
  }
  const r = report.resolution;
  printLine(`Refs checked: ${r.refsChecked}`);
  if (r.skippedExecRefs > 0) {
    printWarn(
      `${r.skippedExecRefs} exec ref(s) not checked; pass --allow-exec to run their resolvers`,
    );
  }
  return auditExitCode(report, flags.check === true);
}

async function configure(flags: ConfigureFlags): Promise<number | void> {
  const scripted = flags.path !== undefined || flags.provider !== undefined;
  if (!scripted) {
    if (flags.nonInteractive || flags.json || !Deno.stdin.isTerminal()) {
      throw new OpenClawError(
        "NEEDS_TTY",
        "openclaw secrets configure is interactive and needs a terminal",
        { exitCode: ExitCode.usage, hint: `Run it in a terminal, or script it: ${SCRIPTED_FORM}` },
      );
    }
    const { runConfigureWizard } = await import("./secrets_configure.ts");
    return await runConfigureWizard();
  }
  const usage = (message: string) =>
    new OpenClawError("USAGE", message, { exitCode: ExitCode.usage, hint: SCRIPTED_FORM });
  if (!flags.path) throw usage("Missing --path: which config value holds the secret");
  let target;
  if (flags.provider === "env") {
    if (!flags.id) throw usage("--provider env needs --id <VARIABLE_NAME>");
    target = { provider: "env" as const, id: flags.id };
  } else if (flags.provider === "file") {
    if (!flags.pointer) throw usage("--provider file needs --pointer </json/pointer>");
    target = {
      provider: "file" as const,
      pointer: flags.pointer,
      ...(flags.file ? { file: flags.file } : {}),
      ...(flags.alias ? { alias: flags.alias } : {}),
    };
  } else {
    throw usage(`Invalid --provider "${flags.provider ?? ""}": expected "env" or "file"`);
  }
  const { moveSecretToProvider } = await import("../../lib/secrets/configure.ts");
  const { secretRefKey } = await import("../../lib/secrets/ref.ts");
  const { shortenHome } = await import("../../lib/paths.ts");
  const result = await moveSecretToProvider({ path: flags.path, target });
  if (flags.json) {
    printJson({ ok: true, ...result });
    return;
  }
  printLine(
    `Moved ${result.path} to ${secretRefKey(result.ref)} (stored in ${shortenHome(result.store)})`,
  );
  if (result.providerAdded) printLine(`Added secrets.providers.${result.providerAdded}`);
  printLine("Check with: openclaw secrets audit --check");
}

/** Adds locally resolved SecretRef credentials when no explicit ones were given. */
async function withRefCredentials(flags: RpcFlags): Promise<RpcFlags> {
  if (flags.url || flags.token || flags.password) return flags;
  const { readConfigLoosely } = await import("../../lib/rpc/target.ts");
  const { clientCredentials } = await import("../../lib/auth/resolve.ts");
  const { clientSecretResolver } = await import("../../lib/secrets/client.ts");
  const { config } = await readConfigLoosely();
  const resolveSecret = await clientSecretResolver(config);
  const plain = clientCredentials({ config });
  const resolved = clientCredentials({ config, resolveSecret });
  const out = { ...flags };
  if (resolved.token !== plain.token) out.token = resolved.token;
  if (resolved.password !== plain.password) out.password = resolved.password;
  return out;
}

async function reload(flags: RpcFlags): Promise<void> {
  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  const result = await withGateway(
    await withRefCredentials(flags),
    CLI_CLIENT,
    timeoutMs(flags),
    (client) => client.call<{ ok: boolean; warningCount?: number }>("secrets.reload", {}),
  );
  if (flags.json) {
    printJson(result);
    return;
  }
  printLine(`Secrets reloaded (${result.warningCount ?? 0} warnings)`);
}

/** Registers `secrets`. */
export function register(program: CommandUnknownOpts): void {
  const secrets = program.command("secrets")
    .description("SecretRef providers: audit, configure, reload");

  secrets.command("audit")
    .description("Find plaintext secrets and SecretRefs that do not resolve")
    .option("--check", "Exit 1 on findings, 2 on unresolved refs")
    .option("--json", "Print JSON")
    .option("--allow-exec", "Also run exec resolvers to check exec refs")
    .action(act((flags: AuditFlags) => audit(flags)));

  secrets.command("configure")
    .description("Move a plaintext secret from openclaw.json into a secret provider")
    .option("--path <path>", "Config path of the secret (e.g. models.providers.openai.apiKey)")
    .option("--provider <kind>", "env (variable in ~/.openclaw/.env) or file (JSON secrets file)")
    .option("--id <name>", "Variable name for --provider env")
    .option("--file <path>", "Secrets file for --provider file (default ~/.openclaw/secrets.json)")
    .option("--pointer <pointer>", "JSON pointer for --provider file (e.g. /openai/apiKey)")
    .option("--alias <name>", "Provider alias for --provider file (default filemain)")
    .option("--non-interactive", "Never prompt")
    .option("--json", "Print JSON")
    .action(act((flags: ConfigureFlags) => configure(flags)));

  addRpcOptions(
    secrets.command("reload")
      .description("Ask the running gateway to re-resolve its SecretRefs"),
  ).action(act((flags: RpcFlags) => reload(flags)));
}
