/**
 * Gateway checks: `gateway.auth` (mode set, secrets present; `--generate-gateway-token` writes a
 * token, never over a SecretRef) and `gateway.runtime` (runtime file vs live pid, who holds the
 * gateway port, and whether the running gateway has a debugger port open).
 *
 * @module
 */
import { applyConfigEdits, type ConfigEdit } from "../../config/edit.ts";
import { parseConfigText } from "../../config/read.ts";
import { isSecretRef } from "../../config/secret_ref.ts";
import { errorMessage, OpenClawError } from "../../errors.ts";
import {
  type GatewayAuthConfigView,
  generateGatewayToken,
  resolveGatewayAuth,
} from "../../auth/resolve.ts";
import { gatewayRuntimePath, isPidAlive, readGatewayRuntime } from "../../instance/runtime_file.ts";
import { resolveGatewayPort } from "../../paths.ts";
import {
  INSPECTOR_OPEN_CHECK_ID,
  INSPECTOR_REMEDIATION,
  inspectorFindings,
  scanGatewayInspector,
} from "../../security/inspector.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding, PortHolder } from "../types.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

function modeFindings(ctx: DoctorContext): DoctorFinding[] {
  const gw = obj(ctx.config.audit.config.gateway);
  if (!ctx.config.exists) return [];
  if (gw.mode === "remote") {
    const url = typeof obj(gw.remote).url === "string"
      ? obj(gw.remote).url
      : "(gateway.remote.url unset)";
    return [{
      severity: "info",
      message: `gateway.mode is "remote": this CLI talks to ${url}; no gateway runs here`,
    }];
  }
  if (gw.mode !== "local") {
    return [{
      severity: "warn",
      message: "Gateway start blocked: set gateway.mode=local",
      path: "gateway.mode",
      fix: "openclaw config set gateway.mode local",
    }];
  }
  return [];
}

function authFindings(ctx: DoctorContext): DoctorFinding[] {
  if (!ctx.config.exists && !ctx.env.OPENCLAW_GATEWAY_TOKEN && !ctx.env.OPENCLAW_GATEWAY_PASSWORD) {
    return [{ severity: "info", message: "No config yet; openclaw setup creates one" }];
  }
  const config = ctx.config.audit.config as GatewayAuthConfigView;
  const writtenToken = obj(obj(ctx.config.audit.written.gateway).auth).token;
  let auth;
  try {
    // Doctor does not resolve SecretRefs (secrets audit does); a ref counts as configured.
    auth = resolveGatewayAuth({ config, env: ctx.env, resolveSecret: () => "secret-ref" });
  } catch (err) {
    return [{
      severity: "error",
      message: errorMessage(err),
      path: "gateway.auth",
      fix: err instanceof OpenClawError ? err.hint : undefined,
    }];
  }
  const token = obj(obj(config.gateway).auth).token;
  if (typeof token === "string" && token.includes("${")) {
    return [{
      severity: "error",
      message: `gateway.auth.token references ${token.match(/\$\{[^}]*\}/)?.[0]}, which is not set`,
      path: "gateway.auth.token",
      fix: "Set that variable (environment, ~/.openclaw/.env or the config env block)",
    }];
  }
  switch (auth.mode) {
    case "token":
      if (auth.token) {
        const from = isSecretRef(writtenToken) ? "a SecretRef" : `the ${auth.source.token}`;
        return [{ severity: "info", message: `Token auth; the token comes from ${from}` }];
      }
      if (obj(ctx.config.audit.written.gateway).token !== undefined) {
        return [{
          severity: "info",
          message: "The token is still at gateway.token (legacy); migrating it fixes this",
          fix: "openclaw doctor --fix",
        }];
      }
      if (auth.allowTailscale) {
        return [{ severity: "info", message: "No token; Tailscale identity headers are accepted" }];
      }
      return [{
        severity: "warn",
        message: "No gateway token configured: the gateway generates one at its first start, " +
          "and clients on other machines need it",
        path: "gateway.auth.token",
        fix: "openclaw doctor --generate-gateway-token (or --fix) writes one to gateway.auth.token",
        fixable: true,
      }];
    case "password":
      return auth.password ? [{ severity: "info", message: "Password auth" }] : [{
        severity: "error",
        message: "gateway.auth.mode is password but no password is configured",
        path: "gateway.auth.password",
        fix: "Set OPENCLAW_GATEWAY_PASSWORD or gateway.auth.password (a SecretRef is best)",
      }];
    case "trusted-proxy":
      return auth.trustedProxy?.userHeader?.trim()
        ? [{ severity: "info", message: "Trusted-proxy auth (see the security warnings)" }]
        : [{
          severity: "error",
          message:
            "gateway.auth.mode is trusted-proxy but gateway.auth.trustedProxy.userHeader is not set",
          path: "gateway.auth.trustedProxy.userHeader",
          fix: 'openclaw config set gateway.auth.trustedProxy.userHeader "x-forwarded-user"',
        }];
    case "none":
      return [{
        severity: "warn",
        message: 'Gateway auth is off (gateway.auth.mode "none"); only loopback binds are allowed',
        path: "gateway.auth.mode",
        fix: "openclaw config set gateway.auth.mode token",
      }];
  }
}

/** `gateway.auth`: the gateway can start with the configured auth, and clients can connect. */
export const gatewayAuthCheck: DoctorCheck = {
  id: "gateway.auth",
  title: "Gateway mode and auth",
  order: 40,
  needsConfig: true,
  run(ctx) {
    return Promise.resolve([...modeFindings(ctx), ...authFindings(ctx)]);
  },
  fixRequested: (options) => options.generateGatewayToken,
  async fix(ctx) {
    const token = generateGatewayToken();
    const done: string[] = [];
    await ctx.editConfig("Generate a gateway token", (text) => {
      const parsed = obj(parseConfigText(text, ctx.configPath));
      const auth = obj(obj(parsed.gateway).auth);
      // Never replace a token someone configured, least of all a SecretRef.
      if (isSecretRef(auth.token) || (typeof auth.token === "string" && auth.token.trim())) return;
      if (obj(parsed.gateway).token !== undefined) return; // the legacy token migrates instead
      if (auth.mode !== undefined && auth.mode !== "token") return;
      const edits: ConfigEdit[] = [];
      if (auth.mode === undefined) {
        edits.push({ op: "set", path: ["gateway", "auth", "mode"], value: "token" });
      }
      edits.push({ op: "set", path: ["gateway", "auth", "token"], value: token });
      done.push(
        "Generated a gateway token in gateway.auth.token (show it: openclaw config get gateway.auth.token)",
      );
      return applyConfigEdits(text, edits, ctx.configPath).text;
    }, [token]);
    return done;
  },
};

function holders(list: readonly PortHolder[]): string {
  return list.map((l) => `pid ${l.pid}${l.command ? ` (${l.command.slice(0, 80)})` : ""}`).join(
    ", ",
  );
}

/** Whether the running gateway has a V8 inspector open: critical (an error for doctor). */
async function inspectorDoctorFindings(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const scan = ctx.probes.scanInspector
    ? await ctx.probes.scanInspector(ctx.stateDir)
    : await scanGatewayInspector(ctx.stateDir);
  if (scan.status === "not-running") return [];
  if (scan.status === "skipped") {
    return [{ severity: "info", message: `Debugger check skipped: ${scan.reason}` }];
  }
  if (scan.inspectors.length === 0) {
    return [{ severity: "info", message: "No debugger port open in the gateway" }];
  }
  return inspectorFindings(scan).map((f) => ({
    severity: "error",
    message: `[critical] ${INSPECTOR_OPEN_CHECK_ID}: ${f.title}. ${f.detail}`,
    fix: INSPECTOR_REMEDIATION,
  }));
}

/**
 * `gateway.runtime`: is the recorded gateway alive, who holds the gateway port, and is a
 * debugger open in it.
 */
export const gatewayRuntimeCheck: DoctorCheck = {
  id: "gateway.runtime",
  title: "Runtime and port",
  order: 50,
  needsConfig: true,
  safeFix: true,
  async run(ctx) {
    const gw = obj(ctx.config.audit.config.gateway);
    const configPort = typeof gw.port === "number" ? gw.port : undefined;
    let port: number;
    try {
      port = resolveGatewayPort({ configPort, env: ctx.env }).port;
    } catch (err) {
      return [{ severity: "error", message: errorMessage(err), path: "gateway.port" }];
    }
    const out: DoctorFinding[] = [];
    const runtime = readGatewayRuntime(ctx.stateDir);
    if (runtime && isPidAlive(runtime.pid)) {
      out.push({
        severity: "info",
        message:
          `Gateway running: pid ${runtime.pid} on port ${runtime.port} since ${runtime.startedAt}`,
      });
      if (runtime.port !== port) {
        out.push({
          severity: "warn",
          message: `The running gateway listens on ${runtime.port} but the config says ${port}`,
          fix: "Restart the gateway to apply the new port",
        });
      }
      const listeners = await ctx.probes.findPortListeners(runtime.port);
      if (listeners.length && !listeners.some((l) => l.pid === runtime.pid)) {
        out.push({
          severity: "warn",
          message:
            `The runtime file names pid ${runtime.pid}, but port ${runtime.port} is held by ${
              holders(listeners)
            }`,
          fix: "openclaw gateway status",
        });
      }
      out.push(...await inspectorDoctorFindings(ctx));
      return out;
    }
    if (runtime) {
      out.push({
        severity: "warn",
        message: `Stale runtime file: pid ${runtime.pid} (port ${runtime.port}) is not running`,
        path: gatewayRuntimePath(ctx.stateDir),
        fix: "doctor --fix removes it",
        fixable: true,
      });
    }
    const listeners = await ctx.probes.findPortListeners(port);
    if (listeners.length) {
      out.push({
        severity: "error",
        message: `Port ${port} is in use by ${holders(listeners)}: the gateway cannot listen there`,
        path: "gateway.port",
        fix: "Stop that process, pick another port (openclaw config set gateway.port <port>), " +
          "or start with: openclaw gateway --force",
      });
    } else {
      out.push({ severity: "info", message: `Gateway is not running; port ${port} is free` });
    }
    return out;
  },
  fix(ctx) {
    const runtime = readGatewayRuntime(ctx.stateDir);
    if (!runtime || isPidAlive(runtime.pid)) return Promise.resolve([]);
    try {
      Deno.removeSync(gatewayRuntimePath(ctx.stateDir));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return Promise.resolve([`Removed the stale runtime file (pid ${runtime.pid})`]);
  },
};
