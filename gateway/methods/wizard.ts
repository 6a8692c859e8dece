/**
 * `wizard.start`, `wizard.next`, `wizard.cancel`, `wizard.status`: the onboarding wizard for the
 * dashboard. Each call drives an `OnboardSession` (lib/onboard), the same steps, plan and write
 * as `openclaw onboard`; the gateway offers the key test and the write (it is itself the running
 * gateway, so the service and health steps are the CLI's).
 *
 * One setup runs at a time: a second `wizard.start` gets `UNAVAILABLE` with
 * `details.code: "SETUP_ADMISSION_BUSY"` (stock's), until the first ends or sits idle for 30
 * minutes. A session belongs to the device (or, without one, the connection) that started it;
 * anyone else gets `wizard not found`.
 *
 * @module
 */
import { ADMIN_SCOPE } from "../../lib/protocol/scopes.ts";
import { ErrorCode } from "../../lib/protocol/error_shape.ts";
import { ProtocolError } from "../../lib/protocol/error_map.ts";
import { processEnv } from "../../lib/paths.ts";
import type { OnboardAnswers } from "../../lib/onboard/answers.ts";
import type { OnboardSession } from "../../lib/onboard/session.ts";
import {
  SETUP_ADMISSION_BUSY,
  SETUP_ADMISSION_BUSY_MESSAGE,
  stepToWire,
  WIZARD_NOT_FOUND,
  WizardNextParams,
  type WizardNextResult,
  WizardSessionParams,
  WizardStartParams,
} from "../../lib/onboard/wire.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";
import type { CallerInfo } from "./types.ts";

/** A session with its owner and the time it was last used. */
interface WizardEntry {
  session: OnboardSession;
  owner: string;
  lastUsedMs: number;
}

/** Sessions idle this long no longer hold the setup admission. */
const IDLE_MS = 30 * 60_000;
/** Ended sessions kept for a last `wizard.status` at most. */
const MAX_SESSIONS = 8;

const sessions = new Map<string, WizardEntry>();

function ownerOf(caller: CallerInfo): string {
  return caller.deviceId ? `device:${caller.deviceId}` : `conn:${caller.connId}`;
}

/** Drops ended sessions beyond the bound, oldest first. */
function prune(): void {
  for (const [id, e] of sessions) {
    if (sessions.size <= MAX_SESSIONS) break;
    if (e.session.status !== "running") sessions.delete(id);
  }
}

/** The running session that holds the admission, if any (an idle one is cancelled). */
function admissionHolder(nowMs: number): WizardEntry | undefined {
  for (const e of sessions.values()) {
    if (e.session.status !== "running") continue;
    if (nowMs - e.lastUsedMs < IDLE_MS) return e;
    e.session.cancel("cancelled: idle for 30 minutes");
  }
  return undefined;
}

function find(sessionId: string, caller: CallerInfo, nowMs: number): WizardEntry {
  const entry = sessions.get(sessionId);
  if (!entry || entry.owner !== ownerOf(caller)) {
    throw new ProtocolError(ErrorCode.INVALID_REQUEST, "wizard not found", {
      details: { code: WIZARD_NOT_FOUND },
    });
  }
  entry.lastUsedMs = nowMs;
  return entry;
}

/** The current step, or the end of the session. */
async function resultOf(session: OnboardSession, error?: string): Promise<WizardNextResult> {
  const view = await session.current();
  if (!view) {
    return {
      done: true,
      status: session.status,
      ...(session.error ? { error: session.error } : {}),
    };
  }
  const refused = error ?? view.error;
  return {
    done: false,
    step: stepToWire(view),
    status: "running",
    ...(refused ? { error: refused } : {}),
  };
}

function purgeIfEnded(sessionId: string, result: WizardNextResult): void {
  if (result.done) sessions.delete(sessionId);
}

const wizardStart = defineMethod({
  name: "wizard.start",
  scope: ADMIN_SCOPE,
  params: WizardStartParams,
  handler: async ({ params, caller, state }) => {
    const now = state.clock.now();
    if (admissionHolder(now)) {
      throw new ProtocolError(ErrorCode.UNAVAILABLE, SETUP_ADMISSION_BUSY_MESSAGE, {
        retryable: true,
        details: { code: SETUP_ADMISSION_BUSY },
      });
    }
    const [{ loadOnboardContext }, { gatewayEffects }, { OnboardSession }] = await Promise.all([
      import("../../lib/onboard/context.ts"),
      import("../../lib/onboard/effects.ts"),
      import("../../lib/onboard/session.ts"),
    ]);
    const channels = params.flow === "channels";
    const ctx = await loadOnboardContext({
      command: channels ? "configure" : "onboard",
      frontEnd: "rpc",
      interactive: true,
      env: processEnv(),
      configPath: state.configPath,
      stateDir: state.stateDir,
      now: new Date(now),
      ...(channels ? { sections: new Set(["channels"] as const) } : {}),
    });
    // Another start may have been admitted while the context was read.
    if (admissionHolder(now)) {
      throw new ProtocolError(ErrorCode.UNAVAILABLE, SETUP_ADMISSION_BUSY_MESSAGE, {
        retryable: true,
        details: { code: SETUP_ADMISSION_BUSY },
      });
    }
    const given: OnboardAnswers = {};
    if (params.mode) given.mode = params.mode;
    if (params.workspace) given.workspace = params.workspace;
    if (channels && params.channel) given.channel = params.channel as OnboardAnswers["channel"];
    const session = new OnboardSession({ ctx, given, effects: gatewayEffects() });
    const sessionId = crypto.randomUUID();
    sessions.set(sessionId, { session, owner: ownerOf(caller), lastUsedMs: now });
    prune();
    const result = await resultOf(session);
    purgeIfEnded(sessionId, result);
    return { sessionId, ...result };
  },
});

const wizardNext = defineMethod({
  name: "wizard.next",
  scope: ADMIN_SCOPE,
  params: WizardNextParams,
  handler: async ({ params, caller, state }) => {
    const { session } = find(params.sessionId, caller, state.clock.now());
    let refused: string | undefined;
    if (params.answer) {
      if (session.status !== "running") {
        throw new ProtocolError(ErrorCode.INVALID_REQUEST, "wizard not running");
      }
      refused = await session.answer(params.answer.stepId, params.answer.value);
    } else {
      const view = await session.current();
      if (view?.type === "note") await session.answer(view.id, true);
    }
    const result = await resultOf(session, refused);
    purgeIfEnded(params.sessionId, result);
    return result;
  },
});

const wizardCancel = defineMethod({
  name: "wizard.cancel",
  scope: ADMIN_SCOPE,
  params: WizardSessionParams,
  handler: ({ params, caller, state }) => {
    const { session } = find(params.sessionId, caller, state.clock.now());
    session.cancel();
    sessions.delete(params.sessionId);
    return { status: session.status, ...(session.error ? { error: session.error } : {}) };
  },
});

const wizardStatus = defineMethod({
  name: "wizard.status",
  scope: ADMIN_SCOPE,
  params: WizardSessionParams,
  handler: ({ params, caller, state }) => {
    const { session } = find(params.sessionId, caller, state.clock.now());
    if (session.status !== "running") sessions.delete(params.sessionId);
    return { status: session.status, ...(session.error ? { error: session.error } : {}) };
  },
});

/** The wizard's methods. */
export const wizardMethods: MethodDefinition[] = [
  wizardStart,
  wizardNext,
  wizardCancel,
  wizardStatus,
];
