/**
 * `openclaw logs`: the gateway's file log over `logs.tail`, or read straight from the file when
 * the gateway is down. `--follow` keeps polling with the cursor.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { ParsedLogLine } from "../../lib/log/line.ts";
import type { TailResult } from "../../lib/log/tail.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { printErr, printJsonLine, printLine, style } from "../output.ts";
import { act } from "../program.ts";
import { addRpcOptions, type RpcFlags, timeoutMs } from "./rpc_options.ts";
import { delay } from "../../lib/timers.ts";

interface LogsFlags extends RpcFlags {
  follow?: boolean;
  limit: string;
  maxBytes: string;
  interval: string;
  plain?: boolean;
  localTime?: boolean;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new OpenClawError("USAGE", `Invalid ${flag} "${value}": expected a positive integer`, {
      exitCode: ExitCode.usage,
    });
  }
  return n;
}

const LEVEL_STYLE: Record<string, (s: string) => string> = {
  fatal: (s) => style.red(s),
  error: (s) => style.red(s),
  warn: (s) => style.yellow(s),
  info: (s) => style.green(s),
  debug: (s) => style.dim(s),
  trace: (s) => style.dim(s),
};

function formatTime(iso: string | undefined, local: boolean): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (!local) return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())}`;
}

/** Registers `logs`. */
export function register(program: CommandUnknownOpts): void {
  addRpcOptions(
    program.command("logs")
      .description(
        "Show the gateway's file log (over RPC, or from the file when the gateway is down)",
      )
      .option("--follow", "Keep printing new lines")
      .option("--limit <n>", "Lines to show", "200")
      .option("--max-bytes <n>", "Bytes to read per poll", "250000")
      .option("--interval <ms>", "Poll interval for --follow", "1000")
      .option("--plain", "Plain text: time, level, subsystem and message, no colour")
      .option("--local-time", "Show times in the local time zone (default UTC)"),
  ).action(act(async (flags: LogsFlags) => {
    const limit = positiveInt(flags.limit, "--limit");
    const maxBytes = positiveInt(flags.maxBytes, "--max-bytes");
    const interval = positiveInt(flags.interval, "--interval");
    const { parseLogLine } = await import("../../lib/log/line.ts");
    const source = await openSource(flags);
    if (flags.json) printJsonLine({ type: "meta", source: source.kind, file: source.file });
    else if (source.kind === "file") {
      printErr(style.dim(`(gateway not reachable; reading ${source.file} directly)`, Deno.stderr));
    }

    const emit = (line: string) => {
      const parsed: ParsedLogLine | null = parseLogLine(line);
      if (flags.json) {
        printJsonLine(
          parsed
            ? {
              type: "log",
              time: parsed.time,
              level: parsed.level,
              subsystem: parsed.subsystem,
              message: parsed.message,
              raw: line,
            }
            : { type: "raw", raw: line },
        );
        return;
      }
      if (!parsed) {
        printLine(line);
        return;
      }
      const level = (parsed.level ?? "info").toLowerCase();
      const time = formatTime(parsed.time, flags.localTime ?? false);
      const sub = parsed.subsystem ? `[${parsed.subsystem}] ` : "";
      if (flags.plain) printLine(`${time} ${level.toUpperCase()} ${sub}${parsed.message}`);
      else {printLine(`${style.dim(time)} ${
          (LEVEL_STYLE[level] ?? ((s: string) => s))(level.toUpperCase().padEnd(5))
        } ${style.cyan(sub)}${parsed.message}`);}
    };

    let result = await source.read(undefined, limit, maxBytes);
    for (const l of result.lines) emit(l);
    if (!flags.follow) {
      await source.close();
      return;
    }
    let stop = false;
    const onSig = () => stop = true;
    Deno.addSignalListener("SIGINT", onSig);
    try {
      while (!stop) {
        await delay(interval);
        if (stop) break;
        result = await source.read(result.cursor, 5000, maxBytes);
        if (result.reset) {
          if (flags.json) {
            printJsonLine({
              type: "notice",
              message: "log file rotated or truncated; reading from the start",
            });
          } else printErr(style.dim("(log file rotated; reading from the start)", Deno.stderr));
        }
        for (const l of result.lines) emit(l);
      }
    } finally {
      Deno.removeSignalListener("SIGINT", onSig);
      await source.close();
    }
  }));
}

interface LogSource {
  kind: "rpc" | "file";
  file: string | null;
  read(cursor: number | undefined, limit: number, maxBytes: number): Promise<TailResult>;
  close(): Promise<void>;
}

async function openSource(flags: LogsFlags): Promise<LogSource> {
  const { resolveGatewayTarget } = await import("../../lib/rpc/target.ts");
  const { connectTarget, BACKEND_READER } = await import("../../lib/rpc/session.ts");
  const { tailLogFile } = await import("../../lib/log/tail.ts");
  const target = await resolveGatewayTarget(flags);
  try {
    const client = await connectTarget(target, BACKEND_READER, timeoutMs(flags, 30_000));
    const first = await client.call<TailResult>("logs.tail", { limit: 1, maxBytes: 1 });
    return {
      kind: "rpc",
      file: first.file,
      read: (cursor, limit, maxBytes) =>
        client.call<TailResult>("logs.tail", {
          ...(cursor === undefined ? {} : { cursor }),
          limit,
          maxBytes,
        }),
      close: () => client.close(),
    };
  } catch (err) {
    // Remote gateways are only reachable over RPC; for a local one the file is right here.
    if (!target.isLocal) throw err;
  }
  const { readGatewayRuntime } = await import("../../lib/instance/runtime_file.ts");
  const { resolveLogFile } = await import("../../lib/log/file_path.ts");
  const { resolveProfile, resolveStateDir } = await import("../../lib/paths.ts");
  const logging = (target.config.logging ?? {}) as { file?: string };
  const file = logging.file
    ? resolveLogFile({ configFile: logging.file })
    : readGatewayRuntime(resolveStateDir())?.logFile ??
      resolveLogFile({ profile: resolveProfile() });
  return {
    kind: "file",
    file,
    read: (cursor, limit, maxBytes) => tailLogFile(file, { cursor, limit, maxBytes }),
    close: () => Promise.resolve(),
  };
}
