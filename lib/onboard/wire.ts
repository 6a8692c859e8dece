/**
 * The `wizard.*` RPC's wire shapes (stock's gateway protocol): params, the step a client renders,
 * and the results of start/next/cancel/status. The session (session.ts) drives the steps; this
 * file only says how they travel.
 *
 * @module
 */
import { z } from "zod";
import type { SessionStatus } from "./session.ts";
import type { StepView } from "./steps.ts";

/** `details.code` when another setup is running (stock's code). */
export const SETUP_ADMISSION_BUSY = "SETUP_ADMISSION_BUSY";

/** Stock's message for a busy setup. */
export const SETUP_ADMISSION_BUSY_MESSAGE =
  "OpenClaw setup is already in progress; try again when it finishes.";

/** `details.code` for an unknown (or someone else's) session id. */
export const WIZARD_NOT_FOUND = "WIZARD_NOT_FOUND";

const SessionId = z.string().min(1).max(128);

/** `wizard.start` params. */
export const WizardStartParams = z.looseObject({
  mode: z.enum(["local", "remote"]).optional(),
  workspace: z.string().min(1).max(4096).optional(),
  installDaemon: z.boolean().optional(),
  flow: z.enum(["setup", "channels"]).optional(),
  channel: z.string().min(1).max(64).optional(),
});

/** `wizard.next` params: an answer to the current step, or none to read it (or pass a note). */
export const WizardNextParams = z.looseObject({
  sessionId: SessionId,
  answer: z.looseObject({
    stepId: z.string().min(1).max(64),
    value: z.unknown().optional(),
  }).optional(),
});

/** `wizard.cancel` / `wizard.status` params. */
export const WizardSessionParams = z.looseObject({ sessionId: SessionId });

/** A step on the wire (stock's `WizardStep`). */
export interface WizardStepWire {
  id: string;
  type: StepView["type"];
  title?: string;
  message?: string;
  options?: { value: unknown; label: string; hint?: string }[];
  initialValue?: unknown;
  placeholder?: string;
  sensitive?: boolean;
  requiresUserInput: boolean;
}

/** The result of `wizard.next` (and, with `sessionId`, `wizard.start`). */
export interface WizardNextResult {
  done: boolean;
  step?: WizardStepWire;
  status?: SessionStatus;
  error?: string;
}

/** Returns the wire form of a step. */
export function stepToWire(view: StepView): WizardStepWire {
  return {
    id: view.id,
    type: view.type,
    ...(view.title ? { title: view.title } : {}),
    message: view.message,
    ...(view.options
      ? {
        options: view.options.map((o) => ({
          value: o.value,
          label: o.label,
          ...(o.hint ? { hint: o.hint } : {}),
        })),
      }
      : {}),
    ...(view.initialValue !== undefined ? { initialValue: view.initialValue } : {}),
    ...(view.placeholder ? { placeholder: view.placeholder } : {}),
    ...(view.sensitive ? { sensitive: true } : {}),
    requiresUserInput: view.type !== "note",
  };
}
