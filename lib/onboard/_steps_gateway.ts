/**
 * The local gateway's steps: port, bind, auth (a generated token by default, or a password) and
 * Tailscale exposure. Combinations the gateway would refuse to start with are refused here, in
 * the gateway's words.
 *
 * @module
 */
import { GATEWAY_BIND_MODES } from "../config/schema/gateway.ts";
import {
  TAILSCALE_BIND_MESSAGE,
  TAILSCALE_FUNNEL_AUTH_MESSAGE,
  TAILSCALE_MODES,
} from "../config/schema/tailscale.ts";
import { openclawCommand } from "../paths.ts";
import { choiceOf, fail, ok, rawAt, type StepDef, type StepState, textOf } from "./_step.ts";
import { isLocal } from "./_steps_setup.ts";

/** Stock's message for an out-of-range `--gateway-port`. */
export const PORT_MESSAGE = "Invalid --gateway-port. Use a port between 1 and 65535.";

/** Stock's message for password auth without a password. */
export const PASSWORD_MESSAGE =
  "Missing --gateway-password for password auth. Pass --gateway-password or use --gateway-auth token.";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Binds a Tailscale Serve/Funnel proxy can reach. */
const EXPOSABLE_BINDS: ReadonlySet<string> = new Set(["loopback", "auto", "tailnet"]);

/** Parses a port typed or passed; undefined when it is not one. */
export function parsePortAnswer(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : textOf(value) ?? "";
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function current(s: StepState, ...path: string[]): unknown {
  return rawAt(s.ctx.raw, "gateway", ...path);
}

function bindOf(s: StepState): string {
  const b = s.answers.gatewayBind ?? current(s, "bind");
  return typeof b === "string" ? b : "loopback";
}

function authOf(s: StepState): string {
  const a = s.answers.gatewayAuth ?? current(s, "auth", "mode");
  return typeof a === "string" ? a : "token";
}

/** The stock messages for a Tailscale mode the chosen bind and auth cannot carry. */
export function tailscaleProblem(mode: string, bind: string, auth: string): string | undefined {
  if (mode === "off") return undefined;
  if (!EXPOSABLE_BINDS.has(bind)) return TAILSCALE_BIND_MESSAGE;
  if (mode === "funnel" && auth !== "password") return TAILSCALE_FUNNEL_AUTH_MESSAGE;
  return undefined;
}

const port: StepDef = {
  id: "gateway-port",
  section: "gateway",
  key: "gatewayPort",
  applies: isLocal,
  view: (s) => ({
    id: "gateway-port",
    type: "text",
    title: "Gateway",
    message: "Gateway port",
    initialValue: String(s.ctx.defaultPort),
  }),
  accept: (value) => {
    const n = parsePortAnswer(value);
    return n === undefined ? fail("Enter a port between 1 and 65535") : ok({ gatewayPort: n });
  },
  auto: (s) => ok({ gatewayPort: s.ctx.defaultPort }),
};

const bind: StepDef = {
  id: "gateway-bind",
  section: "gateway",
  key: "gatewayBind",
  applies: isLocal,
  view: (s) => ({
    id: "gateway-bind",
    type: "select",
    message: "Gateway bind",
    options: [
      { value: "loopback", label: "Loopback (127.0.0.1)", hint: "this machine only; safest" },
      { value: "lan", label: "LAN (0.0.0.0)", hint: "other devices on the network; needs auth" },
      { value: "tailnet", label: "Tailnet", hint: "the Tailscale address" },
      { value: "auto", label: "Auto", hint: "loopback, else the LAN" },
      { value: "custom", label: "Custom IPv4 address" },
    ],
    initialValue: bindOf(s),
  }),
  accept: (value) => {
    const b = choiceOf(value, GATEWAY_BIND_MODES);
    return b ? ok({ gatewayBind: b }) : fail(`Choose one of: ${GATEWAY_BIND_MODES.join(", ")}`);
  },
  auto: (s) => {
    const b = choiceOf(bindOf(s), GATEWAY_BIND_MODES);
    return ok({ gatewayBind: b ?? "loopback" });
  },
};

const customBindHost: StepDef = {
  id: "custom-bind-host",
  section: "gateway",
  key: "customBindHost",
  applies: (s) => isLocal(s) && s.answers.gatewayBind === "custom",
  view: (s) => {
    const host = current(s, "customBindHost");
    return {
      id: "custom-bind-host",
      type: "text",
      message: "IPv4 address to listen on",
      placeholder: "192.168.1.10",
      ...(typeof host === "string" ? { initialValue: host } : {}),
    };
  },
  accept: (value) => {
    const host = textOf(value) ?? "";
    return IPV4.test(host) ? ok({ customBindHost: host }) : fail("Enter an IPv4 address");
  },
  auto: (s) => {
    const host = current(s, "customBindHost");
    if (typeof host === "string" && IPV4.test(host)) return ok({ customBindHost: host });
    const issue = typeof host === "string" ? `"${host}" is not an IPv4 address` : "it is not set";
    return fail(
      `--gateway-bind custom requires gateway.customBindHost: ${issue}. Set it with ${
        openclawCommand("config set gateway.customBindHost <ipv4>", s.ctx.env)
      } and rerun, or run ${
        openclawCommand("onboard", s.ctx.env)
      } interactively to be prompted for it.`,
    );
  },
};

const auth: StepDef = {
  id: "gateway-auth",
  section: "gateway",
  key: "gatewayAuth",
  applies: isLocal,
  view: (s) => ({
    id: "gateway-auth",
    type: "select",
    message: "Gateway auth",
    options: [
      { value: "token", label: "Token", hint: "recommended, even on loopback" },
      { value: "password", label: "Password", hint: "needed for Tailscale Funnel" },
    ],
    initialValue: authOf(s) === "password" ? "password" : "token",
  }),
  accept: (value) => {
    const a = choiceOf(value, ["token", "password"] as const);
    return a ? ok({ gatewayAuth: a }) : fail('Choose "token" or "password"');
  },
  auto: (s) => ok({ gatewayAuth: authOf(s) === "password" ? "password" : "token" }),
};

const token: StepDef = {
  id: "gateway-token",
  section: "gateway",
  key: "gatewayToken",
  applies: (s) =>
    isLocal(s) && s.answers.gatewayAuth === "token" && s.answers.gatewayTokenRefEnv === undefined,
  view: (s) => ({
    id: "gateway-token",
    type: "text",
    message: "Gateway token",
    placeholder: current(s, "auth", "token") !== undefined
      ? "leave blank to keep the current token"
      : "leave blank to generate one",
    sensitive: true,
  }),
  accept: (value) => ok({ gatewayToken: textOf(value) ?? "" }),
  auto: () => ok({ gatewayToken: "" }),
};

const password: StepDef = {
  id: "gateway-password",
  section: "gateway",
  key: "gatewayPassword",
  applies: (s) => isLocal(s) && s.answers.gatewayAuth === "password",
  view: (s) => ({
    id: "gateway-password",
    type: "text",
    message: "Gateway password",
    ...(current(s, "auth", "password") !== undefined
      ? { placeholder: "leave blank to keep the current password" }
      : {}),
    sensitive: true,
  }),
  accept: (value, s) => {
    const p = textOf(value) ?? "";
    if (p === "" && current(s, "auth", "password") === undefined) {
      return fail("Enter a password");
    }
    return ok({ gatewayPassword: p });
  },
  auto: (s) => {
    const env = s.ctx.env.OPENCLAW_GATEWAY_PASSWORD?.trim();
    if (current(s, "auth", "password") !== undefined) return ok({ gatewayPassword: "" });
    if (env) return ok({ gatewayPassword: env });
    return fail(PASSWORD_MESSAGE);
  },
};

const tailscale: StepDef = {
  id: "tailscale",
  section: "gateway",
  key: "tailscale",
  applies: isLocal,
  view: (s) => {
    const mode = current(s, "tailscale", "mode");
    return {
      id: "tailscale",
      type: "select",
      message: "Tailscale exposure",
      options: [
        { value: "off", label: "Off" },
        { value: "serve", label: "Serve", hint: "HTTPS on your tailnet; needs bind loopback" },
        { value: "funnel", label: "Funnel", hint: "public HTTPS; needs password auth" },
      ],
      initialValue: typeof mode === "string" ? mode : "off",
    };
  },
  accept: (value, s) => {
    const m = choiceOf(value, TAILSCALE_MODES);
    if (!m) return fail(`Choose one of: ${TAILSCALE_MODES.join(", ")}`);
    const problem = tailscaleProblem(m, bindOf(s), authOf(s));
    return problem ? fail(problem) : ok({ tailscale: m });
  },
  auto: (s) => {
    const mode = choiceOf(current(s, "tailscale", "mode"), TAILSCALE_MODES) ?? "off";
    const problem = tailscaleProblem(mode, bindOf(s), authOf(s));
    return problem ? fail(problem) : ok({ tailscale: mode });
  },
};

/** The local gateway's steps, in order. */
export const GATEWAY_STEPS: readonly StepDef[] = [
  port,
  bind,
  customBindHost,
  auth,
  token,
  password,
  tailscale,
];
