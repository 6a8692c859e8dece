/**
 * The flags every gateway query command shares, and the connect helper behind them.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";

/** Parsed query flags. */
export interface RpcFlags {
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
  json?: boolean;
}

/** Adds `--url`, `--token`, `--password`, `--timeout` and `--json` to a command. */
export function addRpcOptions<C extends CommandUnknownOpts>(cmd: C): C {
  cmd.option("--url <url>", "Gateway WebSocket URL (needs --token or --password)")
    .option("--token <token>", "Gateway token")
    .option("--password <password>", "Gateway password")
    .option("--timeout <ms>", "Timeout in milliseconds", "10000")
    .option("--json", "Print JSON");
  return cmd;
}

/** Parses `--timeout`. */
export function timeoutMs(flags: RpcFlags, fallback = 10_000): number {
  const n = Number(flags.timeout ?? fallback);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
