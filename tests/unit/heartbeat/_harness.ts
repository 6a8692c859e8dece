/**
 * A heartbeat runner on a fake clock with a scripted model and a fake Telegram transport behind
 * the real outbound: tests advance time and read what ran, what was sent and which events came
 * out, without a gateway or a sleep.
 */
import { resolveAgent } from "../../../lib/agent/agents.ts";
import { buildMainSessionKey } from "../../../lib/agent/session_key.ts";
import { type OpenClawConfig, OpenClawConfigSchema } from "../../../lib/config/schema.ts";
import { HeartbeatRunner } from "../../../lib/heartbeat/runner.ts";
import { HeartbeatStateStore } from "../../../lib/heartbeat/state_store.ts";
import type {
  AutomationTurnRequest,
  AutomationTurnResult,
  HeartbeatEvent,
} from "../../../lib/heartbeat/types.ts";
import type { ChannelMessage } from "../../../lib/outbound/types.ts";
import { createOutbound } from "../../../gateway/outbound.ts";
import { FakeClock } from "../../fixtures/fake_clock.ts";
import { makeSandbox, writeFile } from "../../helpers.ts";

/** What the scripted model answers. */
export type Reply = string | Partial<AutomationTurnResult>;

/** Options of {@linkcode heartbeatHarness}. */
export interface HarnessOptions {
  /** The config (parsed with the real schema). */
  config: Record<string, unknown>;
  /** Epoch ms the clock starts at. */
  start: number;
  /** HEARTBEAT.md of every agent; null = no file. @default "- check the inbox" */
  heartbeatMd?: string | null;
  /** The model's answer to each heartbeat. @default "HEARTBEAT_OK" */
  reply?: (request: AutomationTurnRequest) => Reply;
  /** True while the agent is busy with another turn. */
  busy?: (agentId: string) => boolean;
  /** Reuse this state dir (a "restart"). */
  stateDir?: string;
  /** The main session's store `updatedAt` (undefined: no session). */
  sessionUpdatedAt?: () => number | undefined;
  /** System events queued for the session. @default 0 */
  pendingSystemEvents?: () => number;
}

/** A running harness. */
export interface Harness extends AsyncDisposable {
  clock: FakeClock;
  runner: HeartbeatRunner;
  store: HeartbeatStateStore;
  config: OpenClawConfig;
  stateDir: string;
  /** Every model turn the heartbeats asked for. */
  turns: AutomationTurnRequest[];
  /** Every message that reached the fake Telegram transport. */
  sends: ChannelMessage[];
  /** Every `chat` event for operator clients. */
  chats: unknown[];
  events: HeartbeatEvent[];
  /** Advances the clock in `step`-sized moves, letting each heartbeat finish. */
  advance(ms: number, step?: number): Promise<void>;
  /** Statuses (and reasons) of the events so far. */
  outcomes(): string[];
  /** Swaps the config and re-plans, as a hot reload does. */
  reload(config: Record<string, unknown>): void;
}

/** Starts a runner for `options.config` (see the module doc). */
export async function heartbeatHarness(options: HarnessOptions): Promise<Harness> {
  const sandbox = options.stateDir ? undefined : await makeSandbox({ createStateDir: true });
  const stateDir = options.stateDir ?? sandbox!.stateDir;
  let config = OpenClawConfigSchema.parse(options.config);
  const clock = new FakeClock(options.start);
  const turns: AutomationTurnRequest[] = [];
  const sends: ChannelMessage[] = [];
  const chats: unknown[] = [];
  const events: HeartbeatEvent[] = [];
  const workspaceOf = (id: string) => resolveAgent(config, id, { stateDir, env: {} }).workspace;
  const md = options.heartbeatMd === undefined ? "- check the inbox\n" : options.heartbeatMd;
  for (const a of config.agents?.list ?? [{ id: "main" }]) {
    if (md !== null) await writeFile(`${workspaceOf(a.id)}/HEARTBEAT.md`, md);
  }
  const outbound = createOutbound({
    stateDir,
    mainKey: () => undefined,
    now: () => clock.now(),
    broadcast: (event, payload) => {
      if (event === "chat") chats.push(payload);
    },
  });
  outbound.registerChannel("telegram", {
    send: (message) => {
      sends.push(message);
      return Promise.resolve({ messageId: String(sends.length) });
    },
  });
  const store = new HeartbeatStateStore(stateDir);
  const reply = options.reply ?? (() => "HEARTBEAT_OK");
  const runner = new HeartbeatRunner({
    clock,
    now: () => clock.now(),
    config: () => config,
    store,
    workspaceOf,
    mainSessionKey: (id) => buildMainSessionKey(id),
    pendingSystemEvents: () => options.pendingSystemEvents?.() ?? 0,
    isBusy: (id) => options.busy?.(id) ?? false,
    sessionUpdatedAt: () => Promise.resolve(options.sessionUpdatedAt?.()),
    outbound,
    runTurn: (request) => {
      turns.push(request);
      const r = reply(request);
      const result: AutomationTurnResult = {
        runId: `run-${turns.length}`,
        agentId: request.agentId,
        sessionKey: request.sessionKey,
        sessionId: "s1",
        text: "",
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, costUsd: 0.001 },
        model: "fake/m1",
        stopReason: "stop",
        ...(typeof r === "string" ? { text: r } : r),
      };
      return Promise.resolve(result);
    },
    emit: (event) => events.push(event),
    persist: () => store.save(),
  });
  runner.plan();
  return {
    clock,
    runner,
    store,
    config,
    stateDir,
    turns,
    sends,
    chats,
    events,
    async advance(ms, step = 60_000) {
      for (let done = 0; done < ms; done += step) {
        clock.advance(Math.min(step, ms - done));
        await runner.settled();
      }
    },
    outcomes: () => events.map((e) => e.reason ? `${e.status}:${e.reason}` : e.status),
    reload(next) {
      config = OpenClawConfigSchema.parse(next);
      runner.plan();
    },
    async [Symbol.asyncDispose]() {
      runner.stop();
      await runner.settled();
      await sandbox?.[Symbol.asyncDispose]();
    },
  };
}
