/**
 * What the onboarding wizard collects. Every front end (the `onboard` prompts, its
 * `--non-interactive` flags, the `wizard.*` RPC) fills the same answers; an answer left
 * undefined means "not asked: leave that part of the config alone".
 *
 * @module
 */
import { z } from "zod";
import { GATEWAY_BIND_MODES } from "../config/schema/gateway.ts";
import { TAILSCALE_MODES } from "../config/schema/tailscale.ts";
import { CHANNEL_IDS } from "./channel_edits.ts";

/** `--auth-choice` values this build can set up. */
export const AUTH_CHOICES = [
  "openai-api-key",
  "anthropic-api-key",
  "openrouter-api-key",
  "custom-api-key",
  "skip",
] as const;

/** One of {@link AUTH_CHOICES}. */
export type AuthChoice = typeof AUTH_CHOICES[number];

/** `--secret-input-mode`: keys stay plaintext (in `~/.openclaw/.env`) or become SecretRefs. */
export const SECRET_INPUT_MODES = ["plaintext", "ref"] as const;

/** `--custom-compatibility`: the wire API of a custom provider. */
export const CUSTOM_COMPATIBILITIES = ["openai", "openai-responses", "anthropic"] as const;

/** Parts of the wizard `openclaw configure --section` can pick. */
export const ONBOARD_SECTIONS = [
  "workspace",
  "model",
  "gateway",
  "channels",
  "heartbeat",
  "daemon",
  "health",
] as const;

/** One of {@link ONBOARD_SECTIONS}, plus `setup` for the steps every run has. */
export type OnboardSection = typeof ONBOARD_SECTIONS[number] | "setup";

/** The answers, all optional: the wizard asks for what is missing. */
export const OnboardAnswersSchema = z.strictObject({
  /** The security notice was acknowledged in this run. */
  acceptRisk: z.boolean().optional(),
  mode: z.enum(["local", "remote"]).optional(),
  workspace: z.string().optional(),
  skipBootstrap: z.boolean().optional(),
  authChoice: z.enum(AUTH_CHOICES).optional(),
  /** The provider key typed or passed (`""` = none, for a custom provider that needs none). */
  apiKey: z.string().optional(),
  customBaseUrl: z.string().optional(),
  customModelId: z.string().optional(),
  customProviderId: z.string().optional(),
  customCompatibility: z.enum(CUSTOM_COMPATIBILITIES).optional(),
  secretInputMode: z.enum(SECRET_INPUT_MODES).optional(),
  /** The live test: asked, then its outcome. */
  verifyKey: z.boolean().optional(),
  verifyFailed: z.string().optional(),
  keepUnverified: z.boolean().optional(),
  gatewayPort: z.number().int().min(1).max(65535).optional(),
  gatewayBind: z.enum(GATEWAY_BIND_MODES).optional(),
  customBindHost: z.string().optional(),
  gatewayAuth: z.enum(["token", "password"]).optional(),
  /** `""` keeps the configured token, or generates one. */
  gatewayToken: z.string().optional(),
  gatewayTokenRefEnv: z.string().optional(),
  gatewayPassword: z.string().optional(),
  tailscale: z.enum(TAILSCALE_MODES).optional(),
  remoteUrl: z.string().optional(),
  remoteToken: z.string().optional(),
  channel: z.enum([...CHANNEL_IDS, "skip"]).optional(),
  channelToken: z.string().optional(),
  channelAppId: z.string().optional(),
  channelAppSecret: z.string().optional(),
  /** A duration, or `off`. */
  heartbeatEvery: z.string().optional(),
  heartbeatTarget: z.string().optional(),
  installDaemon: z.boolean().optional(),
  /** `--skip-ui`: do not point at the dashboard at the end. */
  skipUi: z.boolean().optional(),
  runHealth: z.boolean().optional(),
  /** The diff was shown and accepted. */
  confirmed: z.boolean().optional(),
  /** The closing summary was shown. */
  finished: z.boolean().optional(),
});

/** See {@link OnboardAnswersSchema}. */
export type OnboardAnswers = z.infer<typeof OnboardAnswersSchema>;
