/**
 * Built-in tools and the tool policy.
 *
 * The agent runtime owns one {@link ProcessManager} (and calls `closeAll()` at shutdown), creates
 * the tools once with {@link createCoreTools}, and before each turn or direct invoke filters them
 * with {@link resolveToolPolicy}:
 *
 * ```ts
 * const manager = new ProcessManager();
 * const tools = createCoreTools({ manager, config: () => currentConfig });
 * const policy = resolveToolPolicy({ config, agentId, sessionKey, surface: "agent", provider, model });
 * const visible = tools.filter((t) => policy.allowed(t.name));
 * ```
 *
 * @module
 */
import { createApplyPatchTool } from "./apply_patch.ts";
import { createExecTool, type ExecToolOptions } from "./exec.ts";
import { createEditTool, createReadTool, createWriteTool } from "./files.ts";
import { createProcessTool } from "./process.ts";
import type { ToolDefinition } from "./types.ts";

export { applyPatch, createApplyPatchTool, parsePatch } from "./apply_patch.ts";
export {
  createExecTool,
  type ExecResult,
  type ExecToolOptions,
  resolveExecSettings,
} from "./exec.ts";
export { createEditTool, createReadTool, createWriteTool } from "./files.ts";
export {
  BUILTIN_TOOLS,
  expandToolGroups,
  normalizeToolName,
  TOOL_GROUPS,
  type ToolProfile,
} from "./groups.ts";
export {
  HTTP_DEFAULT_DENY,
  resolveElevated,
  resolveToolPolicy,
  sandboxModeFor,
  type SandboxModeInfo,
  type ToolDecision,
  type ToolPolicy,
  type ToolPolicyInput,
} from "./policy.ts";
export { createProcessTool } from "./process.ts";
export { ProcessManager, type ProcessManagerOptions } from "./process_manager.ts";
export { type ExecChild, type ExecRunner, type ExecSpawnRequest, hostRunner } from "./runner.ts";
export type { ToolContext, ToolDefinition, ToolGroup, ToolSurface } from "./types.ts";
export { resolveWorkspacePath } from "./workspace_path.ts";

/** Creates exec, process, read, write, edit and apply_patch over one process manager. */
export function createCoreTools(options: ExecToolOptions): ToolDefinition[] {
  // Each tool validates its own arguments with its schema, so the list can be typed loosely.
  const tools = [
    createExecTool(options),
    createProcessTool({ manager: options.manager }),
    createReadTool(),
    createWriteTool(),
    createEditTool(),
    createApplyPatchTool(),
  ];
  return tools as unknown as ToolDefinition[];
}
