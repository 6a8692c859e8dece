/**
 * `openclaw devices`: the browsers, CLIs, apps and nodes paired with this gateway.
 *
 * - `devices list [--json]` shows pending requests (what each asks for) and paired devices.
 * - `devices approve <requestId>` pairs the device (it connects by itself on its next try);
 *   without an id, or with `--latest`, it only shows the newest request and exits 1, so nothing
 *   is approved by accident (stock 2026.9 does the same).
 * - `devices reject <requestId>` drops a request.
 * - `devices remove <deviceId>`, `devices rename --device <id> --name <label>`.
 * - `devices rotate --device <id> --role <role> [--scope <s>...] [--no-scopes]` replaces a role's
 *   device token (the old one stops working); `devices revoke --device <id> --role <role>`
 *   revokes it.
 *
 * Everything goes through the running gateway (`device.pair.*`, `device.token.*`). When the
 * local gateway is not running, `list`, `approve` and `reject` work on the pairing files in the
 * state directory instead (the gateway reads them when it starts).
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { DevicePairingList, PairedDeviceView } from "../../lib/devices/view.ts";
import type { PendingDeviceRequest } from "../../lib/devices/pending.ts";
import type { GatewayClient } from "../../lib/rpc/client.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { formatTable, printErr, printJson, printLine } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";

interface DeviceFlags extends RpcFlags {
  latest?: boolean;
  device?: string;
  role?: string;
  name?: string;
  scope?: string[];
  /** `--no-scopes` sets this to false. */
  scopes?: boolean;
}

/** Registers `devices` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const devices = program.command("devices")
    .description("Paired devices: list, approve, reject, remove, rename, rotate, revoke");
  addRpcOptions(devices.command("list").description("List pending requests and paired devices"))
    .action(act(listCommand));
  addRpcOptions(
    devices.command("approve").argument("[requestId]", "Pending request id (see devices list)")
      .option("--latest", "Show the newest pending request (does not approve it)")
      .description("Approve a pending device: it connects by itself on its next try"),
  ).action(act(approveCommand));
  addRpcOptions(
    devices.command("reject").argument("<requestId>", "Pending request id")
      .description("Reject a pending device request"),
  ).action(act(rejectCommand));
  addRpcOptions(
    devices.command("remove").argument("<deviceId>", "Paired device id")
      .description("Remove a paired device (its tokens stop working)"),
  ).action(act(removeCommand));
  addRpcOptions(
    devices.command("rename").requiredOption("--device <id>", "Paired device id")
      .requiredOption("--name <label>", "New name (1-64 characters)")
      .description("Give a paired device a name"),
  ).action(act(renameCommand));
  addRpcOptions(
    devices.command("rotate").requiredOption("--device <id>", "Paired device id")
      .requiredOption("--role <role>", "Role of the token (operator, node)")
      .option("--scope <scope...>", "Scopes of the new token (default: the old token's)")
      .option("--no-scopes", "Issue the new token with no scopes")
      .description("Replace a device token (the old one stops working)"),
  ).action(act(rotateCommand));
  addRpcOptions(
    devices.command("revoke").requiredOption("--device <id>", "Paired device id")
      .requiredOption("--role <role>", "Role of the token (operator, node)")
      .description("Revoke a device token"),
  ).action(act(revokeCommand));
}

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

/**
 * Runs `remote` on the gateway, or `local` on the state directory's files when the local gateway
 * does not answer (or refuses this CLI as an unpaired device). A remote gateway that is down is an
 * error: its files are on another machine.
 */
async function viaGatewayOrFiles<T>(
  flags: DeviceFlags,
  remote: (client: GatewayClient) => Promise<T>,
  local: (stateDir: string) => Promise<T>,
): Promise<T> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { CLI_CLIENT, connectTarget, withConfigProblemHint } = await import(
    "../../lib/rpc/session.ts"
  );
  const { GatewayRpcError } = await import("../../lib/rpc/client.ts");
  const { resolveStateDir } = await import("../../lib/paths.ts");
  const target = await resolveGatewayTarget(flags);
  const files = () => {
    const stateDir = resolveStateDir();
    if (!flags.json) printErr(`Gateway not reachable; using the pairing files in ${stateDir}.`);
    return local(stateDir);
  };
  let client: GatewayClient;
  try {
    client = await connectTarget(target, CLI_CLIENT, timeoutMs(flags));
  } catch (err) {
    const down = err instanceof OpenClawError && err.code === "GATEWAY_UNREACHABLE";
    const unpaired = err instanceof GatewayRpcError && err.shape.code === "NOT_PAIRED";
    if (target.isLocal && (down || unpaired)) return await files();
    throw withConfigProblemHint(err, target);
  }
  await using _client = client;
  return await remote(client);
}

function unknownRequest(requestId: string): OpenClawError {
  return new OpenClawError("DEVICE_REQUEST_UNKNOWN", `unknown requestId: ${requestId}`, {
    hint: "Requests expire after 5 minutes; see the current ones with: openclaw devices list",
  });
}

async function listCommand(flags: DeviceFlags): Promise<void> {
  const list = await viaGatewayOrFiles<DevicePairingList>(
    flags,
    (client) => client.call("device.pair.list", {}),
    async (stateDir) => (await import("../../lib/devices/view.ts")).listDevicePairing(stateDir),
  );
  if (flags.json) {
    printJson(list);
    return;
  }
  printList(list);
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m}m ago` : `${Math.floor(m / 60)}h ${m % 60}m ago`;
}

function nameOf(d: { deviceId: string; operatorLabel?: string; displayName?: string }): string {
  return d.operatorLabel || d.displayName || d.deviceId.slice(0, 12);
}

function printList(list: DevicePairingList): void {
  const now = Date.now();
  if (list.pending.length === 0 && list.paired.length === 0) {
    printLine("No device pairing entries.");
    return;
  }
  if (list.pending.length > 0) {
    printLine(`Pending (${list.pending.length})`);
    const rows = [["REQUEST", "DEVICE", "CLIENT", "ROLE", "SCOPES", "IP", "ASKED", "FLAGS"]];
    for (const r of list.pending) {
      rows.push([
        r.requestId,
        nameOf(r),
        r.clientId ?? "",
        r.role ?? "",
        (r.scopes ?? []).join(",") || "-",
        r.remoteIp ?? "",
        ago(now - r.ts),
        r.isRepair ? "upgrade" : "",
      ]);
    }
    printLine(formatTable(rows));
    printLine(`Approve with: openclaw devices approve <requestId>`);
  }
  if (list.paired.length > 0) {
    if (list.pending.length > 0) printLine();
    printLine(`Paired (${list.paired.length})`);
    const rows = [["DEVICE", "ID", "ROLES", "SCOPES", "TOKENS", "CONNECTED", "IP"]];
    for (const d of list.paired) {
      rows.push([
        nameOf(d),
        d.deviceId,
        (d.roles ?? []).join(",") || "-",
        (d.scopes ?? []).join(",") || "-",
        tokenSummary(d),
        d.connected === undefined ? "?" : d.connected ? "yes" : "no",
        d.remoteIp ?? "",
      ]);
    }
    printLine(formatTable(rows));
  }
}

function tokenSummary(d: PairedDeviceView): string {
  const tokens = d.tokens ?? [];
  if (tokens.length === 0) return "none";
  return tokens.map((t) => `${t.role}${t.revokedAtMs ? " (revoked)" : ""}`).join(",");
}

async function approveCommand(requestId: string | undefined, flags: DeviceFlags): Promise<number> {
  const id = requestId?.trim();
  if (!id || flags.latest) return await previewLatest(flags);
  const result = await viaGatewayOrFiles<{ requestId: string; device: PairedDeviceView }>(
    flags,
    (client) => client.call("device.pair.approve", { requestId: id }),
    async (stateDir) => {
      const { approveDevicePairing } = await import("../../lib/devices/approval.ts");
      const { pairedDeviceView } = await import("../../lib/devices/view.ts");
      const outcome = await approveDevicePairing(stateDir, id);
      if (outcome.status !== "approved") throw unknownRequest(id);
      return { requestId: id, device: pairedDeviceView(outcome.device) };
    },
  );
  if (flags.json) printJson(result);
  else {
    const d = result.device;
    printLine(`Approved ${nameOf(d)} (${d.deviceId}), request ${result.requestId}.`);
    printLine("The device connects by itself on its next try.");
  }
  return ExitCode.ok;
}

/** `approve` without an id: shows the newest request and how to approve it, then fails. */
async function previewLatest(flags: DeviceFlags): Promise<number> {
  const list = await viaGatewayOrFiles<DevicePairingList>(
    flags,
    (client) => client.call("device.pair.list", {}),
    async (stateDir) => (await import("../../lib/devices/view.ts")).listDevicePairing(stateDir),
  );
  const latest: PendingDeviceRequest | undefined = [...list.pending].sort((a, b) => b.ts - a.ts)[0];
  const hint = latest
    ? `openclaw devices approve ${latest.requestId}`
    : "No pending device pairing requests.";
  if (flags.json) {
    printJson({ ok: false, reason: "requestId required", latest: latest ?? null, hint });
    return ExitCode.failed;
  }
  if (!latest) {
    printErr("No pending device pairing requests.");
    return ExitCode.failed;
  }
  printErr(`Newest pending request: ${latest.requestId}`);
  printErr(
    `  ${nameOf(latest)} (${latest.deviceId}) asks for ${latest.role}` +
      `${latest.scopes.length ? ` with ${latest.scopes.join(", ")}` : ""}` +
      `${latest.remoteIp ? ` from ${latest.remoteIp}` : ""}, ${ago(Date.now() - latest.ts)}`,
  );
  printErr(`Approve it with: ${hint}`);
  return ExitCode.failed;
}

async function rejectCommand(requestId: string, flags: DeviceFlags): Promise<void> {
  const id = requestId.trim();
  const result = await viaGatewayOrFiles<{ requestId: string; deviceId: string }>(
    flags,
    (client) => client.call("device.pair.reject", { requestId: id }),
    async (stateDir) => {
      const { rejectDevicePairing } = await import("../../lib/devices/approval.ts");
      const rejected = await rejectDevicePairing(stateDir, id);
      if (!rejected) throw unknownRequest(id);
      return rejected;
    },
  );
  if (flags.json) printJson(result);
  else printLine(`Rejected ${result.deviceId}, request ${result.requestId}.`);
}

async function removeCommand(deviceId: string, flags: DeviceFlags): Promise<void> {
  const result = await call<{ deviceId: string }>(flags, "device.pair.remove", {
    deviceId: deviceId.trim(),
  });
  if (flags.json) printJson(result);
  else printLine(`Removed ${result.deviceId}.`);
}

function usage(message: string): OpenClawError {
  return new OpenClawError("USAGE", message, { exitCode: ExitCode.usage });
}

async function renameCommand(flags: DeviceFlags): Promise<void> {
  const label = flags.name?.trim() ?? "";
  if (label.length < 1 || label.length > 64) throw usage("--name must be 1-64 characters");
  const result = await call<{ deviceId: string; label: string }>(flags, "device.pair.rename", {
    deviceId: flags.device?.trim(),
    label,
  });
  if (flags.json) printJson(result);
  else printLine(`Renamed ${result.deviceId} to "${result.label}".`);
}

async function rotateCommand(flags: DeviceFlags): Promise<void> {
  if (flags.scopes === false && flags.scope?.length) {
    throw usage("--scope and --no-scopes cannot be combined");
  }
  const scopes = flags.scopes === false ? [] : flags.scope;
  const result = await call<
    { deviceId: string; role: string; scopes: string[]; token?: string; tokenDelivery?: string }
  >(flags, "device.token.rotate", {
    deviceId: flags.device?.trim(),
    role: flags.role?.trim(),
    ...(scopes ? { scopes } : {}),
  });
  if (flags.json) {
    printJson(result);
    return;
  }
  printLine(
    `Rotated the ${result.role} token of ${result.deviceId} ` +
      `(scopes: ${result.scopes.join(", ") || "none"}); the old token no longer works.`,
  );
  printLine("The device gets the new token on its next connect with the gateway secret.");
}

async function revokeCommand(flags: DeviceFlags): Promise<void> {
  const result = await call<{ deviceId: string; role: string; revokedAtMs: number }>(
    flags,
    "device.token.revoke",
    { deviceId: flags.device?.trim(), role: flags.role?.trim() },
  );
  if (flags.json) printJson(result);
  else printLine(`Revoked the ${result.role} token of ${result.deviceId}.`);
}
