/**
 * The agent runtime behind the gateway's `agent`/`chat.*`/`sessions.*`/`tools.invoke` methods,
 * the HTTP API and `openclaw agent --local`: it implements the contract's `AgentRuntime` over the
 * session stores, the model catalog and the tool registry.
 *
 * Turns on one session are queued and never interleave; turns on different sessions run in
 * parallel. Model cooldowns are shared by all turns of one runtime. `updateConfig` swaps the
 * config for turns that start afterwards (the gateway's hot reload).
 *
 * @module
 */
import { errorMessage, isOpenClawError, OpenClawError } from "../errors.ts";
import { resolveCatalog } from "../models/catalog.ts";
import { ModelCooldowns } from "../models/cooldowns.ts";
import type { ModelCatalog } from "../models/types.ts";
import { getLogger } from "../log/mod.ts";
import { processEnv } from "../paths.ts";
import { defaultAgentId, listAgents, resolveAgent } from "./agents.ts";
import type {
  AgentStreamEvent,
  AgentTurnRequest,
  AgentTurnResult,
  ToolInvokeResult,
} from "./contract.ts";
import { resolveAgentRoute } from "./routing.ts";
import { type ActiveRun, RunTracker } from "./runs.ts";
import type {
  AgentRuntimeHandle,
  CreateAgentRuntimeOptions,
  SessionChange,
} from "./runtime_types.ts";
import {
  assertSessionId,
  buildMainSessionKey,
  canonicalSessionKey,
  normalizeAgentId,
  parseAgentSessionKey,
} from "./session_key.ts";
import { KeyedQueue } from "./sessions/queue.ts";
import { SessionService } from "./sessions/service.ts";
import { invokeToolForClient } from "./tool_runner.ts";
import { createRuntimeTools } from "./tools/runtime_tools.ts";
import type { AgentToolContext, ToolSessionAccess } from "./tools/registry.ts";
import { type AgentLogger, executeTurn } from "./turn.ts";
import { zeroUsage } from "./usage.ts";

function abortReason(): DOMException {
  return new DOMException("The run was aborted", "AbortError");
}

/** Creates the agent runtime. Nothing is read from disk until the first call. */
export function createAgentRuntime(options: CreateAgentRuntimeOptions): AgentRuntimeHandle {
  const env = options.env ?? processEnv();
  const now = options.now ?? Date.now;
  const log: AgentLogger = options.log ?? getLogger("agent");
  let config = options.config;
  const runtimeTools = options.tools ? undefined : createRuntimeTools({
    stateDir: options.stateDir,
    config: () => config,
    onSystemEvent: options.onSystemEvent,
    processes: options.processes,
  });
  const tools = options.tools ?? runtimeTools!.registry;
  const cooldowns = options.cooldowns ?? new ModelCooldowns();
  const maxSteps = options.maxSteps ?? 20;
  const prepareToolContext = options.prepareToolContext ?? runtimeTools?.prepare ??
    ((c: AgentToolContext) => c);
  const sessions = new SessionService(options.stateDir, {
    onCorrupt: (path, aside) => {
      log.warn("session store {path} was not valid JSON; moved it to {aside}", { path, aside });
    },
    onFlushError: (err) => {
      log.warn("cannot write the session store: {error}", { error: errorMessage(err) });
    },
  });
  const queue = new KeyedQueue();
  const runs = new RunTracker();
  const listeners = new Set<Parameters<AgentRuntimeHandle["subscribe"]>[0]>();
  const changeListeners = new Set<(change: SessionChange) => void>();
  const closing = new AbortController();
  let closed = false;

  // Resolved per turn (tens of microseconds): hot reloads and `secrets.reload` take effect at
  // the next turn without any invalidation.
  const catalogFor = (snapshot: typeof config) => (): Promise<ModelCatalog> =>
    resolveCatalog(snapshot, env, {
      ...(options.resolveSecret ? { resolveSecret: options.resolveSecret } : {}),
    });

  const notify = (change: SessionChange) => {
    for (const l of changeListeners) {
      try {
        l(change);
      } catch (err) {
        log.warn("session change listener failed: {error}", { error: errorMessage(err) });
      }
    }
  };

  const assertOpen = () => {
    if (closed) {
      throw new OpenClawError("AGENT_RUNTIME_CLOSED", "Cannot run: the agent runtime is closed", {
        hint: "The gateway is shutting down; retry after it restarts",
      });
    }
  };

  /** Resolves agent and canonical key from what a caller passed. */
  const target = (sessionKey: string | undefined, agentId: string | undefined) => {
    const mainKey = config.session?.mainKey;
    let agent = agentId ? normalizeAgentId(agentId) : undefined;
    let key: string | undefined;
    if (sessionKey !== undefined) {
      key = canonicalSessionKey(sessionKey, agent ?? defaultAgentId(config), mainKey);
      const keyAgent = parseAgentSessionKey(key)?.agentId;
      if (keyAgent && agent && keyAgent !== agent) {
        throw new OpenClawError(
          "SESSION_AGENT_MISMATCH",
          `Session key "${key}" belongs to agent "${keyAgent}", not "${agent}"`,
          { hint: "Omit the agent id, or use a session key of that agent" },
        );
      }
      agent ??= keyAgent;
    }
    agent ??= defaultAgentId(config);
    return { agentId: agent, sessionKey: key ?? buildMainSessionKey(agent, mainKey) };
  };

  const access: ToolSessionAccess = {
    list: (o) => runtime.listSessions(o),
    history: (o) => runtime.history(o),
    entry: (o) => {
      const t = target(o.sessionKey, o.agentId);
      return sessions.entry(t.agentId, t.sessionKey);
    },
  };

  const emitAll = (event: AgentStreamEvent, run: { agentId: string; sessionKey: string }) => {
    for (const l of listeners) {
      try {
        l(event, run);
      } catch (err) {
        log.warn("agent event subscriber failed: {error}", { error: errorMessage(err) });
      }
    }
  };

  const abortRuns = (match: (run: ActiveRun) => boolean): string[] => {
    const ids: string[] = [];
    for (const run of runs.active.values()) {
      if (!match(run)) continue;
      run.controller.abort(abortReason());
      ids.push(run.runId);
    }
    return ids;
  };

  const skippedResult = (run: ActiveRun, sessionId: string): AgentTurnResult => ({
    runId: run.runId,
    agentId: run.agentId,
    sessionKey: run.sessionKey,
    sessionId,
    text: "",
    model: "",
    stopReason: "aborted",
    usage: zeroUsage(),
    toolCalls: [],
  });

  const runtime: AgentRuntimeHandle = {
    tools,

    async runTurn(request: AgentTurnRequest): Promise<AgentTurnResult> {
      assertOpen();
      if (typeof request.message !== "string") {
        throw new OpenClawError("AGENT_REQUEST_INVALID", "Cannot run a turn: message is missing", {
          hint: "Pass the user's message as a string",
        });
      }
      const snapshot = config;
      let { agentId, sessionKey } = target(request.sessionKey, request.agentId);
      const agent = resolveAgent(snapshot, agentId, { stateDir: options.stateDir, env });
      agentId = agent.id;
      let sessionId: string | undefined;
      if (request.sessionId !== undefined) {
        sessionId = assertSessionId(request.sessionId);
        if (request.sessionKey === undefined) {
          sessionKey = await sessions.findKeyBySessionId(agentId, sessionId) ?? sessionKey;
        }
      }
      const runId = request.runId ?? crypto.randomUUID();
      if (runs.known(runId)) {
        throw new OpenClawError("AGENT_RUN_EXISTS", `Run "${runId}" already exists`, {
          hint: "Use a new run id (or idempotency key) for a new turn",
        });
      }
      const controller = new AbortController();
      const signal = AbortSignal.any([
        controller.signal,
        closing.signal,
        ...(request.signal ? [request.signal] : []),
      ]);
      const run: ActiveRun = { runId, agentId, sessionKey, controller, state: "queued" };
      runs.active.set(runId, run);
      const meta = { agentId, sessionKey };
      const emit = (event: AgentStreamEvent) => {
        emitAll(event, meta);
        request.onEvent?.(event);
      };
      const promise = queue.run(`${agentId}\u0000${sessionKey}`, async () => {
        if (signal.aborted) {
          const entry = await sessions.entry(agentId, sessionKey).catch(() => undefined);
          return skippedResult(run, entry?.sessionId ?? "");
        }
        run.state = "running";
        return await executeTurn({
          config: snapshot,
          agent,
          store: sessions.store(agentId),
          sessionKey,
          ...(sessionId ? { sessionId } : {}),
          runId,
          request,
          signal,
          catalog: catalogFor(snapshot),
          cooldowns,
          tools,
          sessions: access,
          stateDir: options.stateDir,
          prepareToolContext,
          now,
          log,
          maxSteps,
          emit,
        });
      }).catch((err): AgentTurnResult => ({
        // executeTurn does not throw; this guards the queue plumbing itself.
        ...skippedResult(run, ""),
        stopReason: "error",
        error: errorMessage(err),
      }));
      run.promise = promise;
      const result = await promise;
      runs.finish(result);
      if (result.sessionId) {
        notify({ agentId, sessionKey, reason: "turn", sessionId: result.sessionId });
      }
      return result;
    },

    abort({ sessionKey, runId, agentId }) {
      if (sessionKey === undefined && runId === undefined && agentId === undefined) return [];
      let key: string | undefined;
      let agent: string | undefined;
      try {
        if (sessionKey !== undefined) {
          ({ sessionKey: key, agentId: agent } = target(sessionKey, agentId));
        } else if (agentId !== undefined) agent = normalizeAgentId(agentId);
      } catch {
        return [];
      }
      return abortRuns((run) =>
        (runId === undefined || run.runId === runId) &&
        (key === undefined || run.sessionKey === key) &&
        (agent === undefined || run.agentId === agent)
      );
    },

    waitForRun(runId, timeoutMs) {
      return runs.wait(runId, timeoutMs);
    },

    async listSessions(opts = {}) {
      const ids = opts.agentId
        ? [normalizeAgentId(opts.agentId)]
        : listAgents(config).map((a) => a.id);
      return await sessions.list(ids, opts.limit);
    },

    async history(opts) {
      const t = target(opts.sessionKey, opts.agentId);
      return await sessions.history(t.agentId, t.sessionKey, opts.limit);
    },

    async resetSession(opts) {
      assertOpen();
      const t = target(opts.sessionKey, opts.agentId);
      const agent = resolveAgent(config, t.agentId, { stateDir: options.stateDir, env });
      abortRuns((run) => run.agentId === t.agentId && run.sessionKey === t.sessionKey);
      const out = await queue.run(
        `${t.agentId}\u0000${t.sessionKey}`,
        () => sessions.reset(t.agentId, t.sessionKey, agent.workspace, now()),
      );
      notify({ ...t, reason: "reset", sessionId: out.sessionId });
      return { sessionId: out.sessionId };
    },

    async deleteSession(opts) {
      assertOpen();
      const t = target(opts.sessionKey, opts.agentId);
      abortRuns((run) => run.agentId === t.agentId && run.sessionKey === t.sessionKey);
      const deleted = await queue.run(
        `${t.agentId}\u0000${t.sessionKey}`,
        () => sessions.delete(t.agentId, t.sessionKey, opts.deleteTranscript === true),
      );
      if (deleted) notify({ ...t, reason: "delete" });
      return { deleted };
    },

    agents() {
      return listAgents(config);
    },

    async invokeTool(opts): Promise<ToolInvokeResult> {
      let t: { agentId: string; sessionKey: string };
      let workspace: string;
      try {
        assertOpen();
        t = target(opts.sessionKey, opts.agentId);
        workspace = resolveAgent(config, t.agentId, { stateDir: options.stateDir, env }).workspace;
      } catch (err) {
        return {
          ok: false,
          toolName: opts.name,
          error: {
            type: isOpenClawError(err) ? "invalid_request" : "failed",
            message: errorMessage(err),
          },
        };
      }
      return await invokeToolForClient(
        tools,
        opts.name,
        opts.args,
        prepareToolContext({
          agentId: t.agentId,
          sessionKey: t.sessionKey,
          surface: opts.surface,
          workspace,
          stateDir: options.stateDir,
          sandboxed: false,
          config,
          signal: closing.signal,
          sessions: access,
        }),
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      closing.abort(abortReason());
      const pending = [...runs.active.values()].map((r) => r.promise).filter((p) => p);
      await Promise.allSettled(pending);
      // Turns write their bookkeeping behind; what is still in memory goes to disk now.
      await sessions.close().catch((err) => {
        log.warn("cannot write the session store: {error}", { error: errorMessage(err) });
      });
      await runtimeTools?.close();
      runs.releaseWaiters();
    },

    updateConfig(next) {
      config = next;
    },

    resolveRoute(input) {
      return resolveAgentRoute(config, input);
    },

    activeRuns() {
      return [...runs.active.values()].map((r) => ({
        runId: r.runId,
        agentId: r.agentId,
        sessionKey: r.sessionKey,
        state: r.state,
      }));
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    onSessionChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
  };
  return runtime;
}
