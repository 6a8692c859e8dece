/**
 * The onboarding wizard (`openclaw onboard`, `openclaw configure`, the `wizard.*` RPC): steps as
 * data plus pure functions (steps.ts), a plan of config edits and `.env` variables (plan.ts), a
 * session that walks the steps for any front end (session.ts), and the effects that write,
 * test, install and check (apply.ts, effects.ts).
 *
 * @example Run it without prompts
 * ```ts
 * import { answersFromFlags, cliEffects, loadOnboardContext, OnboardSession } from "./mod.ts";
 * const given = answersFromFlags({ nonInteractive: true, acceptRisk: true, skipHealth: true }, {});
 * const ctx = await loadOnboardContext({ interactive: false });
 * const session = new OnboardSession({ ctx, given, effects: cliEffects() });
 * await session.runAuto();
 * ```
 *
 * @module
 */
export {
  AUTH_CHOICES,
  type AuthChoice,
  ONBOARD_SECTIONS,
  type OnboardAnswers,
  OnboardAnswersSchema,
  type OnboardSection,
} from "./answers.ts";
export { applyOnboarding, type ApplyOutcome, checkAmbientEnv } from "./apply.ts";
export {
  CHANNEL_IDS,
  type ChannelAddInput,
  type ChannelAddPlan,
  planChannelAdd,
} from "./channel_edits.ts";
export {
  type LoadContextOptions,
  loadOnboardContext,
  type OnboardCommand,
  type OnboardContext,
} from "./context.ts";
export {
  cliEffects,
  type EffectResult,
  gatewayEffects,
  type OnboardEffects,
  probeAnswers,
} from "./effects.ts";
export { answersFromFlags, type OnboardFlags } from "./flags.ts";
export { type OnboardPlan, planDiff, planOnboarding, previewPlan } from "./plan.ts";
export { OnboardSession, type OnboardSessionOptions, type SessionStatus } from "./session.ts";
export { findStep, pendingStep, STEPS, type StepView } from "./steps.ts";
