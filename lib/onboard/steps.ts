/**
 * The wizard's steps as one ordered table, and the pure functions that walk it: which step is
 * next, what a value does to the answers. Both front ends (the CLI prompts and the `wizard.*`
 * RPC) and `--non-interactive` use exactly these.
 *
 * @module
 */
import type { OnboardAnswers } from "./answers.ts";
import type { StepDef, StepResult, StepState } from "./_step.ts";
import { GATEWAY_STEPS } from "./_steps_gateway.ts";
import { FINISH_STEPS } from "./_steps_finish.ts";
import { MODEL_STEPS } from "./_steps_model.ts";
import { SETUP_STEPS } from "./_steps_setup.ts";

export type { StepDef, StepOption, StepResult, StepState, StepType, StepView } from "./_step.ts";

/** Every step, in the order they are asked. */
export const STEPS: readonly StepDef[] = [
  ...SETUP_STEPS,
  ...MODEL_STEPS,
  ...GATEWAY_STEPS,
  ...FINISH_STEPS,
];

const BY_ID: ReadonlyMap<string, StepDef> = new Map(STEPS.map((d) => [d.id, d]));
const STEP_KEYS: ReadonlySet<string> = new Set(STEPS.map((d) => d.key));

/** Returns the step with this id (a `Map` lookup: prototype names are unknown ids). */
export function findStep(id: string): StepDef | undefined {
  return BY_ID.get(id);
}

/** True when `def` belongs to the sections this run covers (`configure --section`). */
export function inSections(def: StepDef, s: StepState): boolean {
  const sections = s.ctx.sections;
  return sections === undefined || def.section === "setup" || sections.has(def.section);
}

/** True when `def` still needs an answer in this run. */
export function isPending(def: StepDef, s: StepState): boolean {
  return inSections(def, s) && (def.applies?.(s) ?? true) && !Object.hasOwn(s.answers, def.key);
}

/** The next step to ask, or undefined when every step that applies is answered. */
export function pendingStep(s: StepState): StepDef | undefined {
  return STEPS.find((d) => isPending(d, s));
}

/** Returns the answers after a step's result (errors and cancels change nothing). */
export function mergeResult(answers: OnboardAnswers, result: StepResult): OnboardAnswers {
  if (!("answers" in result)) return answers;
  const next: OnboardAnswers = { ...answers, ...result.answers };
  for (const key of result.clear ?? []) delete next[key];
  return next;
}

/**
 * Splits answers given up front (flags, `wizard.start` params) into those without a step, which
 * apply as they are, and those a step owns, which that step checks when its turn comes.
 */
export function splitGiven(
  given: OnboardAnswers,
): { settled: OnboardAnswers; owned: OnboardAnswers } {
  const settled: Record<string, unknown> = {};
  const owned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    (STEP_KEYS.has(k) ? owned : settled)[k] = v;
  }
  return { settled: settled as OnboardAnswers, owned: owned as OnboardAnswers };
}
