/**
 * From answers to changes: the config edits (applied with comments kept), the variables for
 * `~/.openclaw/.env`, and the secrets to mask wherever the plan is shown. Pure: the same context
 * and answers always give the same plan, which is how the CLI and the `wizard.*` RPC write the
 * same config for the same answers.
 *
 * Where secrets go:
 * - a built-in provider's key goes to `~/.openclaw/.env` (the chapter's recommended place, which
 *   the service reads too); with `--secret-input-mode ref` the config also names it with an env
 *   SecretRef (`models.providers.<id>.apiKey`), so `secrets audit` sees where it lives;
 * - a custom provider's key and the gateway's token/password are written in the config in
 *   plaintext mode, and to `.env` behind an env SecretRef in ref mode;
 * - a channel's token is written like `channels add` writes it (plaintext), or behind a ref.
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "../config/edit.ts";
import { getAtPath, type PathSegment } from "../config/path.ts";
import { parseConfigText } from "../config/read.ts";
import { knownSecretValues, redactConfigText } from "../config/redact.ts";
import type { SecretRef } from "../config/secret_ref.ts";
import { unifiedDiff } from "../doctor/diff.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { expandHome, shortenHome } from "../paths.ts";
import { maskSecrets } from "../secrets/mask.ts";
import type { OnboardAnswers } from "./answers.ts";
import { planChannelAdd } from "./channel_edits.ts";
import type { OnboardContext } from "./context.ts";
import {
  CUSTOM_API_KEY_ENV,
  CUSTOM_APIS,
  customProviderIdFor,
  keyedProvider,
} from "./providers.ts";

/** A variable to store in `<stateDir>/.env`. */
export interface EnvVarWrite {
  name: string;
  value: string;
  /** The flag or prompt it came from, for error messages. */
  source: string;
}

/** What one run will change. */
export interface OnboardPlan {
  mode: "local" | "remote";
  edits: ConfigEdit[];
  envVars: EnvVarWrite[];
  /** Every secret value in the plan: masked in diffs and summaries. */
  secrets: string[];
  /** The workspace to create (local mode). */
  workspace?: string;
  /** `provider/model` set as the default model, if any. */
  model?: string;
  /** The gateway auth mode written, if any. */
  gatewayAuth?: "token" | "password";
  /** True when this run generated the gateway token. */
  tokenGenerated: boolean;
  /** Lines for the summary (never a secret). */
  notes: string[];
}

const CHANNEL_SECRET_VARS: Readonly<Record<string, string>> = {
  "telegram.botToken": "TELEGRAM_BOT_TOKEN",
  "discord.token": "DISCORD_BOT_TOKEN",
  "qqbot.clientSecret": "QQBOT_CLIENT_SECRET",
  "feishu.appSecret": "FEISHU_APP_SECRET",
};

function envRef(id: string): SecretRef {
  return { source: "env", provider: "default", id };
}

function at(raw: unknown, path: readonly PathSegment[]): unknown {
  const hit = getAtPath(raw, path);
  return hit.found ? hit.value : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The configured `gateway.mode`, if it is a known one. */
export function configuredMode(raw: unknown): "local" | "remote" | undefined {
  const mode = at(raw, ["gateway", "mode"]);
  return mode === "local" || mode === "remote" ? mode : undefined;
}

/** Collects edits and secrets while the plan is built. */
class PlanBuilder {
  readonly edits: ConfigEdit[] = [];
  readonly envVars: EnvVarWrite[] = [];
  readonly secrets: string[] = [];
  readonly notes: string[] = [];
  constructor(readonly ctx: OnboardContext, readonly refMode: boolean) {}

  set(path: PathSegment[], value: unknown): void {
    this.edits.push({ op: "set", path, value });
  }

  unset(path: PathSegment[]): void {
    if (getAtPath(this.ctx.raw, path).found) this.edits.push({ op: "unset", path });
  }

  /** Records `value` for `.env` under `name` and returns the ref that reads it. */
  toEnv(name: string, value: string, source: string): SecretRef {
    this.secret(value);
    if (!this.envVars.some((v) => v.name === name)) this.envVars.push({ name, value, source });
    return envRef(name);
  }

  /** The value to write for a secret: itself, or an env ref in ref mode. */
  secretInput(name: string, value: string, source: string): string | SecretRef {
    this.secret(value);
    return this.refMode ? this.toEnv(name, value, source) : value;
  }

  secret(value: string): void {
    if (value !== "" && !this.secrets.includes(value)) this.secrets.push(value);
  }
}

function checkDefaultEnvProvider(ctx: OnboardContext): void {
  const provider = at(ctx.raw, ["secrets", "providers", "default"]);
  if (isRecord(provider) && provider.source !== undefined && provider.source !== "env") {
    throw new OpenClawError(
      "SECRET_PROVIDER_CONFLICT",
      `Cannot store SecretRefs through provider "default": it is a ${
        String(provider.source)
      } provider`,
      { exitCode: ExitCode.usage, hint: "Use --secret-input-mode plaintext, or rename it" },
    );
  }
}

function planModel(b: PlanBuilder, a: OnboardAnswers, out: { model?: string }): void {
  const ctx = b.ctx;
  const keyed = keyedProvider(a.authChoice);
  const currentModel = at(ctx.raw, ["agents", "defaults", "model"]);
  if (keyed) {
    const key = a.apiKey ?? "";
    const base = ["models", "providers", keyed.provider];
    if (key !== "") {
      const ref = b.toEnv(keyed.envVar, key, keyed.flag);
      const block = at(ctx.raw, base);
      if (b.refMode) {
        if (isRecord(block)) {
          if (typeof block.baseUrl !== "string") b.set([...base, "baseUrl"], keyed.baseUrl);
          b.set([...base, "apiKey"], ref);
        } else {
          b.set(base, { baseUrl: keyed.baseUrl, apiKey: ref });
        }
      } else if (isRecord(block) && block.apiKey !== undefined) {
        // A key in the config wins over the environment: drop it so the new one is used.
        b.unset([...base, "apiKey"]);
      }
      b.notes.push(
        `${keyed.label}: stored in ${
          shortenHome(`${ctx.stateDir}/.env`, ctx.env)
        } as ${keyed.envVar}${b.refMode ? ` (config: SecretRef env:default:${keyed.envVar})` : ""}`,
      );
    }
    if (currentModel === undefined) {
      b.set(["agents", "defaults", "model"], keyed.defaultModel);
      out.model = keyed.defaultModel;
    } else {
      b.notes.push(
        `agents.defaults.model is kept; switch with: openclaw models set ${keyed.defaultModel}`,
      );
    }
    return;
  }
  if (a.authChoice !== "custom-api-key") return;
  const baseUrl = (a.customBaseUrl ?? "").trim();
  const modelId = (a.customModelId ?? "").trim();
  const id = a.customProviderId?.trim() || customProviderIdFor(baseUrl);
  const api = CUSTOM_APIS.get(a.customCompatibility ?? "openai") ?? "openai-completions";
  const base = ["models", "providers", id];
  const key = a.apiKey ?? "";
  const apiKey = key === ""
    ? undefined
    : b.secretInput(CUSTOM_API_KEY_ENV, key, "--custom-api-key");
  const block = at(ctx.raw, base);
  const model = { id: modelId, name: modelId };
  if (isRecord(block)) {
    b.set([...base, "baseUrl"], baseUrl);
    b.set([...base, "api"], api);
    if (apiKey !== undefined) b.set([...base, "apiKey"], apiKey);
    const models = Array.isArray(block.models) ? block.models : undefined;
    if (!models) b.set([...base, "models"], [model]);
    else if (!models.some((m) => isRecord(m) && m.id === modelId)) {
      b.set([...base, "models", models.length], model);
    }
  } else {
    b.set(base, { baseUrl, api, ...(apiKey !== undefined ? { apiKey } : {}), models: [model] });
  }
  out.model = `${id}/${modelId}`;
  b.set(["agents", "defaults", "model"], out.model);
}

function planGatewayAuth(b: PlanBuilder, a: OnboardAnswers): { generated: boolean } {
  const ctx = b.ctx;
  const auth = ["gateway", "auth"];
  if (a.gatewayAuth === "password") {
    const given = a.gatewayPassword ?? "";
    b.set([...auth, "mode"], "password");
    if (given !== "") {
      b.set(
        [...auth, "password"],
        b.secretInput("OPENCLAW_GATEWAY_PASSWORD", given, "--gateway-password"),
      );
    }
    return { generated: false };
  }
  if (a.gatewayAuth !== "token") return { generated: false };
  b.set([...auth, "mode"], "token");
  if (a.gatewayTokenRefEnv) {
    b.set([...auth, "token"], envRef(a.gatewayTokenRefEnv));
    return { generated: false };
  }
  const existing = at(ctx.raw, [...auth, "token"]);
  const given = a.gatewayToken ?? "";
  if (given === "" && existing !== undefined && existing !== "") {
    return { generated: false }; // keep the configured token (plaintext or SecretRef)
  }
  // Stock's order: the flag, the configured token (kept above), OPENCLAW_GATEWAY_TOKEN, a new one.
  const ambient = ctx.env.OPENCLAW_GATEWAY_TOKEN?.trim() ?? "";
  const token = given || ambient || ctx.generatedToken;
  const source = given ? "--gateway-token" : ambient ? "OPENCLAW_GATEWAY_TOKEN" : "generated token";
  b.set([...auth, "token"], b.secretInput("OPENCLAW_GATEWAY_TOKEN", token, source));
  return { generated: !given && !ambient };
}

function planChannel(b: PlanBuilder, a: OnboardAnswers): void {
  if (a.channel === undefined || a.channel === "skip") return;
  const channels = at(b.ctx.raw, ["channels"]);
  const plan = planChannelAdd(isRecord(channels) ? channels : undefined, {
    channel: a.channel,
    token: a.channelToken || undefined,
    appId: a.channelAppId || undefined,
    appSecret: a.channelAppSecret || undefined,
  });
  for (const edit of plan.edits) {
    if (edit.op !== "set" || typeof edit.value !== "string") {
      b.edits.push(edit);
      continue;
    }
    const key = `${plan.channel}.${String(edit.path[edit.path.length - 1])}`;
    const varName = Object.hasOwn(CHANNEL_SECRET_VARS, key) ? CHANNEL_SECRET_VARS[key] : undefined;
    if (varName && plan.isDefault) {
      b.edits.push({ ...edit, value: b.secretInput(varName, edit.value, `${a.channel} token`) });
    } else b.edits.push(edit);
  }
  if (plan.channel === "whatsapp") {
    b.notes.push("WhatsApp: link the phone with: openclaw channels login --channel whatsapp");
  }
}

function planHeartbeat(b: PlanBuilder, a: OnboardAnswers): void {
  const path = ["agents", "defaults", "heartbeat"];
  if (a.heartbeatEvery !== undefined) {
    b.set([...path, "every"], a.heartbeatEvery === "off" ? "0m" : a.heartbeatEvery);
  }
  if (a.heartbeatTarget !== undefined && a.heartbeatEvery !== "off") {
    b.set([...path, "target"], a.heartbeatTarget);
  }
}

/**
 * Plans the changes of one wizard run.
 *
 * @param ctx The context the answers were given in.
 * @param a The answers (undefined ones change nothing).
 * @returns The edits, `.env` variables and secrets to mask.
 * @throws {OpenClawError} when a channel's credentials do not fit it, or ref mode meets a
 *   `default` secret provider that is not an env provider.
 */
export function planOnboarding(ctx: OnboardContext, a: OnboardAnswers): OnboardPlan {
  const refMode = a.secretInputMode === "ref";
  if (refMode) checkDefaultEnvProvider(ctx);
  const b = new PlanBuilder(ctx, refMode);
  const mode = a.mode ?? configuredMode(ctx.raw) ?? "local";
  const now = ctx.now.toISOString();
  const out: { model?: string } = {};
  let generated = false;
  let workspace: string | undefined;

  if (a.mode !== undefined) b.set(["gateway", "mode"], a.mode);
  if (mode === "remote") {
    if (a.remoteUrl !== undefined) b.set(["gateway", "remote", "url"], a.remoteUrl.trim());
    if (a.remoteToken) {
      b.set(
        ["gateway", "remote", "token"],
        b.secretInput("OPENCLAW_GATEWAY_TOKEN", a.remoteToken, "--remote-token"),
      );
    }
  } else {
    if (a.gatewayPort !== undefined) b.set(["gateway", "port"], a.gatewayPort);
    if (a.gatewayBind !== undefined) b.set(["gateway", "bind"], a.gatewayBind);
    if (a.gatewayBind === "custom" && a.customBindHost) {
      b.set(["gateway", "customBindHost"], a.customBindHost.trim());
    }
    generated = planGatewayAuth(b, a).generated;
    if (a.tailscale !== undefined) b.set(["gateway", "tailscale", "mode"], a.tailscale);
    const current = at(ctx.raw, ["agents", "defaults", "workspace"]);
    const currentDir = typeof current === "string" ? expandHome(current, ctx.env) : undefined;
    if (a.workspace !== undefined) {
      workspace = expandHome(a.workspace.trim(), ctx.env);
      // `~/x` and `/home/me/x` are the same place: keep the user's spelling.
      if (workspace !== currentDir) b.set(["agents", "defaults", "workspace"], workspace);
    } else if (ctx.command === "onboard") {
      workspace = currentDir ?? ctx.defaultWorkspace;
    }
    if (a.skipBootstrap) b.set(["agents", "defaults", "skipBootstrap"], true);
    planModel(b, a, out);
    planHeartbeat(b, a);
    if (ctx.command === "onboard" && at(ctx.raw, ["tools", "profile"]) === undefined) {
      b.set(["tools", "profile"], "full");
    }
    planChannel(b, a);
  }

  b.set(["wizard", "lastRunAt"], now);
  b.set(["wizard", "lastRunVersion"], ctx.version);
  b.set(["wizard", "lastRunCommand"], ctx.command);
  b.set(["wizard", "lastRunMode"], mode);
  if (a.acceptRisk) b.set(["wizard", "securityAcknowledgedAt"], now);
  b.set(["meta", "lastTouchedVersion"], ctx.version);
  b.set(["meta", "lastTouchedAt"], now);

  return {
    mode,
    edits: b.edits,
    envVars: b.envVars,
    secrets: b.secrets,
    ...(workspace ? { workspace } : {}),
    ...(out.model ? { model: out.model } : {}),
    ...(a.gatewayAuth && mode === "local" ? { gatewayAuth: a.gatewayAuth } : {}),
    tokenGenerated: generated,
    notes: b.notes,
  };
}

/**
 * Applies the plan's edits to `text`, keeping comments and layout.
 *
 * @throws {OpenClawError} `CONFIG_PARSE` when `text` is not a JSON5 object.
 */
export function previewPlan(text: string, plan: OnboardPlan, configPath: string): string {
  return applyConfigEdits(text, plan.edits, configPath).text;
}

/**
 * A unified diff of the plan against `text`, for showing before writing: both sides are redacted
 * the way `config.get` redacts (every string at a secret path, and each known secret value
 * anywhere), so neither the new secrets nor the ones already in the file are shown.
 *
 * @returns The diff, or "" when the plan changes nothing.
 */
export async function planDiff(
  text: string,
  plan: OnboardPlan,
  configPath: string,
  env?: Record<string, string | undefined>,
): Promise<string> {
  const next = previewPlan(text, plan, configPath);
  const parse = (t: string) => t.trim() ? parseConfigText(t, configPath) : {};
  const secrets = knownSecretValues([parse(text), parse(next)], plan.secrets);
  const before = text === "" ? "" : await redactConfigText(text, secrets);
  const after = await redactConfigText(next, secrets);
  const label = shortenHome(configPath, env);
  return maskSecrets(
    unifiedDiff(before, after, { fromLabel: label, toLabel: label }),
    plan.secrets,
  );
}
