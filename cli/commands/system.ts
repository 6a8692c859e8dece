/**
 * `openclaw system`: system events and the heartbeat's controls.
 *
 * - `system event --text T [--mode now|next-heartbeat] [--session-key K] [--agent ID]` queues a
 *   `System:` line for the next turn of the main session (RPC `wake`); `now` runs a heartbeat at
 *   once. Prints `ok`.
 * - `system heartbeat last` prints the last heartbeat event as JSON (`null` before the first).
 * - `system heartbeat enable|disable` switches heartbeats on or off; the switch persists across
 *   gateway restarts.
 * - `system presence` prints the presence list as JSON.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printJson, printLine } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

const MODES = ["now", "next-heartbeat"] as const;

/** Calls one method on the running gateway as the CLI operator. */
async function call<T>(flags: RpcFlags, method: string, params: unknown): Promise<T> {
  const { CLI_CLIENT, withGateway } = await import("../../lib/rpc/session.ts");
  return await withGateway(
    flags,
    CLI_CLIENT,
    timeoutMs(flags),
    (client) => client.call<T>(method, params),
  );
}

interface EventFlags extends RpcFlags {
  text?: string;
  mode?: string;
  sessionKey?: string;
  agent?: string;
}

async function systemEvent(flags: EventFlags): Promise<number> {
  const mode = flags.mode ?? "next-heartbeat";
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new OpenClawError("USAGE", "--mode must be now or next-heartbeat", {
      exitCode: ExitCode.usage,
    });
  }
  if (!flags.text?.trim()) {
    throw new OpenClawError("USAGE", "--text must not be empty", {
      exitCode: ExitCode.usage,
      hint: 'openclaw system event --text "Check urgent follow-ups" --mode now',
    });
  }
  const result = await call<{ ok: boolean; reason?: string }>(flags, "wake", {
    mode,
    text: flags.text,
    ...(flags.sessionKey ? { sessionKey: flags.sessionKey } : {}),
    ...(flags.agent ? { agentId: flags.agent } : {}),
  });
  if (flags.json) printJson(result);
  else printLine(result.ok ? "ok" : `not queued: ${result.reason ?? "unknown reason"}`);
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

async function setHeartbeats(flags: RpcFlags, enabled: boolean): Promise<void> {
  const result = await call<{ ok: boolean; enabled: boolean }>(flags, "set-heartbeats", {
    enabled,
  });
  if (flags.json) printJson(result);
  else {
    printLine(
      `Heartbeats ${result.enabled ? "enabled" : "disabled"} (kept across gateway restarts).`,
    );
  }
}

/** Registers `system`. */
export function register(program: CommandUnknownOpts): void {
  const system = program.command("system").description(
    "System events, heartbeat controls and presence",
  );

  addRpcOptions(
    system.command("event")
      .description("Queue a System: line for the next turn of the main session")
      .option("--text <text>", "The event text")
      .option("--mode <mode>", "now | next-heartbeat (default next-heartbeat)")
      .option("--session-key <key>", "The session to queue it for (wakes it at once)")
      .option("--agent <id>", "The agent whose main session gets it"),
  ).action(act((flags: EventFlags) => systemEvent(flags)));

  const heartbeat = system.command("heartbeat").description("Heartbeat controls");
  addRpcOptions(
    heartbeat.command("last").description("Print the last heartbeat event (JSON)"),
  ).action(act(async (flags: RpcFlags) => {
    printJson(await call<unknown>(flags, "last-heartbeat", {}));
  }));
  addRpcOptions(
    heartbeat.command("enable").description("Turn heartbeats on (persists across restarts)"),
  ).action(act((flags: RpcFlags) => setHeartbeats(flags, true)));
  addRpcOptions(
    heartbeat.command("disable").description("Turn heartbeats off (persists across restarts)"),
  ).action(act((flags: RpcFlags) => setHeartbeats(flags, false)));

  addRpcOptions(
    system.command("presence").description("Print the presence list (JSON)"),
  ).action(act(async (flags: RpcFlags) => {
    printJson(await call<unknown>(flags, "system-presence", {}));
  }));
}
