/**
 * What the wizard does besides deciding: the live key test (one tiny request, at most 8 s),
 * writing the plan, installing the service, and the health check. A front end passes the ones
 * it can offer to the session: the gateway's RPC offers the test and the write, the CLI all.
 *
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import { parseConfigText } from "../config/read.ts";
import { errorMessage } from "../errors.ts";
import { envSecretResolver, type ModelConfigView, resolveCatalog } from "../models/catalog.ts";
import { parseModelRef } from "../models/refs.ts";
import { probeModel } from "../models/probe.ts";
import type { OnboardAnswers } from "./answers.ts";
import { applyOnboarding, type ApplyOutcome } from "./apply.ts";
import type { OnboardContext } from "./context.ts";
import { planOnboarding, previewPlan } from "./plan.ts";
import { keyedProvider } from "./providers.ts";

/** The outcome of the service install or the health check. */
export interface EffectResult {
  ok: boolean;
  message: string;
}

/** The effects a session may run. */
export interface OnboardEffects {
  /** Writes the plan (required). */
  apply(ctx: OnboardContext, answers: OnboardAnswers): Promise<ApplyOutcome>;
  /** Sends one tiny request with the chosen provider; returns why it failed, or undefined. */
  probe?(ctx: OnboardContext, answers: OnboardAnswers): Promise<string | undefined>;
  /** Installs and starts the gateway service. */
  installDaemon?(ctx: OnboardContext, outcome: ApplyOutcome): Promise<EffectResult>;
  /** Checks the gateway answers `health` (waiting a little when the service was just started). */
  health?(
    ctx: OnboardContext,
    outcome: ApplyOutcome,
    daemonStarted: boolean,
  ): Promise<EffectResult>;
}

/**
 * Tests the answers' provider with one tiny completion through the same catalog the gateway
 * builds, bounded by an 8 s deadline.
 *
 * @returns The failure (`auth: ...`, `timeout: ...`), or undefined when the model answered.
 */
export async function probeAnswers(
  ctx: OnboardContext,
  answers: OnboardAnswers,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<string | undefined> {
  try {
    const plan = planOnboarding(ctx, answers);
    const text = previewPlan(ctx.configText, plan, ctx.configPath);
    const config = parseConfigText(text, ctx.configPath) as ModelConfigView;
    const env = { ...ctx.env, ...Object.fromEntries(plan.envVars.map((v) => [v.name, v.value])) };
    const catalog = await resolveCatalog(config, env, { resolveSecret: envSecretResolver(env) });
    const model = plan.model ?? keyedProvider(answers.authChoice)?.defaultModel;
    if (!model) return "no model to test";
    const result = await probeModel(parseModelRef(model), catalog, {
      timeoutMs: options.timeoutMs ?? 8_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (result.status === "ok") return undefined;
    return `${result.status}${result.error ? `: ${result.error}` : ""}`;
  } catch (err) {
    return errorMessage(err);
  }
}

/** Installs the gateway service through lib/service (systemd user unit or LaunchAgent). */
export async function installDaemonEffect(ctx: OnboardContext): Promise<EffectResult> {
  try {
    const { installGatewayService } = await import("../service/lifecycle.ts");
    const outcome = await installGatewayService({ env: ctx.env });
    return { ok: true, message: outcome.message };
  } catch (err) {
    return { ok: false, message: `Service install failed: ${errorMessage(err)}` };
  }
}

/**
 * Calls `health` on the configured gateway; after a service start it retries for up to
 * `waitMs` while the gateway comes up.
 */
export async function healthEffect(
  _ctx: OnboardContext,
  _outcome: ApplyOutcome,
  daemonStarted: boolean,
  options: { waitMs?: number; clock?: Clock } = {},
): Promise<EffectResult> {
  const { BACKEND_READER, withGateway } = await import("../rpc/session.ts");
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + (daemonStarted ? options.waitMs ?? 15_000 : 0);
  let last = "";
  while (true) {
    try {
      const url = await withGateway({}, BACKEND_READER, 3_000, async (client, target) => {
        const summary = await client.call<{ ok?: boolean }>("health", {});
        if (summary?.ok === false) throw new Error("the gateway reports a problem");
        return target.url;
      });
      return { ok: true, message: `Health check: ok (${url})` };
    } catch (err) {
      last = errorMessage(err);
    }
    if (clock.now() >= deadline) break;
    await new Promise((r) => clock.setTimeout(() => r(undefined), 500));
  }
  return { ok: false, message: `Health check failed: ${last}` };
}

/** The CLI's effects: every one. */
export function cliEffects(): OnboardEffects {
  return {
    apply: applyOnboarding,
    probe: (ctx, answers) => probeAnswers(ctx, answers),
    installDaemon: (ctx) => installDaemonEffect(ctx),
    health: (ctx, outcome, started) => healthEffect(ctx, outcome, started),
  };
}

/** The gateway's effects: the key test and the write (it is itself the running gateway). */
export function gatewayEffects(): OnboardEffects {
  return { apply: applyOnboarding, probe: (ctx, answers) => probeAnswers(ctx, answers) };
}
