/**
 * One run of the wizard as a state machine over the step table: it hands out the next step,
 * takes answers, runs the key test and, once the diff is accepted, writes everything and offers
 * the summary. The CLI renders its steps with prompts (or answers them from flags), the
 * `wizard.*` RPC sends them to the dashboard: same steps, same plan, same file.
 *
 * @module
 */
import { errorMessage, ExitCode, OpenClawError } from "../errors.ts";
import { openclawCommand, shortenHome } from "../paths.ts";
import type { OnboardAnswers } from "./answers.ts";
import type { ApplyOutcome } from "./apply.ts";
import type { OnboardContext } from "./context.ts";
import type { EffectResult, OnboardEffects } from "./effects.ts";
import { keyedProvider } from "./providers.ts";
import {
  mergeResult,
  pendingStep,
  splitGiven,
  type StepDef,
  type StepResult,
  type StepState,
  type StepView,
} from "./steps.ts";

/** Where a session is (stock's wizard run status). */
export type SessionStatus = "running" | "done" | "cancelled" | "error";

/** Options for {@linkcode OnboardSession}. */
export interface OnboardSessionOptions {
  ctx: OnboardContext;
  /** Answers known up front (flags, `wizard.start` params); steps still check them. */
  given?: OnboardAnswers;
  effects: OnboardEffects;
}

/** The error for an answer to a step that is not the current one. */
function mismatch(expected: string | undefined, got: string): OpenClawError {
  return new OpenClawError(
    "WIZARD_ANSWER_INVALID",
    expected ? `wizard is waiting for step "${expected}", not "${got}"` : "wizard has no open step",
    { exitCode: ExitCode.usage },
  );
}

/** A wizard run. */
export class OnboardSession {
  readonly ctx: OnboardContext;
  readonly #effects: OnboardEffects;
  #answers: OnboardAnswers;
  #owned: OnboardAnswers;
  #status: SessionStatus = "running";
  #error: string | undefined;
  #failure: unknown;
  #outcome: ApplyOutcome | undefined;
  #daemon: EffectResult | undefined;
  #health: EffectResult | undefined;
  #outcomeLines: string[] | undefined;
  /** A given answer a step refused: shown with that step when it is asked. */
  #givenError: { stepId: string; error: string } | undefined;
  /** An answer is being processed (a key test or the write may take seconds). */
  #busy = false;

  constructor(options: OnboardSessionOptions) {
    this.ctx = options.ctx;
    this.#effects = options.effects;
    const { settled, owned } = splitGiven(options.given ?? {});
    this.#answers = settled;
    this.#owned = owned;
  }

  /** `running` until done, cancelled or failed. */
  get status(): SessionStatus {
    return this.#status;
  }

  /** Why the session was cancelled or failed. */
  get error(): string | undefined {
    return this.#error;
  }

  /** The error that failed the session (for the CLI's exit code). */
  get failure(): unknown {
    return this.#failure;
  }

  /** The answers so far (a copy). */
  get answers(): OnboardAnswers {
    return { ...this.#answers };
  }

  /** What was written, once the diff was accepted. */
  get outcome(): ApplyOutcome | undefined {
    return this.#outcome;
  }

  /** The service install's result, if one ran. */
  get daemon(): EffectResult | undefined {
    return this.#daemon;
  }

  /** The closing summary (never a secret), once everything was written. */
  get summary(): readonly string[] | undefined {
    return this.#outcomeLines;
  }

  /** The health check's result, if one ran. */
  get health(): EffectResult | undefined {
    return this.#health;
  }

  #state(): StepState {
    return {
      ctx: this.ctx,
      answers: this.#answers,
      canProbe: this.#effects.probe !== undefined,
      ...(this.#outcomeLines ? { outcomeLines: this.#outcomeLines } : {}),
    };
  }

  /** The pending step after answering what was given; an invalid given answer is dropped. */
  #next(): StepDef | undefined {
    while (this.#status === "running") {
      const def = pendingStep(this.#state());
      if (!def) {
        this.#status = "done";
        return undefined;
      }
      if (!Object.hasOwn(this.#owned, def.key)) return def;
      const value = this.#owned[def.key];
      delete this.#owned[def.key];
      const result = def.accept(value, this.#state());
      if ("error" in result) {
        this.#givenError = { stepId: def.id, error: result.error };
        return def;
      }
      this.#take(result);
    }
    return undefined;
  }

  #take(result: StepResult): void {
    if ("cancel" in result) {
      this.#status = "cancelled";
      this.#error = result.cancel;
      return;
    }
    this.#answers = mergeResult(this.#answers, result);
  }

  /**
   * The step to show now, or undefined once the session is not running. `error` carries why a
   * value given up front for this step was refused.
   */
  async current(): Promise<(StepView & { error?: string }) | undefined> {
    const def = this.#next();
    if (!def) return undefined;
    const view = await def.view(this.#state());
    const given = this.#givenError?.stepId === def.id ? this.#givenError.error : undefined;
    return given ? { ...view, error: given } : view;
  }

  /**
   * Answers the current step. Returns a message when the value is refused (the same step is
   * asked again); runs the key test and, for the review, writes everything.
   *
   * @throws {OpenClawError} `WIZARD_ANSWER_INVALID` for a step that is not the current one,
   *   `WIZARD_BUSY_CONFLICT` while the previous answer is still being processed.
   */
  async answer(stepId: string, value: unknown): Promise<string | undefined> {
    if (this.#busy) {
      throw new OpenClawError("WIZARD_BUSY_CONFLICT", "wizard is still processing the last answer");
    }
    const def = this.#next();
    if (!def || def.id !== stepId) throw mismatch(def?.id, stepId);
    this.#givenError = undefined;
    const result = def.accept(value, this.#state());
    if ("error" in result) return result.error;
    this.#busy = true;
    try {
      await this.#after(def, result);
    } finally {
      this.#busy = false;
    }
    return undefined;
  }

  /**
   * Answers every step without asking: given values first, else each step's default.
   *
   * @throws {OpenClawError} `USAGE` naming the missing or refused flag; the apply errors.
   */
  async runAuto(): Promise<void> {
    while (true) {
      const def = this.#next();
      if (!def) break;
      const refused = this.#givenError;
      if (refused) throw new OpenClawError("USAGE", refused.error, { exitCode: ExitCode.usage });
      const result = def.auto(this.#state());
      if ("error" in result) {
        throw new OpenClawError("USAGE", result.error, { exitCode: ExitCode.usage });
      }
      await this.#after(def, result);
    }
    if (this.#status === "error") throw this.#failure;
    if (this.#status === "cancelled") {
      throw new OpenClawError("WIZARD_CANCELLED", this.#error ?? "cancelled");
    }
  }

  async #after(def: StepDef, result: StepResult): Promise<void> {
    this.#take(result);
    if (this.#status !== "running") return;
    if (def.key === "verifyKey" && this.#answers.verifyKey && this.#effects.probe) {
      const failed = await this.#effects.probe(this.ctx, this.#answers);
      this.#answers = { ...this.#answers, verifyFailed: failed ?? "" };
    }
    if (def.key === "confirmed" && this.#answers.confirmed) await this.#finish();
  }

  async #finish(): Promise<void> {
    try {
      this.#outcome = await this.#effects.apply(this.ctx, this.#answers);
    } catch (err) {
      this.#status = "error";
      this.#error = errorMessage(err);
      this.#failure = err;
      return;
    }
    const local = this.#outcome.plan.mode === "local";
    if (local && this.#answers.installDaemon && this.#effects.installDaemon) {
      this.#daemon = await this.#effects.installDaemon(this.ctx, this.#outcome);
    }
    if (local && this.#answers.runHealth && this.#effects.health) {
      this.#health = await this.#effects.health(
        this.ctx,
        this.#outcome,
        this.#daemon?.ok ?? false,
      );
    }
    this.#outcomeLines = this.#summary(this.#outcome);
  }

  /** Cancels a running session; returns false when it had already ended. */
  cancel(reason = "cancelled"): boolean {
    if (this.#status !== "running") return false;
    this.#status = "cancelled";
    this.#error = reason;
    return true;
  }

  #summary(outcome: ApplyOutcome): string[] {
    const env = this.ctx.env;
    const a = this.#answers;
    const plan = outcome.plan;
    const cmd = (rest: string) => openclawCommand(rest, env);
    const lines = [
      `Config: ${shortenHome(outcome.configPath, env)} (${
        outcome.changed ? "written, comments kept" : "unchanged"
      })`,
    ];
    if (outcome.envFile && plan.envVars.length) {
      lines.push(
        `Secrets: ${shortenHome(outcome.envFile, env)} (0600): ${
          plan.envVars.map((v) => v.name).join(", ")
        }`,
      );
    }
    if (outcome.workspace) lines.push(`Workspace: ${shortenHome(outcome.workspace, env)}`);
    if (plan.model) lines.push(`Model: ${plan.model}`);
    if (plan.mode === "local" && a.gatewayPort !== undefined) {
      lines.push(
        `Gateway: ws://127.0.0.1:${a.gatewayPort} (bind ${a.gatewayBind ?? "loopback"}, auth ${
          a.gatewayAuth ?? "token"
        }${plan.tokenGenerated ? ", new token generated" : ""})`,
      );
    }
    if (plan.mode === "remote") lines.push(`Gateway: remote, ${a.remoteUrl ?? ""}`);
    lines.push(...plan.notes);
    const keyed = keyedProvider(a.authChoice);
    if ((keyed && a.apiKey) || a.authChoice === "custom-api-key") {
      if (a.verifyKey && !a.verifyFailed) lines.push("Model test: ok");
      else if (a.verifyFailed) lines.push(`Model test failed (${a.verifyFailed}); saved anyway`);
      else lines.push(`Model test skipped; check it with: ${cmd("models status --probe")}`);
    }
    if (this.ctx.frontEnd === "rpc" && outcome.envVarsWritten.length) {
      // The running gateway read its environment when it started.
      lines.push(`Restart the gateway to load the new keys: ${cmd("gateway restart")}`);
    }
    if (this.#daemon) lines.push(this.#daemon.message);
    if (this.#health) lines.push(this.#health.message);
    lines.push("", "Next:");
    if (plan.mode === "remote") {
      lines.push(`  ${cmd("gateway status")}`);
    } else {
      if (!this.#daemon?.ok) {
        lines.push(`  ${cmd("gateway")}   (or as a service: ${cmd("gateway install")})`);
      }
      if (!a.skipUi) lines.push(`  ${cmd("dashboard")}`);
      if (a.channel === undefined || a.channel === "skip") {
        lines.push(`  ${cmd("channels add --channel telegram --token <token>")}`);
      }
    }
    return lines;
  }
}
