/**
 * `openclaw gateway [run]`, the gateway query commands (`status`, `probe`, `call`, `discover`) and the
 * service lifecycle (`install`, `uninstall`, `start`, `stop`, `restart`).
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { printLine } from "../output.ts";
import { act } from "../program.ts";
import type { LifecycleAction } from "../../lib/service/lifecycle.ts";
import type { LifecycleFlags } from "./gateway_service.ts";
import { addRpcOptions, type RpcFlags } from "./rpc_options.ts";

interface RunFlags {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  tailscale?: string;
  force?: boolean;
  allowUnconfigured?: boolean;
  verbose?: boolean;
  json?: boolean;
}

/** The options of `gateway run`, formatted like commander's own option list. */
function runOptionsHelp(run: CommandUnknownOpts): string {
  const help = run.createHelp();
  const rows = help.visibleOptions(run).filter((o) => o.long !== "--help")
    .map((o) => [help.optionTerm(o), help.optionDescription(o)]);
  const width = Math.max(...rows.map(([term]) => term.length));
  return [
    "",
    "Options of `gateway run` (the default; `openclaw gateway --port 18789` runs it):",
    ...rows.map(([term, desc]) => `  ${term.padEnd(width)}  ${desc}`),
  ].join("\n");
}

/** Registers `gateway` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const gateway = program.command("gateway").description("Run and inspect the Gateway");

  const run = gateway.command("run", { isDefault: true })
    .description("Run the gateway in the foreground")
    .option(
      "--port <port>",
      "Port (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789; 19001 for --dev)",
    )
    .option("--bind <mode>", "loopback | lan | tailnet | auto | custom")
    .option("--auth <mode>", "token | password")
    .option("--token <token>", "Shared token clients must send")
    .option("--password <password>", "Shared password clients must send")
    .option("--tailscale <mode>", "Expose through Tailscale: off | serve | funnel")
    .option("--force", "Stop whatever listens on the port first")
    .option(
      "--allow-unconfigured",
      "Start even when gateway.mode is not local (never writes config)",
    )
    .option("--verbose", "Verbose console logging (the file level is logging.level)")
    .option("--json", "Accepted for symmetry; the gateway logs to the console and file")
    .action(act(async (opts: RunFlags) => {
      if (opts.auth !== undefined && !["token", "password"].includes(opts.auth)) {
        const { OpenClawError, ExitCode } = await import("../../lib/errors.ts");
        throw new OpenClawError("USAGE", 'Invalid --auth (use "token" or "password")', {
          exitCode: ExitCode.usage,
        });
      }
      if (opts.tailscale !== undefined && !["off", "serve", "funnel"].includes(opts.tailscale)) {
        const { OpenClawError, ExitCode } = await import("../../lib/errors.ts");
        throw new OpenClawError("USAGE", 'Invalid --tailscale (use "off", "serve", or "funnel")', {
          exitCode: ExitCode.usage,
        });
      }
      // --token travels as an option, not through the process environment: every command the
      // agent's exec tool runs inherits that environment.
      const { runGateway } = await import("../../gateway/run.ts");
      return await runGateway({
        port: opts.port,
        bind: opts.bind,
        auth: opts.auth,
        token: opts.token,
        password: opts.password,
        tailscale: opts.tailscale,
        force: opts.force,
        allowUnconfigured: opts.allowUnconfigured,
        verbose: opts.verbose,
        announce: (line) => printLine(line),
      });
    }));

  // `openclaw gateway` runs `gateway run`, so its help lists run's options too.
  gateway.addHelpText("after", () => runOptionsHelp(run));

  addRpcOptions(
    gateway.command("status")
      .description("Show whether the gateway runs (service or runtime file) and probe it over RPC")
      .option("--no-probe", "Skip the RPC probe")
      .option("--require-rpc", "Exit 1 when the RPC probe fails"),
  ).action(act(async (opts: RpcFlags & { probe?: boolean; requireRpc?: boolean }) => {
    const { gatewayStatusCommand } = await import("./gateway_status.ts");
    return await gatewayStatusCommand(opts);
  }));

  const lifecycle = (action: LifecycleAction) =>
    act(async (opts: LifecycleFlags) => {
      const { gatewayLifecycleCommand } = await import("./gateway_service.ts");
      return await gatewayLifecycleCommand(action, opts);
    });
  gateway.command("install")
    .description("Install the gateway as a service (systemd user unit / LaunchAgent) and start it")
    .option("--port <port>", "Port the service listens on (default: the gateway's port)")
    .option("--force", "Overwrite an installed service with different settings")
    .option("--json", "Print JSON")
    .action(lifecycle("install"));
  gateway.command("uninstall")
    .description("Stop the gateway service and remove it")
    .option("--json", "Print JSON")
    .action(lifecycle("uninstall"));
  gateway.command("start")
    .description("Start the installed gateway service")
    .option("--json", "Print JSON")
    .action(lifecycle("start"));
  gateway.command("stop")
    .description("Stop the gateway service")
    .option("--json", "Print JSON")
    .action(lifecycle("stop"));
  gateway.command("restart")
    .description("Restart the gateway service (checks the config first)")
    .option("--json", "Print JSON")
    .action(lifecycle("restart"));

  addRpcOptions(
    gateway.command("probe").description(
      "Probe the configured gateway targets (URL, remote, local loopback)",
    ),
  ).action(act(async (opts: RpcFlags) => {
    const { gatewayProbeCommand } = await import("./gateway_status.ts");
    return await gatewayProbeCommand(opts);
  }));

  gateway.command("discover")
    .description(
      "Browse the LAN (mDNS) and the wide-area domain (unicast DNS-SD) for gateways and list them",
    )
    .option("--json", "Print JSON")
    .option("--timeout <ms>", "How long to listen for answers, in ms (default 2000, max 30000)")
    .addHelpText(
      "after",
      [
        "",
        "Environment:",
        "  OPENCLAW_WIDE_AREA_DOMAIN          wide-area domain to browse (when",
        "                                     discovery.wideArea.domain is unset)",
        "  OPENCLAW_DNS_NAMESERVER=ip[:port]  DNS server to ask for the wide-area domain",
        "                                     instead of the system's resolvers",
      ].join("\n"),
    )
    .action(act(async (opts: { json?: boolean; timeout?: string }) => {
      const { gatewayDiscoverCommand } = await import("./gateway_discover.ts");
      return await gatewayDiscoverCommand(opts);
    }));

  addRpcOptions(
    gateway.command("call")
      .description("Call a gateway RPC method and print its result")
      .argument("<method>", "Method name, e.g. health")
      .option("--params <json>", "Parameters as JSON5", "{}")
      .option("--expect-final", "Wait for the final response of a two-phase method"),
  ).action(
    act(async (method: string, opts: RpcFlags & { params: string; expectFinal?: boolean }) => {
      const { gatewayCallCommand } = await import("./gateway_status.ts");
      return await gatewayCallCommand(method, opts);
    }),
  );
}
