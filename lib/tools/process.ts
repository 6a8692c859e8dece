/**
 * The `process` tool: manages the background commands `exec` started in this session.
 * `list` (running and finished), `poll` (new output since the last poll, and the exit status),
 * `log` (lines by offset + limit), `write` (stdin, optional `eof`), `kill` (the whole process
 * group) and `clear` (forget finished records). Records are in memory only: they are lost when
 * the gateway restarts.
 *
 * @module
 */
import { z } from "zod";
import { OpenClawError } from "../errors.ts";
import { tailWithMarker } from "./output_buffer.ts";
import type { ProcessManager, ProcessRecord, ProcessScope } from "./process_manager.ts";
import type { ToolContext, ToolDefinition } from "./types.ts";

/** Most output one `poll` returns; the rest stays readable through `log`. */
const POLL_MAX_CHARS = 200_000;
/** Lines `log` returns when no `limit` is given. */
const DEFAULT_LOG_LINES = 200;

const ProcessArgsSchema = z.object({
  action: z.enum(["list", "poll", "log", "write", "kill", "clear"]).describe(
    "list | poll | log | write | kill | clear",
  ),
  sessionId: z.string().optional().describe("The sessionId exec returned (all but list)"),
  data: z.string().optional().describe("write: text to send to stdin"),
  eof: z.boolean().optional().describe("write: close stdin after the data"),
  offset: z.number().int().nonnegative().optional().describe(
    "log: first line (0-based); default: the last `limit` lines",
  ),
  limit: z.number().int().positive().optional().describe("log: number of lines (default 200)"),
  timeout: z.number().int().nonnegative().max(120_000).optional().describe(
    "poll: wait up to this many ms for new output or exit",
  ),
});

/** Arguments of `process`. */
export type ProcessArgs = z.infer<typeof ProcessArgsSchema>;

function summary(r: ProcessRecord, now: number) {
  return {
    sessionId: r.id,
    status: r.status,
    exitCode: r.exitCode,
    ...(r.signal ? { signal: r.signal } : {}),
    command: r.command,
    ...(r.pid ? { pid: r.pid } : {}),
    startedAt: new Date(r.startedAt).toISOString(),
    ageMs: now - r.startedAt,
    ...(r.endedAt !== undefined ? { durationMs: r.endedAt - r.startedAt } : {}),
  };
}

function requireId(args: ProcessArgs): string {
  if (!args.sessionId?.trim()) {
    throw new OpenClawError(
      "TOOL_ARGS_INVALID",
      `Cannot run process ${args.action}: "sessionId" is required`,
      { hint: 'Use action "list" to see the sessionIds of this session' },
    );
  }
  return args.sessionId;
}

function logLines(r: ProcessRecord, offset: number | undefined, limit: number | undefined) {
  const text = r.output.text();
  const lines = text.length === 0 ? [] : text.replace(/\n$/, "").split("\n");
  const n = limit ?? DEFAULT_LOG_LINES;
  const start = offset ?? Math.max(0, lines.length - n);
  const slice = lines.slice(start, start + n);
  return {
    sessionId: r.id,
    status: r.status,
    exitCode: r.exitCode,
    totalLines: lines.length,
    offset: start,
    lines: slice.join("\n"),
    ...(r.output.dropped > 0
      ? { note: `${r.output.dropped} earlier characters were dropped (output is bounded)` }
      : {}),
  };
}

/** Creates the `process` tool over the manager `exec` uses. */
export function createProcessTool(
  options: { manager: ProcessManager },
): ToolDefinition<ProcessArgs> {
  const { manager } = options;
  return {
    name: "process",
    group: "runtime",
    description: "Manage background commands started by exec: list, poll (new output and exit " +
      "status), log (offset + limit lines), write (stdin; eof closes it), kill, clear (forget " +
      "finished ones). Background commands are lost when the gateway restarts.",
    inputSchema: ProcessArgsSchema,
    async execute(args: ProcessArgs, ctx: ToolContext): Promise<unknown> {
      const scope: ProcessScope = { agentId: ctx.agentId, sessionKey: ctx.sessionKey };
      const now = manager.now();
      switch (args.action) {
        case "list":
          return { processes: manager.list(scope).map((r) => summary(r, now)) };
        case "poll": {
          const r = manager.get(requireId(args), scope);
          await manager.waitForChange(r, r.pollCursor, args.timeout ?? 0);
          const chunk = r.output.since(r.pollCursor);
          r.pollCursor = chunk.next;
          return {
            sessionId: r.id,
            status: r.status,
            exitCode: r.exitCode,
            ...(r.signal ? { signal: r.signal } : {}),
            output: tailWithMarker(chunk.text, POLL_MAX_CHARS, chunk.lost),
            done: r.status !== "running",
          };
        }
        case "log":
          return logLines(manager.get(requireId(args), scope), args.offset, args.limit);
        case "write": {
          const r = manager.get(requireId(args), scope);
          await manager.write(r, args.data ?? "", args.eof ?? false);
          return { sessionId: r.id, written: (args.data ?? "").length, eof: args.eof ?? false };
        }
        case "kill": {
          const r = manager.get(requireId(args), scope);
          const wasRunning = r.status === "running";
          await manager.kill(r);
          return { sessionId: r.id, killed: wasRunning, status: r.status };
        }
        case "clear": {
          if (args.sessionId?.trim()) {
            const r = manager.get(args.sessionId, scope);
            if (r.status === "running") {
              throw new OpenClawError(
                "PROCESS_RUNNING",
                `Cannot clear process "${r.id}": it is still running`,
                { hint: 'Kill it first with action "kill"' },
              );
            }
            manager.forget(r.id);
            return { cleared: [r.id] };
          }
          const done = manager.list(scope).filter((r) => r.status !== "running");
          for (const r of done) manager.forget(r.id);
          return { cleared: done.map((r) => r.id) };
        }
      }
    },
  };
}
