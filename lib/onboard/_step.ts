/**
 * The shape of one wizard step: data (id, section, the answer it fills, how it is shown) plus
 * pure functions (does it apply, check a value, the answer when nobody is asked).
 *
 * @module
 */
import type { OnboardAnswers, OnboardSection } from "./answers.ts";
import type { OnboardContext } from "./context.ts";

/** How a step is shown (the `wizard.*` RPC's step types). */
export type StepType = "note" | "select" | "text" | "confirm";

/** One choice of a `select` step. */
export interface StepOption {
  value: string;
  label: string;
  hint?: string;
}

/** A step as front ends render it (stock's `WizardStep` wire shape). */
export interface StepView {
  id: string;
  type: StepType;
  title?: string;
  message: string;
  options?: StepOption[];
  initialValue?: string | boolean;
  placeholder?: string;
  /** Input is a secret: do not echo, never put it in `initialValue`. */
  sensitive?: boolean;
}

/** What a step sees. */
export interface StepState {
  ctx: OnboardContext;
  answers: OnboardAnswers;
  /** A live key test can run here. */
  canProbe: boolean;
  /** After the changes were applied: the summary lines. */
  outcomeLines?: string[];
}

/**
 * A step's verdict on a value: answers to merge (a key set to `undefined` counts as answered:
 * "leave it as configured") and answers to forget (asked again), a message to show, or the end
 * of the run.
 */
export type StepResult =
  | { answers: Partial<OnboardAnswers>; clear?: readonly (keyof OnboardAnswers)[] }
  | { error: string }
  | { cancel: string };

/** One step of the wizard. */
export interface StepDef {
  id: string;
  section: OnboardSection;
  /** The answer this step fills; the step is pending until the answers have this key. */
  key: keyof OnboardAnswers;
  /** Whether the step is part of this run (default: always). */
  applies?(s: StepState): boolean;
  /** How the step is shown (the review builds its redacted diff asynchronously). */
  view(s: StepState): StepView | Promise<StepView>;
  /** Checks a value from the front end. */
  accept(value: unknown, s: StepState): StepResult;
  /** The answer under `--non-interactive` (an error names the missing flag). */
  auto(s: StepState): StepResult;
}

/** A result that sets answers. */
export function ok(answers: Partial<OnboardAnswers>): StepResult {
  return { answers };
}

/** A result that refuses the value. */
export function fail(error: string): StepResult {
  return { error };
}

/** Returns the value as a trimmed string, or undefined when it is not a string. */
export function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

/** Returns the value as a boolean (`true`/`false`, or the strings "yes"/"no"). */
export function boolOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "yes" || value === "true") return true;
  if (value === "no" || value === "false") return false;
  return undefined;
}

/** Returns the value when it is one of the options' values. */
export function choiceOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/** Reads a value from the raw config by path; undefined when absent. */
export function rawAt(raw: unknown, ...path: string[]): unknown {
  let cur: unknown = raw;
  for (const k of path) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
