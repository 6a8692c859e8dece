/**
 * The gateway process: start a server, wait for it to end, start it again after a restart
 * (same pid), and turn signals into stops (SIGTERM/SIGINT) and restarts (SIGHUP).
 *
 * Never SIGUSR1: Deno (>= 2.9.2) answers it by opening an unauthenticated V8 inspector on
 * 127.0.0.1:9229, which would let any local user run code inside the gateway, so the gateway
 * neither listens for it nor asks anyone to send it. SIGHUP is as safe as any signal: only the
 * same user (or root) may send it.
 *
 * @module
 */
import { getLogger } from "../lib/log/mod.ts";
import { CONTROL_PLANE_WRITE_LIMIT } from "../lib/protocol/scopes.ts";
import { createWindowLimiter } from "./rate_limit.ts";
import { type GatewayStartOptions, type RunningGateway, startGateway } from "./server.ts";

/** Runs the gateway until it is stopped; returns the process exit code. Start errors throw. */
export async function runGateway(
  options: Omit<GatewayStartOptions, "controlPlaneLimiter">,
): Promise<number> {
  const controlPlaneLimiter = createWindowLimiter({
    limit: CONTROL_PLANE_WRITE_LIMIT.maxRequests,
    windowMs: CONTROL_PLANE_WRITE_LIMIT.windowMs,
  });
  let current: RunningGateway | undefined;
  let starting = false;
  let stopRequested: string | undefined;

  // A signal that arrives while a start is still running has no gateway to stop yet: it is
  // remembered and honoured as soon as the start returns (it was lost before, and the gateway
  // kept running after a SIGTERM sent during its start).
  const onStop = (signal: string) => () => {
    stopRequested = `received ${signal}`;
    // Said at once, so whoever sent it knows it was heard while the start still runs.
    if (starting) getLogger("gateway").info(`${stopRequested} during start: stopping when it ends`);
    else void current?.stop(stopRequested);
  };
  // Refusing a restart into a config that cannot start is requestRestart's job (preflight).
  const onRestart = () => current?.state.requestRestart("SIGHUP", 0);
  const handlers: [Deno.Signal, () => void][] = [["SIGTERM", onStop("SIGTERM")], [
    "SIGINT",
    onStop("SIGINT"),
  ]];
  if (Deno.build.os !== "windows") handlers.push(["SIGHUP", () => void onRestart()]);
  for (const [sig, fn] of handlers) Deno.addSignalListener(sig, fn);
  try {
    let first = true;
    while (true) {
      starting = true;
      try {
        current = await startGateway({
          ...options,
          controlPlaneLimiter,
          announce: first ? options.announce : undefined,
        });
      } finally {
        starting = false;
      }
      if (stopRequested !== undefined) {
        await current.stop(`${stopRequested} during start`);
        return 0;
      }
      if (first) {
        const s = current.state;
        options.announce?.(`Gateway listening on ${current.url} (PID ${Deno.pid})`);
        options.announce?.(`Log file: ${s.logFile ?? "(file logging off)"}`);
        const dash = current.url.replace(/^ws:/, "http:");
        options.announce?.(`Dashboard: ${dash}/`);
        first = false;
      }
      const exit = await current.finished;
      if (!exit.restart || stopRequested !== undefined) return 0;
    }
  } finally {
    for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
  }
}
