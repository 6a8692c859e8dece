/**
 * The first steps of a gateway start: a config that may start (mode local, valid), and the auth
 * the gateway will enforce.
 *
 * @module
 */
import type { Logger } from "@logtape/logtape";
import { checkConfig, invalidConfigError } from "../lib/config/load.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import { OpenClawError } from "../lib/errors.ts";
import {
  generateGatewayToken,
  type ResolvedGatewayAuth,
  resolveGatewayAuth,
  shouldGenerateGatewayToken,
} from "../lib/auth/resolve.ts";
import { persistGeneratedToken } from "../lib/auth/generated_token.ts";
import type { SecretSnapshot } from "../lib/secrets/snapshot.ts";
import type { GatewayStartOptions } from "./server.ts";

/** Loads the config a start needs, refusing the starts the seed names (exit 1, or 78). */
export async function loadStartConfig(
  options: Pick<GatewayStartOptions, "allowUnconfigured" | "auth" | "token" | "password">,
  configPath: string,
) {
  const check = await checkConfig({ path: configPath });
  if (!check.file.exists && !options.allowUnconfigured) {
    throw new OpenClawError(
      "GATEWAY_UNCONFIGURED",
      "Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).",
      { hint: "openclaw setup" },
    );
  }
  if (!check.valid || !check.config) throw invalidConfigError(check);
  const config = check.config;
  const mode = config.gateway?.mode;
  if (mode !== "local" && !options.allowUnconfigured) {
    throw new OpenClawError(
      "GATEWAY_START_BLOCKED",
      `Gateway start blocked: set gateway.mode=local (current: ${
        mode ?? "unset"
      }) or pass --allow-unconfigured.`,
      { hint: "openclaw config set gateway.mode local" },
    );
  }
  return { config, hash: check.file.hash };
}

/**
 * Resolves the start's auth; on loopback with nothing configured, generates a token and keeps it
 * in the config.
 */
export async function resolveStartAuth(
  options: Pick<GatewayStartOptions, "allowUnconfigured" | "auth" | "token" | "password">,
  config: OpenClawConfig,
  configPath: string,
  loopback: boolean,
  log: Logger,
  secrets: SecretSnapshot,
): Promise<ResolvedGatewayAuth> {
  const cliAuth = { mode: options.auth, token: options.token, password: options.password };
  const auth = resolveGatewayAuth({ config, cliAuth, resolveSecret: (ref) => secrets.get(ref) });
  if (loopback && shouldGenerateGatewayToken(auth)) {
    // Nothing configured on loopback: make a token and keep it in the config (0600) so local
    // clients and the service find the same one after a restart.
    const persisted = await persistGeneratedToken(configPath, generateGatewayToken());
    if (persisted.generated) {
      log.info(`generated a gateway token and saved it to gateway.auth.token in ${configPath}`);
    }
    return {
      ...auth,
      mode: "token",
      token: persisted.token,
      source: { ...auth.source, token: "generated" },
    };
  }
  return auth;
}
