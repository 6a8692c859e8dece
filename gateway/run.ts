/**
 * The gateway process: start a server, wait for it to end, start it again after a restart
 * (same pid), and turn signals into stops (SIGTERM/SIGINT) and restarts (SIGUSR1).
 *
 * @module
 */
import { createWindowLimiter } from "./rate_limit.ts";
import { type GatewayStartOptions, type RunningGateway, startGateway } from "./server.ts";

/** Runs the gateway until it is stopped; returns the process exit code. Start errors throw. */
export async function runGateway(
  options: Omit<GatewayStartOptions, "controlPlaneLimiter">,
): Promise<number> {
  const controlPlaneLimiter = createWindowLimiter({ limit: 3, windowMs: 60_000 });
  let current: RunningGateway | undefined;
  let stopRequested = false;

  const onStop = (signal: string) => () => {
    stopRequested = true;
    void current?.stop(`received ${signal}`);
  };
  // Refusing a restart into a config that cannot start is requestRestart's job (preflight).
  const onRestart = () => current?.state.requestRestart("SIGUSR1", 0);
  const handlers: [Deno.Signal, () => void][] = [["SIGTERM", onStop("SIGTERM")], [
    "SIGINT",
    onStop("SIGINT"),
  ]];
  if (Deno.build.os !== "windows") handlers.push(["SIGUSR1", () => void onRestart()]);
  for (const [sig, fn] of handlers) Deno.addSignalListener(sig, fn);
  try {
    let first = true;
    while (true) {
      current = await startGateway({
        ...options,
        controlPlaneLimiter,
        announce: first ? options.announce : undefined,
      });
      if (first) {
        const s = current.state;
        options.announce?.(`Gateway listening on ${current.url} (PID ${Deno.pid})`);
        options.announce?.(`Log file: ${s.logFile ?? "(file logging off)"}`);
        const dash = current.url.replace(/^ws:/, "http:");
        options.announce?.(`Dashboard: ${dash}/`);
        first = false;
      }
      const exit = await current.finished;
      if (!exit.restart || stopRequested) return 0;
    }
  } finally {
    for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
  }
}
