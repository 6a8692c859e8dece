/**
 * Which shared secret the gateway expects and which one a CLI client sends. Shared by the
 * gateway (server side) and every CLI command that talks to it, so the two always agree on
 * precedence: CLI flags > config (`gateway.auth.*`) > `OPENCLAW_GATEWAY_TOKEN` /
 * `OPENCLAW_GATEWAY_PASSWORD`.
 *
 * @module
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { isSecretRef, type SecretRef } from "../config/secret_ref.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { type Env, processEnv } from "../paths.ts";

/** How clients authenticate to the gateway. */
export type GatewayAuthMode = "token" | "password" | "trusted-proxy" | "none";
/** Every {@link GatewayAuthMode}. */
export const GATEWAY_AUTH_MODES: readonly GatewayAuthMode[] = [
  "token",
  "password",
  "trusted-proxy",
  "none",
];
/** Where a resolved credential came from. */
export type CredentialSource = "cli" | "config" | "env" | "generated";
/** Where the auth mode came from; `inferred` means from which secret resolved. */
export type AuthModeSource = "cli" | "config" | "inferred";

type GatewayConfig = NonNullable<OpenClawConfig["gateway"]>;
type AuthConfig = NonNullable<GatewayConfig["auth"]>;
/** `gateway.auth.trustedProxy`. */
export type TrustedProxyConfig = NonNullable<AuthConfig["trustedProxy"]>;

/**
 * The part of the config auth reads. A validated {@link OpenClawConfig} fits; so does a bare
 * object in tests.
 */
export interface GatewayAuthConfigView {
  gateway?: {
    mode?: GatewayConfig["mode"];
    auth?: Partial<AuthConfig>;
    tailscale?: GatewayConfig["tailscale"];
    remote?: GatewayConfig["remote"];
  };
}

/** Resolves a SecretRef to its value (from the gateway's startup secret snapshot). */
export type SecretResolver = (ref: SecretRef) => string | undefined;

/** Auth overrides from the command line (`--auth`, `--token`, `--password`). */
export interface CliAuthOverrides {
  mode?: string;
  token?: string;
  password?: string;
}

/** The gateway's effective auth settings. */
export interface ResolvedGatewayAuth {
  mode: GatewayAuthMode;
  modeSource: AuthModeSource;
  token?: string;
  password?: string;
  trustedProxy?: TrustedProxyConfig;
  /** Tailscale identity headers satisfy WS / Control UI auth. */
  allowTailscale: boolean;
  source: { token?: CredentialSource; password?: CredentialSource };
}

/** Options for {@linkcode resolveGatewayAuth}. */
export interface ResolveGatewayAuthOptions {
  config: GatewayAuthConfigView;
  /** @default the process environment */
  env?: Env;
  cliAuth?: CliAuthOverrides;
  /** Resolves `gateway.auth.token/password` given as SecretRefs; without it they are errors. */
  resolveSecret?: SecretResolver;
  /**
   * The gateway's effective Tailscale exposure (`--tailscale`, which wins over
   * `gateway.tailscale.mode`): `allowTailscale` defaults to on when it is `serve`.
   * @default gateway.tailscale.mode
   */
  tailscaleMode?: string;
}

// Stock treats the docs' placeholder as "no token", so a copy-pasted example never becomes a
// live credential.
const EXAMPLE_GATEWAY_TOKEN = "change-me-to-a-long-random-token";

function clean(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** Trims a token; the docs' placeholder token counts as none. */
export function cleanToken(value: string | undefined): string | undefined {
  const v = clean(value);
  return v === EXAMPLE_GATEWAY_TOKEN ? undefined : v;
}

function unresolvedRefError(path: string, envVar: string): OpenClawError {
  return new OpenClawError(
    "SECRET_REF_UNRESOLVED",
    `Cannot use ${path}: it is a SecretRef that was not resolved`,
    { hint: `Check secrets.providers (openclaw secrets audit), or set ${envVar} instead` },
  );
}

/** A config credential: plain string, or a SecretRef through `resolve`. */
function configSecret(
  value: unknown,
  path: string,
  envVar: string,
  resolve: SecretResolver | undefined,
  strict: boolean,
): string | undefined {
  if (typeof value === "string") return value;
  if (isSecretRef(value)) {
    const resolved = resolve?.(value);
    if (resolved === undefined && strict) throw unresolvedRefError(path, envVar);
    return resolved;
  }
  return undefined;
}

function parseMode(mode: string, where: string): GatewayAuthMode {
  if ((GATEWAY_AUTH_MODES as readonly string[]).includes(mode)) return mode as GatewayAuthMode;
  throw new OpenClawError(
    "AUTH_MODE_INVALID",
    `Invalid ${where} "${mode}": expected one of ${GATEWAY_AUTH_MODES.join(", ")}`,
    { exitCode: where.startsWith("--") ? ExitCode.usage : ExitCode.config },
  );
}

/**
 * Returns the gateway's auth settings: CLI flags > config > env; mode unset means `password`
 * when a password resolves, else `token`. `allowTailscale` unset means on when the Tailscale
 * exposure (`tailscaleMode`, else `gateway.tailscale.mode`) is `serve` and the mode is neither
 * `password` nor `trusted-proxy`.
 *
 * @throws {OpenClawError} `AUTH_AMBIGUOUS` when a token and a password are both configured
 *   (config or flags) and no mode says which one counts; `SECRET_REF_UNRESOLVED` for a
 *   SecretRef the resolver cannot answer; `AUTH_MODE_INVALID` for an unknown mode.
 */
export function resolveGatewayAuth(options: ResolveGatewayAuthOptions): ResolvedGatewayAuth {
  const env = options.env ?? processEnv();
  const cli = options.cliAuth ?? {};
  const gw = options.config.gateway ?? {};
  const auth = gw.auth ?? {};
  const source: ResolvedGatewayAuth["source"] = {};

  let token = cleanToken(cli.token);
  if (token) source.token = "cli";
  else {
    const fromConfig = configSecret(
      auth.token,
      "gateway.auth.token",
      "OPENCLAW_GATEWAY_TOKEN",
      options.resolveSecret,
      true,
    );
    token = cleanToken(fromConfig);
    if (token) source.token = "config";
    else if ((token = cleanToken(env.OPENCLAW_GATEWAY_TOKEN))) source.token = "env";
  }

  let password = clean(cli.password);
  if (password) source.password = "cli";
  else {
    const fromConfig = configSecret(
      auth.password,
      "gateway.auth.password",
      "OPENCLAW_GATEWAY_PASSWORD",
      options.resolveSecret,
      true,
    );
    password = clean(fromConfig);
    if (password) source.password = "config";
    else if ((password = clean(env.OPENCLAW_GATEWAY_PASSWORD))) source.password = "env";
  }

  let mode: GatewayAuthMode;
  let modeSource: AuthModeSource;
  if (clean(cli.mode)) {
    mode = parseMode(clean(cli.mode)!, "--auth");
    modeSource = "cli";
  } else if (auth.mode) {
    mode = parseMode(auth.mode, "gateway.auth.mode");
    modeSource = "config";
  } else {
    const explicit = (s?: CredentialSource) => s === "cli" || s === "config";
    if (explicit(source.token) && explicit(source.password)) {
      throw new OpenClawError(
        "AUTH_AMBIGUOUS",
        "Gateway auth is ambiguous: both a token and a password are configured; " +
          "set gateway.auth.mode to token or password",
        { hint: "openclaw config set gateway.auth.mode token" },
      );
    }
    mode = password ? "password" : "token";
    modeSource = "inferred";
  }

  const tailscaleMode = clean(options.tailscaleMode) ?? gw.tailscale?.mode;
  const allowTailscale = auth.allowTailscale ??
    (tailscaleMode === "serve" && mode !== "password" && mode !== "trusted-proxy");

  return {
    mode,
    modeSource,
    ...(token ? { token } : {}),
    ...(password ? { password } : {}),
    ...(auth.trustedProxy ? { trustedProxy: auth.trustedProxy } : {}),
    allowTailscale,
    source,
  };
}

/**
 * Returns true when the gateway should create and save a token at startup: token mode with no
 * token, no password and no Tailscale allowance (the "nothing configured" case).
 */
export function shouldGenerateGatewayToken(auth: ResolvedGatewayAuth): boolean {
  return auth.mode === "token" && !auth.token && !auth.password && !auth.allowTailscale;
}

/** Returns a new random gateway token: 32 random bytes, base64url without padding. */
export function generateGatewayToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Where a client credential came from. */
export type ClientCredentialSource = "cli" | "config" | "remote-config" | "env";

/** The secret a CLI client sends in `connect` (`auth.token` / `auth.password`). */
export interface ClientCredentials {
  token?: string;
  password?: string;
  source: { token?: ClientCredentialSource; password?: ClientCredentialSource };
}

/** Options for {@linkcode clientCredentials}. */
export interface ClientCredentialsOptions {
  config: GatewayAuthConfigView;
  /** @default the process environment */
  env?: Env;
  /** `--token` / `--password`: when given, nothing else is sent. */
  cliAuth?: Pick<CliAuthOverrides, "token" | "password">;
  /**
   * An explicit `--url`: an arbitrary endpoint gets no stored secrets, only `cliAuth`.
   * (`OPENCLAW_GATEWAY_URL` in `env` instead limits credentials to the env variables.)
   */
  url?: string;
  /** Resolves SecretRefs; without it (or when it fails) a ref is skipped, not an error. */
  resolveSecret?: SecretResolver;
}

function firstOf<S>(...pairs: [string | undefined, S][]): [string, S] | undefined {
  for (const [value, src] of pairs) if (value) return [value, src];
  return undefined;
}

/**
 * Returns which token/password a CLI client should send: `--token/--password` alone when given;
 * with `--url` nothing else; with `OPENCLAW_GATEWAY_URL` only the env variables; local mode env
 * then `gateway.auth.*`; `gateway.mode: "remote"` prefers `gateway.remote.*`. In trusted-proxy
 * mode the local password (`gateway.auth.password` or OPENCLAW_GATEWAY_PASSWORD) is what admits
 * the CLI on the gateway's host, which does not come through the proxy.
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentials {
  const env = options.env ?? processEnv();
  const cliToken = clean(options.cliAuth?.token);
  const cliPassword = clean(options.cliAuth?.password);
  if (cliToken || cliPassword) {
    return {
      ...(cliToken ? { token: cliToken } : {}),
      ...(cliPassword ? { password: cliPassword } : {}),
      source: {
        ...(cliToken ? { token: "cli" } : {}),
        ...(cliPassword ? { password: "cli" } : {}),
      },
    };
  }
  if (clean(options.url)) return { source: {} };

  const envToken = cleanToken(env.OPENCLAW_GATEWAY_TOKEN);
  const envPassword = clean(env.OPENCLAW_GATEWAY_PASSWORD);
  let token: [string, ClientCredentialSource] | undefined;
  let password: [string, ClientCredentialSource] | undefined;
  if (clean(env.OPENCLAW_GATEWAY_URL)) {
    token = firstOf([envToken, "env"]);
    password = firstOf([envPassword, "env"]);
  } else {
    const gw = options.config.gateway ?? {};
    const read = (v: unknown, path: string, envVar: string, isToken: boolean) => {
      const s = configSecret(v, path, envVar, options.resolveSecret, false);
      return isToken ? cleanToken(s) : clean(s);
    };
    const localToken = read(gw.auth?.token, "gateway.auth.token", "OPENCLAW_GATEWAY_TOKEN", true);
    const localPassword = read(
      gw.auth?.password,
      "gateway.auth.password",
      "OPENCLAW_GATEWAY_PASSWORD",
      false,
    );
    const remoteToken = read(
      gw.remote?.token,
      "gateway.remote.token",
      "OPENCLAW_GATEWAY_TOKEN",
      true,
    );
    const remotePassword = read(
      gw.remote?.password,
      "gateway.remote.password",
      "OPENCLAW_GATEWAY_PASSWORD",
      false,
    );
    if (gw.mode === "remote") {
      token = firstOf(
        [remoteToken, "remote-config"],
        [envToken, "env"],
        [localToken, "config"],
      );
      password = firstOf(
        [envPassword, "env"],
        [remotePassword, "remote-config"],
        [localPassword, "config"],
      );
    } else {
      // The env wins locally so a shell can point one command at a differently-keyed gateway.
      token = firstOf([envToken, "env"], [localToken, "config"], [remoteToken, "remote-config"]);
      password = firstOf(
        [envPassword, "env"],
        [localPassword, "config"],
        [remotePassword, "remote-config"],
      );
    }
  }
  return {
    ...(token ? { token: token[0] } : {}),
    ...(password ? { password: password[0] } : {}),
    source: {
      ...(token ? { token: token[1] } : {}),
      ...(password ? { password: password[1] } : {}),
    },
  };
}
