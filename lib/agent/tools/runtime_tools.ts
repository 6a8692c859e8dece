/**
 * The full tool set of a runtime: the built-in session/memory tools plus exec, process and the
 * file tools, gated by the `tools.*` policy (lib/tools/policy.ts), and for sandboxed sessions an
 * exec runner that starts (or reuses) the session's docker container on first use.
 *
 * @module
 */
import { resolveSessionSandbox } from "../../sandbox/config.ts";
import type { OpenClawConfig } from "../../config/schema.ts";
import { createCoreTools } from "../../tools/mod.ts";
import { resolveToolPolicy, type ToolPolicy } from "../../tools/policy.ts";
import { ProcessManager } from "../../tools/process_manager.ts";
import type { ExecRunner } from "../../tools/runner.ts";
import { browserTool } from "./browser_tool.ts";
import { createDefaultToolRegistry } from "./builtin.ts";
import type { AgentToolContext, ToolPolicyRequest, ToolRegistry } from "./registry.ts";

/** What {@linkcode createRuntimeTools} returns to the runtime. */
export interface RuntimeTools {
  registry: ToolRegistry;
  /** Sets `sandboxed`, the exec runner and the workspace for the call's session. */
  prepare(context: AgentToolContext): AgentToolContext;
  /** Kills every process the exec tool started, unless the caller owns the manager. */
  close(): Promise<void>;
}

/** Builds the registry, the policy hook and the sandbox wiring for one runtime. */
export function createRuntimeTools(
  options: {
    stateDir: string;
    config: () => OpenClawConfig;
    onSystemEvent?: (sessionKey: string, text: string) => void;
    /** Commands are started here; when given, its owner (not `close()`) kills them. */
    processes?: ProcessManager;
  },
): RuntimeTools {
  const processes = options.processes ?? new ProcessManager();
  const registry = createDefaultToolRegistry();
  for (const tool of createCoreTools({ manager: processes, config: options.config })) {
    registry.register(tool);
  }
  registry.register(browserTool);
  // `registry.allowed()` asks once per tool with the same request: the policy is resolved once
  // for all of them (it depends on the config object, never changed in place, and the strings).
  let last: { config: OpenClawConfig; key: string; policy: ToolPolicy } | undefined;
  const policyFor = (req: ToolPolicyRequest): ToolPolicy => {
    const key = JSON.stringify([req.agentId, req.sessionKey, req.surface, req.provider, req.model]);
    if (last?.config === req.config && last.key === key) return last.policy;
    const sandboxed = req.sessionKey
      ? resolveSessionSandbox(req.config, {
        agentId: req.agentId,
        sessionKey: req.sessionKey,
        stateDir: options.stateDir,
      })
        .sandboxed
      : false;
    const policy = resolveToolPolicy({
      config: req.config,
      agentId: req.agentId,
      sessionKey: req.sessionKey ?? `agent:${req.agentId}:main`,
      surface: req.surface,
      sandboxed,
      provider: req.provider,
      model: req.model,
    });
    last = { config: req.config, key, policy };
    return policy;
  };
  registry.addPolicy("tools policy (tools.allow/deny, profiles, agents, sandbox)", (req) => {
    const decision = policyFor(req).decide(req.tool);
    return { allow: decision.allowed, reason: decision.allowed ? undefined : decision.reason };
  });

  const prepare = (input: AgentToolContext): AgentToolContext => {
    const onSystemEvent = options.onSystemEvent;
    const ctx = onSystemEvent && !input.notify
      ? { ...input, notify: (text: string) => onSystemEvent(input.sessionKey, text) }
      : input;
    const decision = resolveSessionSandbox(ctx.config, {
      agentId: ctx.agentId,
      sessionKey: ctx.sessionKey,
      stateDir: options.stateDir,
    });
    if (!decision.sandboxed) return ctx;
    // The container is created on the first command, not when a turn merely could use tools.
    const runner: ExecRunner = {
      name: "sandbox",
      async spawn(request) {
        const { ensureSandbox, sandboxRunner } = await import("../../sandbox/mod.ts");
        const handle = await ensureSandbox({
          config: ctx.config,
          agentId: ctx.agentId,
          sessionKey: ctx.sessionKey,
          stateDir: options.stateDir,
          workspace: ctx.workspace,
          signal: ctx.signal,
        });
        return await sandboxRunner(handle).spawn(request);
      },
    };
    return { ...ctx, sandboxed: true, execRunner: runner };
  };

  const close = options.processes ? () => Promise.resolve() : () => processes.closeAll();
  return { registry, prepare, close };
}

let catalog: ToolRegistry | undefined;

/**
 * The runtime's tool set for questions about tools -- their names and input schemas -- without a
 * runtime: nothing can be started through it. Built once per process, on first use.
 *
 * @returns The same registry every runtime gets (policy hooks included, never run here).
 */
export function toolCatalog(): ToolRegistry {
  const config = {} as OpenClawConfig;
  // A manager of its own makes close() a no-op; nothing is ever started with it.
  catalog ??= createRuntimeTools({
    stateDir: "",
    config: () => config,
    processes: new ProcessManager(),
  }).registry;
  return catalog;
}
