/**
 * The later steps: a first chat channel, the heartbeat, the service and the health check (CLI
 * only), then the review of the diff and the closing summary.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { shortenHome } from "../paths.ts";
import { CHANNEL_IDS, planChannelAdd } from "./channel_edits.ts";
import {
  boolOf,
  choiceOf,
  fail,
  ok,
  rawAt,
  type StepDef,
  type StepResult,
  type StepState,
  textOf,
} from "./_step.ts";
import { isLocal } from "./_steps_setup.ts";
import { planDiff, planOnboarding } from "./plan.ts";

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d)?)+$/;

const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  telegram: "Telegram (bot token from @BotFather)",
  discord: "Discord (bot token)",
  whatsapp: "WhatsApp (link by QR code afterwards)",
  feishu: "Feishu / Lark (app ID and secret)",
  qqbot: "QQ Bot (AppID:AppSecret)",
};

const TOKEN_PROMPTS: Readonly<Record<string, string>> = {
  telegram: "Telegram bot token",
  discord: "Discord bot token",
  qqbot: "QQ Bot credentials (AppID:AppSecret)",
};

function channelCheck(s: StepState, patch: Record<string, string>): StepResult {
  const a = { ...s.answers, ...patch };
  try {
    planChannelAdd(undefined, {
      channel: a.channel ?? "",
      token: a.channelToken || undefined,
      appId: a.channelAppId || undefined,
      appSecret: a.channelAppSecret || undefined,
    });
  } catch (err) {
    // Only the shape of what was typed is checked here; the hint names CLI flags.
    if (err instanceof OpenClawError) return fail(err.message.replace(/--token/g, "the token"));
    throw err;
  }
  return ok(patch);
}

const wantsChannel = (s: StepState, ...ids: string[]) =>
  isLocal(s) && s.answers.channel !== undefined && ids.includes(s.answers.channel);

const channel: StepDef = {
  id: "channel",
  section: "channels",
  key: "channel",
  applies: isLocal,
  view: () => ({
    id: "channel",
    type: "select",
    title: "Channels",
    message: "Connect a chat channel now? (DMs need pairing by default)",
    options: [
      ...CHANNEL_IDS.map((id) => ({ value: id, label: CHANNEL_LABELS[id] })),
      { value: "skip", label: "Skip for now", hint: "later: openclaw channels add" },
    ],
    initialValue: "skip",
  }),
  accept: (value) => {
    const c = choiceOf(value, [...CHANNEL_IDS, "skip"] as const);
    return c ? ok({ channel: c }) : fail(`Choose one of: ${[...CHANNEL_IDS, "skip"].join(", ")}`);
  },
  auto: () => ok({ channel: "skip" }),
};

const channelToken: StepDef = {
  id: "channel-token",
  section: "channels",
  key: "channelToken",
  applies: (s) => wantsChannel(s, "telegram", "discord", "qqbot"),
  view: (s) => ({
    id: "channel-token",
    type: "text",
    message: Object.hasOwn(TOKEN_PROMPTS, s.answers.channel ?? "")
      ? TOKEN_PROMPTS[s.answers.channel ?? ""]
      : "Token",
    sensitive: true,
  }),
  accept: (value, s) => {
    const t = textOf(value) ?? "";
    return t === "" ? fail("Enter the token") : channelCheck(s, { channelToken: t });
  },
  auto: () => fail("Missing the channel token"),
};

const channelAppId: StepDef = {
  id: "channel-app-id",
  section: "channels",
  key: "channelAppId",
  applies: (s) => wantsChannel(s, "feishu"),
  view: () => ({ id: "channel-app-id", type: "text", message: "Feishu app ID" }),
  accept: (value) => {
    const t = textOf(value) ?? "";
    return t === "" ? fail("Enter the app ID") : ok({ channelAppId: t });
  },
  auto: () => fail("Missing the Feishu app ID"),
};

const channelAppSecret: StepDef = {
  id: "channel-app-secret",
  section: "channels",
  key: "channelAppSecret",
  applies: (s) => wantsChannel(s, "feishu"),
  view: () => ({
    id: "channel-app-secret",
    type: "text",
    message: "Feishu app secret",
    sensitive: true,
  }),
  accept: (value, s) => {
    const t = textOf(value) ?? "";
    return t === "" ? fail("Enter the app secret") : channelCheck(s, { channelAppSecret: t });
  },
  auto: () => fail("Missing the Feishu app secret"),
};

function currentHeartbeat(s: StepState, key: string): string | undefined {
  const v = rawAt(s.ctx.raw, "agents", "defaults", "heartbeat", key);
  return typeof v === "string" ? v : typeof v === "number" ? `${v}m` : undefined;
}

const heartbeatEvery: StepDef = {
  id: "heartbeat-every",
  section: "heartbeat",
  key: "heartbeatEvery",
  applies: isLocal,
  view: (s) => ({
    id: "heartbeat-every",
    type: "text",
    title: "Heartbeat",
    message: "Heartbeat interval: a check-in turn the agent runs on its own (30m, 1h, or off)",
    initialValue: currentHeartbeat(s, "every") ?? "30m",
  }),
  accept: (value) => {
    const v = (textOf(value) ?? "").toLowerCase();
    if (v === "off" || v === "0" || v === "0m") return ok({ heartbeatEvery: "off" });
    return DURATION.test(v)
      ? ok({ heartbeatEvery: v })
      : fail('Use a duration like "30m" or "off"');
  },
  // Without a question the heartbeat is left as configured.
  auto: () => ok({ heartbeatEvery: undefined }),
};

const heartbeatTarget: StepDef = {
  id: "heartbeat-target",
  section: "heartbeat",
  key: "heartbeatTarget",
  applies: (s) => isLocal(s) && s.answers.heartbeatEvery !== "off",
  view: (s) => {
    const chosen = s.answers.channel && s.answers.channel !== "skip" ? s.answers.channel : "";
    return {
      id: "heartbeat-target",
      type: "select",
      message: "Where should heartbeat alerts go?",
      options: [
        {
          value: "none",
          label: "Nowhere",
          hint: "run silently; see openclaw system heartbeat last",
        },
        { value: "last", label: "The last chat that messaged the agent" },
        ...(chosen ? [{ value: chosen, label: `The ${chosen} channel` }] : []),
      ],
      initialValue: currentHeartbeat(s, "target") ?? "none",
    };
  },
  accept: (value) => {
    const t = textOf(value) ?? "";
    return /^[a-z][a-z0-9_-]*$/.test(t) ? ok({ heartbeatTarget: t }) : fail("Choose a target");
  },
  auto: () => ok({ heartbeatTarget: undefined }),
};

const cliLocal = (s: StepState) => isLocal(s) && s.ctx.frontEnd === "cli";

const installDaemon: StepDef = {
  id: "install-daemon",
  section: "daemon",
  key: "installDaemon",
  applies: cliLocal,
  view: () => ({
    id: "install-daemon",
    type: "confirm",
    title: "Service",
    message: "Install the gateway as a service (systemd user unit / LaunchAgent)?",
    initialValue: true,
  }),
  accept: (value) => {
    const b = boolOf(value);
    return b === undefined ? fail("Answer yes or no") : ok({ installDaemon: b });
  },
  auto: () => ok({ installDaemon: false }),
};

const health: StepDef = {
  id: "health",
  section: "health",
  key: "runHealth",
  applies: cliLocal,
  view: () => ({
    id: "health",
    type: "confirm",
    message: "Run a health check against the gateway at the end?",
    initialValue: true,
  }),
  accept: (value) => {
    const b = boolOf(value);
    return b === undefined ? fail("Answer yes or no") : ok({ runHealth: b });
  },
  auto: () => ok({ runHealth: true }),
};

/** The review text: the diff (secrets masked) and the `.env` variables. */
export async function reviewMessage(s: StepState): Promise<string> {
  const plan = planOnboarding(s.ctx, s.answers);
  const diff = await planDiff(s.ctx.configText, plan, s.ctx.configPath, s.ctx.env);
  const file = shortenHome(s.ctx.configPath, s.ctx.env);
  const lines = [diff.trimEnd() || `No changes to ${file}.`];
  if (plan.envVars.length) {
    const env = shortenHome(`${s.ctx.stateDir}/.env`, s.ctx.env);
    lines.push("", `${env} (0600): ${plan.envVars.map((v) => v.name).join(", ")}`);
  }
  if (plan.workspace) {
    lines.push("", `Workspace: ${shortenHome(plan.workspace, s.ctx.env)}`);
  }
  return lines.join("\n");
}

const review: StepDef = {
  id: "review",
  section: "setup",
  key: "confirmed",
  view: async (s) => ({
    id: "review",
    type: "confirm",
    title: "Review",
    message: `${await reviewMessage(s)}\n\nWrite these changes?`,
    initialValue: true,
  }),
  accept: (value) => {
    const b = boolOf(value);
    if (b === undefined) return fail("Answer yes or no");
    return b ? ok({ confirmed: true }) : { cancel: "Cancelled: nothing was written" };
  },
  auto: () => ok({ confirmed: true }),
};

const summary: StepDef = {
  id: "summary",
  section: "setup",
  key: "finished",
  applies: (s) => s.outcomeLines !== undefined,
  view: (s) => ({
    id: "summary",
    type: "note",
    title: "Done",
    message: (s.outcomeLines ?? []).join("\n"),
  }),
  accept: () => ok({ finished: true }),
  auto: () => ok({ finished: true }),
};

/** The steps after the gateway's, in order. */
export const FINISH_STEPS: readonly StepDef[] = [
  channel,
  channelToken,
  channelAppId,
  channelAppSecret,
  heartbeatEvery,
  heartbeatTarget,
  installDaemon,
  health,
  review,
  summary,
];
