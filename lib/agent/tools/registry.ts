/**
 * The tool registry: every tool an agent can call (or a client can invoke through `tools.invoke` /
 * `POST /tools/invoke`) is registered here with a JSON Schema for its input, and every call goes
 * through the registry's policies first. Policies are the hook for `tools.allow`/`tools.deny`,
 * tool profiles, per-agent and per-surface rules: each may deny, none may force an allow.
 *
 * @module
 */
import { z } from "zod";
import type { OpenClawConfig } from "../../config/schema.ts";
import { OpenClawError } from "../../errors.ts";
import { HTTP_DEFAULT_DENY } from "../../tools/policy_layers.ts";
import type { ToolContext, ToolDefinition, ToolSurface } from "../../tools/types.ts";
import type { SessionSummary, TranscriptMessage } from "../contract.ts";
import type { SessionEntry } from "../sessions/store.ts";

export type { ToolDefinition, ToolSurface };

/** Session access tools get (bound to the runtime that runs them). */
export interface ToolSessionAccess {
  list(options?: { agentId?: string; limit?: number }): Promise<SessionSummary[]>;
  history(
    options: { sessionKey: string; agentId?: string; limit?: number },
  ): Promise<TranscriptMessage[]>;
  entry(options: { sessionKey: string; agentId?: string }): Promise<SessionEntry | undefined>;
}

/**
 * What the runtime hands a tool: the shared {@linkcode ToolContext} plus the config, the run and
 * session access (tools that need them declare this type for their `ctx`).
 */
export interface AgentToolContext extends ToolContext {
  config: OpenClawConfig;
  /** Set during a turn. */
  runId?: string;
  sessions: ToolSessionAccess;
}

/** A registered tool, whatever its argument type. */
// deno-lint-ignore no-explicit-any -- the registry holds tools of every argument type
export type AnyTool = ToolDefinition<any>;

/** A policy question: may this caller use this tool here? */
export interface ToolPolicyRequest {
  tool: string;
  agentId: string;
  surface: ToolSurface;
  sessionKey?: string;
  config: OpenClawConfig;
  /** The provider of the model that wants the tool, during a turn. */
  provider?: string;
  /** The model that wants the tool (`provider/model`), during a turn. */
  model?: string;
}

/** A policy's answer; `true`/`undefined` allow, `false` denies without a reason. */
export type ToolPolicyDecision = boolean | undefined | { allow: boolean; reason?: string };

/**
 * A policy hook: `tools.allow`/`deny`, profiles, sandbox rules (lib/tools/policy.ts) plug in
 * here.
 */
export type ToolPolicyHook = (request: ToolPolicyRequest) => ToolPolicyDecision;

/** Thrown by a tool when its arguments are wrong (reported as `invalid_request`). */
export class ToolInputError extends OpenClawError {
  constructor(message: string, hint?: string) {
    super("TOOL_INPUT_INVALID", message, { hint });
    this.name = "ToolInputError";
  }
}

/** Tools and the policies that gate them. */
export class ToolRegistry {
  #tools = new Map<string, AnyTool>();
  #schemas = new Map<AnyTool, Record<string, unknown>>();
  #policies: { name: string; policy: ToolPolicyHook }[] = [];

  /**
   * Registers a tool (names are case-insensitive). Returns a function that unregisters it.
   *
   * @throws {TypeError} When a tool of that name is already registered.
   */
  register<A>(tool: ToolDefinition<A>): () => void {
    const key = tool.name.trim().toLowerCase();
    if (!/^[a-z0-9_-]{1,64}$/.test(key)) {
      throw new TypeError(
        `Cannot register tool "${tool.name}": names are [a-z0-9_-], 1\u201364 chars`,
      );
    }
    if (this.#tools.has(key)) {
      throw new TypeError(`Cannot register tool "${tool.name}": already registered`);
    }
    this.#tools.set(key, tool);
    return () => {
      if (this.#tools.get(key) === tool) this.#tools.delete(key);
    };
  }

  /** Returns the tool called `name`. */
  get(name: string): AnyTool | undefined {
    return this.#tools.get(name.trim().toLowerCase());
  }

  /** Every registered tool, in registration order. */
  list(): AnyTool[] {
    return [...this.#tools.values()];
  }

  /** Adds a policy; `name` shows in denial reasons. Returns a function that removes it. */
  addPolicy(name: string, policy: ToolPolicyHook): () => void {
    const item = { name, policy };
    this.#policies.push(item);
    return () => {
      this.#policies = this.#policies.filter((p) => p !== item);
    };
  }

  /** Asks every policy; the first denial wins. A throwing policy denies. */
  check(request: ToolPolicyRequest): { allow: true } | { allow: false; reason: string } {
    for (const { name, policy } of this.#policies) {
      let decision: ToolPolicyDecision;
      try {
        decision = policy(request);
      } catch (err) {
        return { allow: false, reason: `policy "${name}" failed: ${(err as Error).message}` };
      }
      if (decision === undefined || decision === true) continue;
      if (decision === false) return { allow: false, reason: `denied by ${name}` };
      if (!decision.allow) return { allow: false, reason: decision.reason ?? `denied by ${name}` };
    }
    return { allow: true };
  }

  /** The tools `request` (without `tool`) may use. */
  allowed(request: Omit<ToolPolicyRequest, "tool">): AnyTool[] {
    return this.list().filter((t) => this.check({ ...request, tool: t.name }).allow);
  }

  /** The JSON Schema of a tool's input, as the model sees it (computed once per tool). */
  inputJsonSchema(tool: AnyTool): Record<string, unknown> {
    let schema = this.#schemas.get(tool);
    if (!schema) {
      const { $schema: _, ...rest } = z.toJSONSchema(tool.inputSchema, { io: "input" }) as Record<
        string,
        unknown
      >;
      schema = rest.type === "object" ? rest : { type: "object", properties: {} };
      this.#schemas.set(tool, schema);
    }
    return schema;
  }

  /**
   * Validates arguments against a tool's schema.
   *
   * @throws {ToolInputError} Naming each problem's path.
   */
  parseArgs(tool: AnyTool, args: unknown): unknown {
    const result = tool.inputSchema.safeParse(args ?? {});
    if (result.success) return result.data;
    const problems = result.error.issues.map((i) =>
      i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message
    );
    throw new ToolInputError(`Invalid arguments for tool "${tool.name}": ${problems.join("; ")}`);
  }
}

/** Tools `POST /tools/invoke` refuses unless `gateway.tools.allow` re-allows them (one list). */
export const DEFAULT_HTTP_TOOL_DENY: readonly string[] = HTTP_DEFAULT_DENY;

/** The HTTP surface's deny list: the defaults minus `gateway.tools.allow` plus `.deny`. */
export const httpToolPolicy: ToolPolicyHook = (request) => {
  if (request.surface !== "http") return true;
  const name = request.tool.toLowerCase();
  const cfg = request.config.gateway?.tools;
  const allow = new Set((cfg?.allow ?? []).map((t) => t.toLowerCase()));
  const deny = new Set([
    ...DEFAULT_HTTP_TOOL_DENY.filter((t) => !allow.has(t)),
    ...(cfg?.deny ?? []).map((t) => t.toLowerCase()),
  ]);
  return deny.has(name)
    ? { allow: false, reason: `tool "${request.tool}" is denied over HTTP (gateway.tools.deny)` }
    : true;
};
