/**
 * The first steps: the security notice, local or remote, the remote gateway's URL and token,
 * how secrets are stored, and the workspace.
 *
 * @module
 */
import { openclawCommand, shortenHome } from "../paths.ts";
import { SECRET_INPUT_MODES } from "./answers.ts";
import {
  boolOf,
  choiceOf,
  fail,
  ok,
  rawAt,
  type StepDef,
  type StepState,
  textOf,
} from "./_step.ts";
import { configuredMode } from "./plan.ts";

/** Shown before anything else; acknowledging it sets `wizard.securityAcknowledgedAt`. */
export const SECURITY_NOTICE = [
  "Security notice: please read.",
  "",
  "OpenClaw runs an AI agent that can read files and run commands when tools are enabled.",
  "Anyone who can message it can try to talk it into doing something unsafe.",
  "",
  "Recommended baseline:",
  "- Keep the Gateway on loopback, or behind token/password auth.",
  "- Use DM pairing or allowlists for chat channels.",
  "- Keep secrets out of the agent's workspace.",
  "",
  "Check regularly: openclaw security audit --deep",
  "Read: https://docs.openclaw.ai/security",
].join("\n");

/** Stock's refusal of `--non-interactive` without `--accept-risk`. */
export function acceptRiskMessage(env?: Record<string, string | undefined>): string {
  return [
    "Non-interactive setup requires explicit risk acknowledgement.",
    "Read: https://docs.openclaw.ai/security",
    `Re-run with: ${openclawCommand("onboard --non-interactive --accept-risk ...", env)}`,
  ].join("\n");
}

/** Returns an error for a URL that is not `ws://` or `wss://`, else undefined. */
export function remoteUrlProblem(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === "ws:" || u.protocol === "wss:") return undefined;
  } catch { /* reported below */ }
  return `Invalid --remote-url "${url.slice(0, 80)}". Use a ws:// or wss:// URL.`;
}

function isLocal(s: StepState): boolean {
  return (s.answers.mode ?? configuredMode(s.ctx.raw) ?? "local") === "local";
}

function isRemote(s: StepState): boolean {
  return !isLocal(s);
}

const risk: StepDef = {
  id: "risk",
  section: "setup",
  key: "acceptRisk",
  applies: (s) => s.ctx.command === "onboard",
  view: () => ({
    id: "risk",
    type: "confirm",
    title: "Security",
    message: `${SECURITY_NOTICE}\n\nI understand this is powerful and inherently risky. Continue?`,
    initialValue: false,
  }),
  accept: (value) => {
    const yes = boolOf(value);
    if (yes === undefined) return fail("Answer yes or no");
    return yes ? ok({ acceptRisk: true }) : { cancel: "Setup cancelled: risk not accepted" };
  },
  auto: (s) => fail(acceptRiskMessage(s.ctx.env)),
};

const mode: StepDef = {
  id: "mode",
  section: "setup",
  key: "mode",
  applies: (s) => s.ctx.command === "onboard" || (s.ctx.sections?.has("gateway") ?? true),
  view: (s) => ({
    id: "mode",
    type: "select",
    title: "Gateway",
    message: "Where will the Gateway run?",
    options: [
      { value: "local", label: "Local gateway (this machine)" },
      { value: "remote", label: "Remote gateway (this CLI connects to it)" },
    ],
    initialValue: configuredMode(s.ctx.raw) ?? "local",
  }),
  accept: (value) => {
    const m = choiceOf(value, ["local", "remote"] as const);
    return m ? ok({ mode: m }) : fail('Choose "local" or "remote"');
  },
  auto: (s) => ok({ mode: configuredMode(s.ctx.raw) ?? "local" }),
};

const remoteUrl: StepDef = {
  id: "remote-url",
  section: "gateway",
  key: "remoteUrl",
  applies: isRemote,
  view: (s) => {
    const current = rawAt(s.ctx.raw, "gateway", "remote", "url");
    return {
      id: "remote-url",
      type: "text",
      message: "Gateway WebSocket URL",
      placeholder: "wss://gateway.example.ts.net",
      ...(typeof current === "string" ? { initialValue: current } : {}),
    };
  },
  accept: (value) => {
    const url = textOf(value) ?? "";
    const problem = url === "" ? "Enter the gateway's ws:// or wss:// URL" : remoteUrlProblem(url);
    return problem ? fail(problem) : ok({ remoteUrl: url });
  },
  auto: (s) => {
    const current = rawAt(s.ctx.raw, "gateway", "remote", "url");
    if (typeof current === "string" && current !== "") return ok({ remoteUrl: current });
    return fail(
      `Missing --remote-url for remote mode. Example: ${
        openclawCommand(
          "onboard --non-interactive --accept-risk --mode remote --remote-url ws://127.0.0.1:3000",
          s.ctx.env,
        )
      }.`,
    );
  },
};

const remoteToken: StepDef = {
  id: "remote-token",
  section: "gateway",
  key: "remoteToken",
  applies: isRemote,
  view: (s) => ({
    id: "remote-token",
    type: "text",
    message: "Gateway token",
    placeholder: rawAt(s.ctx.raw, "gateway", "remote", "token") === undefined
      ? "leave blank if the gateway needs none"
      : "leave blank to keep the current token",
    sensitive: true,
  }),
  accept: (value) => ok({ remoteToken: textOf(value) ?? "" }),
  auto: () => ok({ remoteToken: "" }),
};

const secretMode: StepDef = {
  id: "secret-input-mode",
  section: "setup",
  key: "secretInputMode",
  applies: (s) =>
    s.ctx.sections === undefined ||
    ["model", "gateway", "channels"].some((x) => s.ctx.sections?.has(x as "model")),
  view: (s) => ({
    id: "secret-input-mode",
    type: "select",
    title: "Secrets",
    message: "How should keys and tokens be stored?",
    options: [
      {
        value: "plaintext",
        label: "Plaintext",
        hint: `provider keys in ${shortenHome(`${s.ctx.stateDir}/.env`, s.ctx.env)} (0600)`,
      },
      {
        value: "ref",
        label: "SecretRefs",
        hint: "values in .env, the config only names them (env refs)",
      },
    ],
    initialValue: "plaintext",
  }),
  accept: (value) => {
    const m = choiceOf(value, SECRET_INPUT_MODES);
    return m ? ok({ secretInputMode: m }) : fail('Choose "plaintext" or "ref"');
  },
  auto: () => ok({ secretInputMode: "plaintext" }),
};

function currentWorkspace(s: StepState): string {
  const w = rawAt(s.ctx.raw, "agents", "defaults", "workspace");
  return typeof w === "string" && w.trim() !== ""
    ? w
    : shortenHome(s.ctx.defaultWorkspace, s.ctx.env);
}

const workspace: StepDef = {
  id: "workspace",
  section: "workspace",
  key: "workspace",
  applies: isLocal,
  view: (s) => ({
    id: "workspace",
    type: "text",
    title: "Workspace",
    message: "Workspace directory (the agent's files: AGENTS.md, SOUL.md, memory)",
    initialValue: currentWorkspace(s),
  }),
  accept: (value) => {
    const dir = textOf(value) ?? "";
    if (dir === "") return fail("Enter a directory");
    if (dir.includes("\0")) return fail("The path contains a NUL byte");
    return ok({ workspace: dir });
  },
  auto: (s) => ok({ workspace: currentWorkspace(s) }),
};

/** The setup steps, in order: notice, mode, secret storage, remote target, workspace. */
export const SETUP_STEPS: readonly StepDef[] = [
  risk,
  mode,
  secretMode,
  remoteUrl,
  remoteToken,
  workspace,
];

/** True when the run sets up a local gateway. */
export { isLocal };
