/**
 * The `tailscale` subsystem: Tailscale Serve / Funnel for the gateway (`gateway.tailscale.mode`
 * or `gateway --tailscale`), as a degradable add-on -- never a reason for the gateway to exit.
 *
 * `off` never runs `tailscale`. Otherwise each attempt:
 * 1. checks the combination (stock's messages; a refusal degrades, it does not retry);
 * 2. asks `tailscale status --json`; no binary or a daemon that is not `Running` -> a loud
 *    warning, the gateway serves on its own address only, and a retry after a backoff
 *    (2 s doubling to 5 min) on the start's clock;
 * 3. ends a claim a killed predecessor left running (claim_record.ts) and removes background
 *    routes that target this gateway (older releases' `serve --bg`), so routes never pile up;
 * 4. starts the managed listener (relay.ts: an ephemeral loopback port piped to the gateway,
 *    whose connections the gateway recognises through ingress.ts) and the foreground claim
 *    (claim.ts) to it -- retrying once through `sudo -n` when tailscaled refuses the user -- and
 *    waits until `serve status` shows the route;
 * 5. logs `serve enabled: https://<host>/` and watches the claim: if it exits, the route is
 *    gone, so it warns and retries.
 * `stop` ends the claim, which removes the route, and closes the listener.
 *
 * Everything that runs `tailscale` (the status check, the claim and its record, the relay, the
 * `serve status` reader) is imported by the first attempt, so the default `off` loads none of
 * it (and leaves `<stateDir>/tailscale/` alone).
 *
 * @module
 */
import {
  TAILSCALE_MODES,
  tailscaleExposureProblems,
  type TailscaleMode,
} from "../../lib/config/schema/tailscale_exposure.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { TimerHandle } from "../../lib/clock.ts";
import { isLoopbackAddress } from "../auth.ts";
import type { GatewayState } from "../state.ts";
import type { GatewaySubsystem, SubsystemContext } from "../subsystems/lifecycle.ts";
import type { ServeClaim } from "./claim.ts";
import type { ManagedTailscaleIngress } from "./ingress.ts";
import type { LoopbackRelay } from "./relay.ts";

/** The part of the gateway state the subsystem reads. */
export type TailscaleHost = Pick<
  GatewayState,
  "config" | "stateDir" | "port" | "host" | "bindMode" | "auth" | "url"
>;

/** Options of {@linkcode tailscaleSubsystem}. */
export interface TailscaleOptions {
  /** The `--tailscale` flag, which wins over `gateway.tailscale.mode`. */
  mode?: string;
  /**
   * Told which connections came through the managed listener and what it serves, so the
   * gateway can accept Tailscale identity headers on those only (ingress.ts).
   */
  ingress?: Pick<ManagedTailscaleIngress, "configure" | "track">;
}

/** Where the exposure is. */
export type ExposureState = "off" | "refused" | "claiming" | "serving" | "waiting" | "stopped";

/** Retry delays: 2 s doubling, at most 5 min. */
export function retryDelayMs(attempt: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/** How long a new claim may take to show up in `serve status`. */
const ACTIVATION_TIMEOUT_MS = 10_000;
const ACTIVATION_POLL_MS = 250;

const PERMISSION =
  /access denied|permission denied|not permitted|operator|use sudo|sudo tailscale/i;

/** The modules an exposure runs on, imported when the first attempt starts. */
async function loadMachinery() {
  const [tailnet, exec, claim, record, relay, serve] = await Promise.all([
    import("../../lib/discovery/tailnet.ts"),
    import("../../lib/service/exec.ts"),
    import("./claim.ts"),
    import("./claim_record.ts"),
    import("./relay.ts"),
    import("./serve_status.ts"),
  ]);
  return {
    readTailscaleStatus: tailnet.readTailscaleStatus,
    /** Runs `tailscale <args>` with the usual deadline. */
    tailscale: (args: string[]) =>
      exec.runCommand("tailscale", args, { timeoutMs: tailnet.TAILSCALE_CALL_TIMEOUT_MS }),
    spawnClaim: claim.spawnClaim,
    endStaleClaim: record.endStaleClaim,
    readClaimRecord: record.readClaimRecord,
    removeClaimRecord: record.removeClaimRecord,
    writeClaimRecord: record.writeClaimRecord,
    startLoopbackRelay: relay.startLoopbackRelay,
    loopbackTargetPort: serve.loopbackTargetPort,
    parseServeStatus: serve.parseServeStatus,
  };
}

type Machinery = Awaited<ReturnType<typeof loadMachinery>>;

/** The subsystem. */
export function tailscaleSubsystem(
  host: TailscaleHost,
  options: TailscaleOptions = {},
): GatewaySubsystem {
  let ctx: SubsystemContext | undefined;
  let mode: string = "off";
  let state: ExposureState = "off";
  let url: string | undefined;
  let lastError: string | undefined;
  let failures = 0;
  let nextRetryAt: number | undefined;
  let timer: TimerHandle | undefined;
  let claim: ServeClaim | undefined;
  let relay: LoopbackRelay | undefined;
  let targetPort: number | undefined;
  let generation = 0;
  // Set by the first attempt; `undefined` means nothing of Tailscale's ever ran.
  let loaded: Machinery | undefined;

  const sleep = (ms: number) => new Promise<void>((r) => ctx!.clock.setTimeout(r, ms));

  const schedule = (why: string) => {
    failures++;
    lastError = why;
    state = "waiting";
    const delay = retryDelayMs(failures);
    nextRetryAt = ctx!.clock.now() + delay;
    ctx!.log.warn(
      `Tailscale ${mode} unavailable: ${why}. The gateway keeps serving on ${host.url} only ` +
        `(no ${mode} route); retrying in ${Math.round(delay / 1000)} s`,
    );
    const mine = generation;
    timer = ctx!.clock.setTimeout(() => {
      timer = undefined;
      if (mine === generation) void attempt(mine);
    }, delay);
  };

  const releaseClaim = async () => {
    const c = claim;
    claim = undefined;
    await c?.stop();
    relay?.close();
    relay = undefined;
    targetPort = undefined;
    options.ingress?.configure(undefined);
    loaded?.removeClaimRecord(host.stateDir);
  };

  /** Ends what a previous gateway left: its claim process and background routes to us. */
  const clearPredecessors = async (m: Machinery) => {
    const { endStaleClaim, loopbackTargetPort, parseServeStatus, tailscale } = m;
    const log = ctx!.log;
    const record = m.readClaimRecord(host.stateDir);
    if (record && await endStaleClaim(record)) {
      log.info(`ended the Tailscale claim a previous gateway left running (pid ${record.pid})`);
    }
    m.removeClaimRecord(host.stateDir);
    const ours = new Set([host.port, ...(record ? [record.targetPort] : [])]);
    const status = await tailscale(["serve", "status", "--json"]);
    for (const route of parseServeStatus(status.stdout)) {
      const port = loopbackTargetPort(route.proxy);
      if (route.foreground || port === undefined || !ours.has(port)) continue;
      const off = await tailscale([
        "serve",
        "--yes",
        `--https=${route.httpsPort}`,
        `--set-path=${route.path}`,
        "off",
      ]);
      log.info(
        `Tailscale route adopted from a previous OpenClaw release and removed: ` +
          `https://${route.hostPort}${route.path} \u2192 ${route.proxy}` +
          (off.code === 0 ? "" : ` (removal failed: ${off.stderr.trim() || off.code})`),
      );
    }
  };

  /** Waits until `serve status` shows a route to `port`, or the claim exits. */
  const waitActive = async (m: Machinery, c: ServeClaim, port: number, mine: number) => {
    const { loopbackTargetPort, parseServeStatus, tailscale } = m;
    let exited: number | undefined;
    void c.exited.then((code) => exited = code);
    for (let waited = 0; waited < ACTIVATION_TIMEOUT_MS; waited += ACTIVATION_POLL_MS) {
      if (mine !== generation) return "stale" as const;
      if (exited !== undefined) return { exited };
      const routes = parseServeStatus((await tailscale(["serve", "status", "--json"])).stdout);
      if (routes.some((r) => loopbackTargetPort(r.proxy) === port)) return "active" as const;
      await sleep(ACTIVATION_POLL_MS);
    }
    return exited === undefined ? "timeout" as const : { exited };
  };

  const claimRoute = async (
    m: Machinery,
    mine: number,
    sudo: boolean,
  ): Promise<string | undefined> => {
    const log = ctx!.log;
    if (targetPort === undefined) {
      // Always the dedicated listener, also on a loopback bind: it is how the gateway tells
      // tailscaled's requests from a local client's.
      const ingress = options.ingress;
      relay = m.startLoopbackRelay(
        { hostname: host.host, port: host.port },
        log,
        ingress ? { onUpstream: (local) => ingress.track(local) } : {},
      );
      targetPort = relay.port;
      ingress?.configure({ mode: mode as "serve" | "funnel" });
    }
    const c = m.spawnClaim({ mode: mode as "serve" | "funnel", targetPort, sudo });
    claim = c;
    m.writeClaimRecord(host.stateDir, {
      pid: c.pid,
      mode: mode as "serve" | "funnel",
      targetPort,
      gatewayPort: host.port,
      startedAt: new Date(ctx!.clock.now()).toISOString(),
    });
    const outcome = await waitActive(m, c, targetPort, mine);
    if (outcome === "active" || outcome === "stale") return undefined;
    const detail = c.output().trim().split("\n").filter(Boolean).slice(-3).join(" ");
    await releaseClaim();
    if (outcome === "timeout") {
      return `the route did not come up within ${ACTIVATION_TIMEOUT_MS / 1000} s` +
        (detail ? ` (${detail})` : "");
    }
    if (!sudo && PERMISSION.test(detail)) {
      log.warn(`tailscale refused the claim (${detail}); trying again with sudo -n`);
      return await claimRoute(m, mine, true);
    }
    const hint = PERMISSION.test(detail)
      ? "; allow it with: sudo tailscale set --operator=$USER"
      : "";
    return `\`${c.command}\` exited with code ${outcome.exited}` +
      (detail ? `: ${detail}` : "") + hint;
  };

  const attempt = async (mine: number) => {
    const log = ctx!.log;
    state = "claiming";
    nextRetryAt = undefined;
    try {
      const machinery = loaded ??= await loadMachinery();
      if (mine !== generation) return;
      const status = await machinery.readTailscaleStatus();
      if (mine !== generation) return;
      if (!status.installed) return schedule("tailscale is not installed (not on PATH)");
      if (!status.running) {
        const st = status.backendState ? ` (state ${status.backendState})` : "";
        return schedule(`tailscaled is not running${st}${status.error ? `: ${status.error}` : ""}`);
      }
      await clearPredecessors(machinery);
      if (mine !== generation) return;
      const failure = await claimRoute(machinery, mine, false);
      if (mine !== generation) return;
      if (failure) return schedule(failure);
      failures = 0;
      lastError = undefined;
      state = "serving";
      url = status.dnsName ? `https://${status.dnsName}/` : undefined;
      options.ingress?.configure({
        mode: mode as "serve" | "funnel",
        ...(status.dnsName ? { hostName: status.dnsName } : {}),
      });
      log.info(
        url
          ? `${mode} enabled: ${url} (WS via wss://${status.dnsName})`
          : `${mode} enabled (tailnet name unknown)`,
      );
      const c = claim!;
      void c.exited.then((code) => {
        if (mine !== generation || claim !== c) return;
        void releaseClaim().then(() =>
          schedule(`the route claim exited (code ${code}); managed Tailscale ingress is down`)
        );
      });
    } catch (err) {
      if (mine === generation) {
        await releaseClaim().catch(() => {});
        schedule(errorMessage(err));
      }
    }
  };

  return {
    id: "tailscale",
    required: false,
    after: ["server"],
    start(context) {
      ctx = context;
      mode = options.mode ?? host.config.gateway?.tailscale?.mode ?? "off";
      if (!(TAILSCALE_MODES as readonly string[]).includes(mode)) {
        state = "refused";
        lastError = `Invalid --tailscale (use "off", "serve", or "funnel")`;
        return;
      }
      if ((mode as TailscaleMode) === "off") {
        state = "off";
        return;
      }
      const problems = tailscaleExposureProblems({
        mode,
        bind: isLoopbackAddress(host.host) ? "loopback" : host.bindMode,
        authMode: host.auth.mode,
        passwordConfigured: false,
      });
      if (problems.length > 0) {
        state = "refused";
        lastError = problems.join("; ");
        context.log.error(`${lastError}; the gateway is not exposed through Tailscale`);
        return;
      }
      void attempt(++generation);
    },
    async stop() {
      generation++;
      ctx?.clock.clearTimeout(timer);
      timer = undefined;
      const had = claim !== undefined;
      await releaseClaim();
      if (had) ctx?.log.info(`tailscale ${mode}: route removed`);
      if (state !== "off" && state !== "refused") state = "stopped";
    },
    health() {
      const degraded = state === "refused" || state === "waiting"
        ? { degraded: lastError ?? state }
        : {};
      return {
        mode,
        state,
        ...(url && state === "serving" ? { url } : {}),
        ...(targetPort !== undefined ? { target: `http://127.0.0.1:${targetPort}` } : {}),
        ...(lastError ? { lastError } : {}),
        ...(failures ? { failures } : {}),
        ...(nextRetryAt ? { nextRetryAt: new Date(nextRetryAt).toISOString() } : {}),
        ...degraded,
      };
    },
  };
}
