/**
 * `POST /tools/invoke` (protocol.md §10.5): one tool call over HTTP, on by default. Tools that can
 * run commands, write files or reach other sessions are denied here unless
 * `gateway.tools.allow` re-allows them; `gateway.tools.deny` adds more. A denied tool answers as
 * if it did not exist (404), before the runtime is even loaded.
 *
 * @module
 */
import type { Context } from "hono";
import type { ToolInvokeResult } from "../../lib/agent/contract.ts";
import { HTTP_DEFAULT_DENY, isHttpToolDeniedBy } from "../../lib/tools/policy_layers.ts";
import type { AgentHost } from "../agent_runtime.ts";
import { listAgents } from "../../lib/agent/agents.ts";
import type { ToolRegistry } from "../../lib/agent/tools/registry.ts";
import { headerAgent, jsonResponse, readJsonObject } from "./_api.ts";
import { HttpError } from "./errors.ts";

/** Body limit of `/tools/invoke`. */
export const TOOLS_INVOKE_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Tools `/tools/invoke` refuses unless re-allowed (stock default; one list for every layer). */
export const HTTP_TOOL_DENY_DEFAULT: readonly string[] = HTTP_DEFAULT_DENY;

/**
 * Returns true when `gateway.tools` (and the default list) deny `name` over HTTP; entries match
 * as in every tool list (case-insensitive, `bash` = `exec`, `group:*`, wildcards).
 */
export function isHttpToolDenied(
  name: string,
  tools: { allow?: string[]; deny?: string[] } | undefined,
): boolean {
  return isHttpToolDeniedBy(name, tools);
}

type ToolErrorType = Extract<ToolInvokeResult, { ok: false }>["error"]["type"];

const STATUS: Record<ToolErrorType, 400 | 403 | 404 | 500> = {
  invalid_request: 400,
  forbidden: 403,
  not_found: 404,
  failed: 500,
};

/** A `/tools/invoke` failure: `{ok:false, error:{type, message}}` (§10.5). */
function fail(status: number, type: string, message: string, cause?: unknown): HttpError {
  return new HttpError(status, {
    message,
    type,
    body: { ok: false, error: { type, message } },
    cause,
  });
}

/** {@linkcode readJsonObject} with its 400/413 in the `/tools/invoke` shape. */
async function readBody(req: Request): Promise<Record<string, unknown>> {
  try {
    return await readJsonObject(req, TOOLS_INVOKE_BODY_LIMIT_BYTES);
  } catch (err) {
    if (err instanceof HttpError) throw fail(err.status, "invalid_request", err.message, err);
    throw err;
  }
}

/** The runtime's tool catalog (names and schemas), loaded on the first call that needs it. */
async function toolSchemas(): Promise<ToolRegistry> {
  const { toolCatalog } = await import("../../lib/agent/tools/runtime_tools.ts");
  return toolCatalog();
}

/** Stock's rule: `action` goes into `args` only when the tool takes one and `args` has none. */
function takesAction(registry: ToolRegistry, name: string): boolean {
  const tool = registry.get(name);
  if (!tool) return false;
  const props = registry.inputJsonSchema(tool).properties;
  return typeof props === "object" && props !== null && "action" in props;
}

/** The agent the request names: `agentId`, else `x-openclaw-agent-id`, else the session key's. */
function pickAgent(c: Context, host: AgentHost, body: Record<string, unknown>): string {
  const agents = listAgents(host.config);
  const keyAgent = /^agent:([^:]+):/.exec((body.sessionKey as string | undefined) ?? "")?.[1];
  let fromHeader: string | undefined;
  try {
    fromHeader = headerAgent(host, c.req.raw.headers);
  } catch (err) {
    if (err instanceof HttpError) throw fail(400, "invalid_request", err.message, err);
    throw err;
  }
  const wanted = ((body.agentId as string | undefined) ?? fromHeader ?? keyAgent)?.toLowerCase();
  const agent = wanted
    ? agents.find((a) => a.id.toLowerCase() === wanted)
    : agents.find((a) => a.isDefault) ?? agents[0];
  if (!agent) throw fail(400, "invalid_request", `Unknown agent '${wanted}'.`);
  return agent.id;
}

/**
 * Handles one `POST /tools/invoke` (auth already passed). The chapter's body
 * `{"tool":"sessions_list","action":"json","args":{}}` works as in stock: `action` ends up in
 * `args` only for tools whose schema has one. `dryRun: true` checks the tool, the policy and the
 * arguments and answers `{ok:true, dryRun:true, tool, agentId, args}` without running anything.
 *
 * @throws {HttpError} 400/403/404 `{ok:false,...}` for a bad request or a denied tool, 503
 *   `{error:{type:"unavailable",...}}` when the runtime cannot start.
 */
export async function handleToolsInvoke(c: Context, host: AgentHost): Promise<Response> {
  const body = await readBody(c.req.raw);
  const rawName = body.name ?? body.tool;
  if (typeof rawName !== "string" || rawName.trim() === "") {
    throw fail(400, "invalid_request", "tool (or name) is required");
  }
  const name = rawName.trim();
  if (
    body.args !== undefined && body.args !== null &&
    (typeof body.args !== "object" || Array.isArray(body.args))
  ) {
    throw fail(400, "invalid_request", "args must be an object");
  }
  for (const k of ["sessionKey", "agentId", "action"] as const) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== "string") {
      throw fail(400, "invalid_request", `${k} must be a string`);
    }
    if (body[k] === null) delete body[k];
  }
  if (body.dryRun !== undefined && body.dryRun !== null && typeof body.dryRun !== "boolean") {
    throw fail(400, "invalid_request", "dryRun must be a boolean");
  }
  const dryRun = body.dryRun === true;
  if (isHttpToolDenied(name, host.config.gateway?.tools)) {
    throw fail(404, "not_found", `Tool not available: ${name}`);
  }
  const agentId = pickAgent(c, host, body);
  const args: Record<string, unknown> = { ...(body.args as Record<string, unknown> ?? {}) };
  const action = typeof body.action === "string" ? body.action.trim() : "";
  const registry = action !== "" || dryRun ? await toolSchemas() : undefined;
  // Stock's rule: `action` joins `args` only for tools that take one (the chapter's
  // `sessions_list` does not) and only when `args` does not set it.
  if (registry && action !== "" && args.action === undefined && takesAction(registry, name)) {
    args.action = action;
  }
  if (dryRun) return dryRunAnswer(registry!, host, name, agentId, body, args);

  let runtime;
  try {
    runtime = await host.agent();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // §10.5: the 503 is `{error:{type:"unavailable",...}}`, without `ok:false`.
    throw new HttpError(503, {
      message,
      type: "unavailable",
      body: { error: { type: "unavailable", message } },
      cause: err,
    });
  }
  const result = await runtime.invokeTool({
    name,
    args,
    sessionKey: body.sessionKey as string | undefined,
    agentId,
    surface: "http",
  });
  if (result.ok) return jsonResponse(200, { ok: true, result: result.output });
  throw fail(STATUS[result.error.type] ?? 500, result.error.type, result.error.message);
}

/** `dryRun: true`: the checks of a real call (tool, policy, arguments), then no execution. */
function dryRunAnswer(
  registry: ToolRegistry,
  host: AgentHost,
  name: string,
  agentId: string,
  body: Record<string, unknown>,
  args: Record<string, unknown>,
): Response {
  const tool = registry.get(name);
  if (!tool) throw fail(404, "not_found", `Tool "${name}" is not available`);
  const sessionKey = body.sessionKey as string | undefined;
  const decision = registry.check({
    tool: tool.name,
    agentId,
    surface: "http",
    sessionKey: sessionKey ?? `agent:${agentId}:main`,
    config: host.config,
  });
  if (!decision.allow) throw fail(403, "forbidden", decision.reason);
  try {
    registry.parseArgs(tool, args);
  } catch (err) {
    throw fail(400, "invalid_request", err instanceof Error ? err.message : String(err), err);
  }
  return jsonResponse(200, {
    ok: true,
    dryRun: true,
    tool: tool.name,
    agentId,
    ...(sessionKey ? { sessionKey } : {}),
    args,
  });
}
