/**
 * The terminal front end of the wizard: renders each step of an `OnboardSession` with clack
 * prompts and hands the answers back. Loaded only on a terminal, so scripted runs never load
 * clack. Used by `onboard` and `configure`.
 *
 * @module
 */
import * as p from "@clack/prompts";
import { ExitCode } from "../../lib/errors.ts";
import type { OnboardAnswers, OnboardSection } from "../../lib/onboard/answers.ts";
import type { OnboardCommand } from "../../lib/onboard/context.ts";
import type { OnboardSession } from "../../lib/onboard/session.ts";
import type { StepView } from "../../lib/onboard/steps.ts";

/** Options for {@linkcode runPrompts}. */
export interface PromptRunOptions {
  command: OnboardCommand;
  given?: OnboardAnswers;
  sections?: ReadonlySet<OnboardSection>;
}

class Cancelled extends Error {}

function answer<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new Cancelled();
  return value as T;
}

/** Splits a long step message: everything before the last paragraph is shown as a note. */
function splitMessage(message: string): { note?: string; question: string } {
  const at = message.lastIndexOf("\n\n");
  return at < 0
    ? { question: message }
    : { note: message.slice(0, at), question: message.slice(at + 2) };
}

async function ask(view: StepView): Promise<unknown> {
  const { note, question } = splitMessage(view.message);
  if (view.type === "note") {
    p.note(view.message, view.title);
    return true;
  }
  if (note) p.note(note, view.title);
  switch (view.type) {
    case "confirm":
      return answer(
        await p.confirm({ message: question, initialValue: view.initialValue !== false }),
      );
    case "select":
      return answer(
        await p.select({
          message: question,
          options: (view.options ?? []).map((o) => ({
            value: o.value,
            label: o.label,
            ...(o.hint ? { hint: o.hint } : {}),
          })),
          ...(typeof view.initialValue === "string" ? { initialValue: view.initialValue } : {}),
        }),
      );
    case "text":
      if (view.sensitive) {
        const hint = view.placeholder ? ` (${view.placeholder})` : "";
        return answer(await p.password({ message: `${question}${hint}`, mask: "*" })) ?? "";
      }
      return answer(
        await p.text({
          message: question,
          ...(view.placeholder ? { placeholder: view.placeholder } : {}),
          ...(typeof view.initialValue === "string" ? { initialValue: view.initialValue } : {}),
        }),
      ) ?? "";
  }
}

/** Steps whose answer starts work worth a spinner. */
const SLOW: Readonly<Record<string, string>> = {
  verify: "Sending a test request",
  review: "Writing the config",
};

async function walk(session: OnboardSession): Promise<void> {
  while (true) {
    const view = await session.current();
    if (!view) return;
    if (view.error) p.log.error(view.error);
    const value = await ask(view);
    const slow = value === true && Object.hasOwn(SLOW, view.id) ? SLOW[view.id] : undefined;
    const spin = slow ? p.spinner() : undefined;
    spin?.start(slow);
    const refused = await session.answer(view.id, value);
    spin?.stop(slow ? `${slow}: done` : undefined);
    if (refused) p.log.error(refused);
  }
}

/**
 * Runs the wizard on the terminal and returns the exit code.
 *
 * @throws the error that failed the run (invalid config, a write refused), for the CLI to report.
 */
export async function runPrompts(options: PromptRunOptions): Promise<number> {
  const { loadOnboardContext } = await import("../../lib/onboard/context.ts");
  const { cliEffects } = await import("../../lib/onboard/effects.ts");
  const { OnboardSession } = await import("../../lib/onboard/session.ts");
  p.intro(options.command === "configure" ? "OpenClaw configure" : "OpenClaw onboarding");
  const ctx = await loadOnboardContext({
    command: options.command,
    interactive: true,
    ...(options.sections ? { sections: options.sections } : {}),
  });
  const session = new OnboardSession({ ctx, given: options.given, effects: cliEffects() });
  try {
    await walk(session);
  } catch (err) {
    if (!(err instanceof Cancelled)) throw err;
    session.cancel("Cancelled: nothing was written");
  }
  if (session.status === "error") throw session.failure;
  if (session.status === "cancelled") {
    p.cancel(session.error ?? "Cancelled: nothing was written");
    return ExitCode.failed;
  }
  p.outro(
    session.health?.ok === false || session.daemon?.ok === false
      ? "Set up, with problems above."
      : "All set.",
  );
  return session.health?.ok === false || session.daemon?.ok === false
    ? ExitCode.failed
    : ExitCode.ok;
}
