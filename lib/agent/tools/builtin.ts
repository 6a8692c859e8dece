/**
 * The registry a runtime starts with: the session and memory tools, and the HTTP surface's
 * deny list as a policy.
 *
 * @module
 */
import { memoryGetTool, memorySearchTool } from "./memory_tools.ts";
import { type AnyTool, httpToolPolicy, ToolRegistry } from "./registry.ts";
import { sessionsHistoryTool, sessionsListTool, sessionStatusTool } from "./session_tools.ts";

/** Built-in tools of this release (`group:sessions` reads and `group:memory`). */
export const BUILTIN_TOOLS: readonly AnyTool[] = [
  sessionsListTool,
  sessionsHistoryTool,
  sessionStatusTool,
  memorySearchTool,
  memoryGetTool,
];

/** Creates a registry holding the built-in tools and the HTTP deny-list policy. */
export function createDefaultToolRegistry(): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of BUILTIN_TOOLS) registry.register(tool);
  registry.addPolicy("gateway.tools (HTTP deny list)", httpToolPolicy);
  return registry;
}
