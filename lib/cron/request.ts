/**
 * `cron add` / `cron edit` flags as the `cron.add` params and `cron.update` patch they stand for
 * (stock's flag names). Only the shape is checked here; the gateway validates the job.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import { parseDuration } from "./duration.ts";
import {
  CATCH_UP_POLICIES,
  type CatchUpPolicy,
  type CronDelivery,
  type CronJobCreate,
  type CronJobPatch,
  type CronSchedule,
} from "./types.ts";

/** The flags of `cron add` and `cron edit`. */
export interface CronJobFlags {
  name?: string;
  description?: string;
  at?: string;
  every?: string;
  cron?: string;
  tz?: string;
  message?: string;
  systemEvent?: string;
  session?: string;
  agent?: string;
  wake?: string;
  /** `--deliver`/`--announce` true, `--no-deliver` false. */
  deliver?: boolean;
  announce?: boolean;
  channel?: string;
  to?: string;
  account?: string;
  catchUp?: string;
  deleteAfterRun?: boolean;
  keepAfterRun?: boolean;
  disabled?: boolean;
  model?: string;
  thinking?: string;
  timeoutSeconds?: string;
  lightContext?: boolean;
}

function usage(message: string, hint?: string): OpenClawError {
  return new OpenClawError("USAGE", message, {
    exitCode: ExitCode.usage,
    ...(hint ? { hint } : {}),
  });
}

const ISO_START = /^\d{4}-\d{2}-\d{2}/;

/**
 * The schedule the flags name, or undefined when they name none.
 *
 * @param flags `--at` (ISO time or a delay like `20m`), `--every`, `--cron`, `--tz`.
 * @param now For `--at <delay>`.
 * @throws {OpenClawError} `USAGE` (exit 2) for two schedules or an unreadable one.
 */
export function scheduleFromFlags(flags: CronJobFlags, now: number): CronSchedule | undefined {
  const given = [flags.at, flags.every, flags.cron].filter((v) => v !== undefined).length;
  if (given > 1) throw usage("Give one of --at, --every or --cron, not several");
  const tz = flags.tz?.trim() ? { tz: flags.tz.trim() } : {};
  if (flags.at !== undefined) {
    const at = flags.at.trim();
    if (ISO_START.test(at)) return { kind: "at", at, ...tz };
    return { kind: "at", at: new Date(now + parseDuration(at)).toISOString(), ...tz };
  }
  if (flags.every !== undefined) {
    return { kind: "every", everyMs: parseDuration(flags.every), ...tz };
  }
  if (flags.cron !== undefined) return { kind: "cron", expr: flags.cron.trim(), ...tz };
  return undefined;
}

function catchUpOf(value: string | undefined): CatchUpPolicy | undefined {
  if (value === undefined) return undefined;
  if (!(CATCH_UP_POLICIES as readonly string[]).includes(value)) {
    throw usage(`--catch-up must be one of ${CATCH_UP_POLICIES.join(", ")}`);
  }
  return value as CatchUpPolicy;
}

function deliveryOf(flags: CronJobFlags): Partial<CronDelivery> | undefined {
  if (flags.deliver === false) return { mode: "none" };
  const wanted = flags.deliver === true || flags.announce === true;
  if (!wanted && !flags.channel && !flags.to && !flags.account) return undefined;
  return {
    mode: "announce",
    ...(flags.channel ? { channel: flags.channel } : {}),
    ...(flags.to ? { to: flags.to } : {}),
    ...(flags.account ? { accountId: flags.account } : {}),
  };
}

function timeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw usage("--timeout-seconds must be a whole number \u2265 0");
  }
  return n;
}

function wakeOf(value: string | undefined): "now" | "next-heartbeat" | undefined {
  if (value === undefined) return undefined;
  if (value !== "now" && value !== "next-heartbeat") {
    throw usage("--wake must be now or next-heartbeat");
  }
  return value;
}

/**
 * `cron add` flags as `cron.add` params.
 *
 * @param flags The parsed flags.
 * @param now The current time (for `--at 20m`).
 * @returns The params.
 * @throws {OpenClawError} `USAGE` (exit 2) naming the missing or conflicting flag.
 * @example
 * ```ts
 * buildCreateParams({ every: "1m", systemEvent: "ping" }, Date.now());
 * // { schedule: { kind: "every", everyMs: 60000 }, payload: { kind: "systemEvent", text: "ping" } }
 * ```
 */
export function buildCreateParams(flags: CronJobFlags, now: number): CronJobCreate {
  const schedule = scheduleFromFlags(flags, now);
  if (!schedule) {
    throw usage("A schedule is required", 'e.g. --every 1h, --cron "0 9 * * 1-5" or --at 20m');
  }
  if (flags.message !== undefined && flags.systemEvent !== undefined) {
    throw usage("Give either --message or --system-event, not both");
  }
  const agentTurn = flags.message !== undefined;
  if (!agentTurn && flags.systemEvent === undefined) {
    throw usage(
      "A payload is required",
      'e.g. --system-event "Check the calendar" or --message "Summarise my inbox"',
    );
  }
  const timeoutSeconds = timeoutOf(flags.timeoutSeconds);
  const delivery = deliveryOf(flags);
  const wakeMode = wakeOf(flags.wake);
  const catchUp = catchUpOf(flags.catchUp);
  return {
    schedule,
    payload: agentTurn
      ? {
        kind: "agentTurn",
        message: flags.message!,
        ...(flags.model ? { model: flags.model } : {}),
        ...(flags.thinking ? { thinking: flags.thinking } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
        ...(flags.lightContext ? { lightContext: true } : {}),
      }
      : { kind: "systemEvent", text: flags.systemEvent! },
    ...(flags.name ? { name: flags.name } : {}),
    ...(flags.description ? { description: flags.description } : {}),
    ...(flags.agent ? { agentId: flags.agent } : {}),
    ...(flags.session ? { sessionTarget: flags.session } : {}),
    ...(wakeMode ? { wakeMode } : {}),
    ...(delivery ? { delivery } : {}),
    ...(catchUp ? { catchUp } : {}),
    ...(flags.deleteAfterRun ? { deleteAfterRun: true } : {}),
    ...(flags.keepAfterRun ? { deleteAfterRun: false } : {}),
    ...(flags.disabled ? { enabled: false } : {}),
  };
}

/**
 * `cron edit` flags as a `cron.update` patch. `--tz` alone re-zones `current` (the job's
 * schedule, which the caller fetched).
 *
 * @param flags The parsed flags (plus `enable`/`disable`, `clearAgent`).
 * @param now The current time.
 * @param current The job's schedule now, for `--tz` alone.
 * @throws {OpenClawError} `USAGE` when nothing would change or flags conflict.
 */
export function buildPatch(
  flags: CronJobFlags & { enable?: boolean; disable?: boolean; clearAgent?: boolean },
  now: number,
  current?: CronSchedule,
): CronJobPatch {
  if (flags.enable && flags.disable) throw usage("Give --enable or --disable, not both");
  if (flags.message !== undefined && flags.systemEvent !== undefined) {
    throw usage("Give either --message or --system-event, not both");
  }
  let schedule = scheduleFromFlags(flags, now);
  if (!schedule && flags.tz && current) schedule = { ...current, tz: flags.tz.trim() };
  const timeoutSeconds = timeoutOf(flags.timeoutSeconds);
  const payload: NonNullable<CronJobPatch["payload"]> = {
    ...(flags.message !== undefined ? { kind: "agentTurn", message: flags.message } : {}),
    ...(flags.systemEvent !== undefined ? { kind: "systemEvent", text: flags.systemEvent } : {}),
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.thinking ? { thinking: flags.thinking } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(flags.lightContext !== undefined ? { lightContext: flags.lightContext } : {}),
  };
  const delivery = deliveryOf(flags);
  const wakeMode = wakeOf(flags.wake);
  const catchUp = catchUpOf(flags.catchUp);
  const patch: CronJobPatch = {
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.description !== undefined ? { description: flags.description } : {}),
    ...(flags.agent ? { agentId: flags.agent } : {}),
    ...(flags.clearAgent ? { agentId: null } : {}),
    ...(schedule ? { schedule } : {}),
    ...(Object.keys(payload).length > 0 ? { payload } : {}),
    ...(flags.session ? { sessionTarget: flags.session } : {}),
    ...(wakeMode ? { wakeMode } : {}),
    ...(delivery ? { delivery } : {}),
    ...(catchUp ? { catchUp } : {}),
    ...(flags.deleteAfterRun ? { deleteAfterRun: true } : {}),
    ...(flags.keepAfterRun ? { deleteAfterRun: false } : {}),
    ...(flags.enable ? { enabled: true } : {}),
    ...(flags.disable ? { enabled: false } : {}),
  };
  if (Object.keys(patch).length === 0) {
    throw usage("Nothing to change", "Give at least one flag, e.g. --every 2h or --disable");
  }
  return patch;
}
