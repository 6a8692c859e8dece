/**
 * The first steps of a gateway start: a config that may start (mode local, valid), and the auth
 * the gateway will enforce.
 *
 * @module
 */
import type { Logger } from "../lib/log/mod.ts";
import { invalidConfigError } from "../lib/config/check.ts";
import { checkConfigCached } from "../lib/config/check_cached.ts";
import type { OpenClawConfig } from "../lib/config/schema.ts";
import { OpenClawError } from "../lib/errors.ts";
import { dirname, openclawCommand } from "../lib/paths.ts";
import {
  generateGatewayToken,
  type ResolvedGatewayAuth,
  resolveGatewayAuth,
  shouldGenerateGatewayToken,
} from "../lib/auth/resolve.ts";
import type { SecretSnapshot } from "../lib/secrets/snapshot.ts";
import type { GatewayStartOptions } from "./server.ts";

/** Loads the config a start needs, refusing the starts the seed names (exit 1, or 78). */
export async function loadStartConfig(
  options: Pick<GatewayStartOptions, "allowUnconfigured" | "auth" | "token" | "password">,
  configPath: string,
  stateDir?: string,
) {
  // Through the validation cache: an unchanged config skips building the schema.
  const check = await checkConfigCached({ path: configPath, stateDir });
  if (!check.file.exists && !options.allowUnconfigured) {
    throw new OpenClawError(
      "GATEWAY_UNCONFIGURED",
      `Missing config. Run \`${
        openclawCommand("setup")
      }\` or set gateway.mode=local (or pass --allow-unconfigured).`,
      { hint: openclawCommand("setup") },
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
      { hint: openclawCommand("config set gateway.mode local") },
    );
  }
  return { config, hash: check.file.hash };
}

/** The token generated for an unconfigured start, kept for this process only. */
let memoryToken: string | undefined;

/**
 * Resolves the start's auth (the `--tailscale` flag counting as the Tailscale mode, as it does for
 * the tailscale subsystem); on loopback with nothing configured, generates a token and keeps it
 * in the config -- except with `--allow-unconfigured`, where it is kept in memory only and
 * printed once.
 */
export async function resolveStartAuth(
  options: Pick<
    GatewayStartOptions,
    "allowUnconfigured" | "auth" | "token" | "password" | "tailscale" | "announce"
  >,
  config: OpenClawConfig,
  configPath: string,
  loopback: boolean,
  log: Logger,
  secrets: SecretSnapshot,
): Promise<ResolvedGatewayAuth> {
  const cliAuth = { mode: options.auth, token: options.token, password: options.password };
  const auth = resolveGatewayAuth({
    config,
    cliAuth,
    resolveSecret: (ref) => secrets.get(ref),
    // `--tailscale serve` alone turns allowTailscale on, as `gateway.tailscale.mode` does.
    tailscaleMode: options.tailscale,
  });
  if (loopback && shouldGenerateGatewayToken(auth)) {
    if (options.allowUnconfigured) {
      // --allow-unconfigured never writes config (with or without a config file): the token
      // lives in this process only, printed once; local CLI commands find it in the runtime
      // file (0600), other clients pass it (--token, or OPENCLAW_GATEWAY_TOKEN).
      // The directory (not the file) may exist, so the reloader can watch for a config to appear.
      await Deno.mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
      // An in-process restart keeps the same token, so connected clients can reconnect.
      let token = memoryToken;
      if (token === undefined) {
        token = memoryToken = generateGatewayToken();
        log.info("generated a gateway token for this process only (--allow-unconfigured)");
        const print = options.announce ??
          ((line: string) => Deno.stdout.writeSync(new TextEncoder().encode(line + "\n")));
        print(`Gateway token (this process only, not saved): ${token}`);
      }
      return { ...auth, mode: "token", token, source: { ...auth.source, token: "generated" } };
    }
    // Nothing configured on loopback: make a token and keep it in the config (0600) so local
    // clients and the service find the same one after a restart.
    // The config editor it needs is loaded only for this first start.
    const { persistGeneratedToken } = await import("../lib/auth/generated_token.ts");
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
