/**
 * `gateway.health`: "Health check + restart prompt". When the runtime file names a live gateway,
 * ask its readiness probe (`/readyz`) and, when it is not ready or does not answer, say how to
 * restart it.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { isPidAlive, readGatewayRuntime } from "../../instance/runtime_file.ts";
import { openclawCommand } from "../../paths.ts";
import type { DoctorCheck, DoctorFinding } from "../types.ts";

/** How long the probe may take; the gateway answers it without I/O. */
const PROBE_TIMEOUT_MS = 3_000;
/** Bytes of the probe's body read (it is a small JSON object). */
const MAX_BODY_BYTES = 4_096;

/** The URL of `/readyz` at the gateway's recorded address (a wildcard bind is asked on loopback). */
export function readinessUrl(runtime: { host?: string; port: number; url?: string }): string {
  const secure = typeof runtime.url === "string" && runtime.url.startsWith("wss:");
  let host = runtime.host ?? "";
  if (host === "" || host === "0.0.0.0") host = "127.0.0.1";
  else if (host === "::") host = "[::1]";
  else if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
  return `${secure ? "https" : "http"}://${host}:${runtime.port}/readyz`;
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_BODY_BYTES));
}

function failingOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { failing?: unknown; status?: unknown };
    if (Array.isArray(parsed.failing) && parsed.failing.length) {
      return parsed.failing.map(String).join(", ");
    }
    return typeof parsed.status === "string" ? parsed.status : "unknown";
  } catch {
    return "unknown";
  }
}

/** `gateway.health`. */
export const gatewayHealthCheck: DoctorCheck = {
  id: "gateway.health",
  title: "Gateway health",
  order: 3,
  timeoutMs: 8_000,
  async run(ctx) {
    const runtime = readGatewayRuntime(ctx.stateDir);
    if (!runtime || !isPidAlive(runtime.pid)) {
      return {
        skip: "Gateway is not running here, so there is nothing to health-check " +
          `(start it: ${openclawCommand("gateway", ctx.env)})`,
      };
    }
    const restart = `${openclawCommand("gateway restart", ctx.env)} ` +
      `(then look at: ${openclawCommand("logs", ctx.env)})`;
    const who = `Gateway pid ${runtime.pid} on port ${runtime.port}`;
    const url = readinessUrl(runtime);
    let res: Response;
    try {
      res = await fetch(url, {
        redirect: "manual",
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]),
      });
    } catch (err) {
      return [{
        severity: "warn",
        message: `${who} does not answer its readiness probe (${url}): ${errorMessage(err)}`,
        fix: restart,
      }];
    }
    const body = await readBody(res);
    const out: DoctorFinding[] = [];
    if (res.status === 200) {
      out.push({ severity: "info", message: `${who} is healthy (GET /readyz: ready)` });
    } else if (res.status === 503) {
      out.push({
        severity: "warn",
        message: `${who} answers but is not ready: ${failingOf(body)}`,
        fix: restart,
      });
    } else {
      out.push({
        severity: "warn",
        message: `${who} answered its readiness probe with HTTP ${res.status}`,
        fix: restart,
      });
    }
    return out;
  },
};
