/**
 * Every RPC method the gateway implements, in one registry. `hello-ok.features.methods` is
 * exactly its list, so clients never see a method advertised that does not exist.
 *
 * @module
 */
import { z } from "zod";
import { METHOD_SCOPES } from "../../lib/protocol/scopes.ts";
import { agentMethods } from "./agent.ts";
import { chatMethods } from "./chat.ts";
import { configMethods } from "./config.ts";
import { healthMethods } from "./health.ts";
import { logsMethods } from "./logs.ts";
import { modelsMethods } from "./models.ts";
import { secretsMethods } from "./secrets.ts";
import { sessionsMethods } from "./sessions.ts";
import { systemMethods } from "./system.ts";
import { toolsMethods } from "./tools.ts";
import { type MethodDefinition, MethodRegistry } from "./registry.ts";
import type { MethodCall } from "./types.ts";

// TRANSITIONAL: accepts old name → handler tables while the method files move to defineMethod.
type LegacyTable = Readonly<Record<string, (call: MethodCall) => unknown>>;
function asDefinitions(input: readonly MethodDefinition[] | LegacyTable): MethodDefinition[] {
  if (Array.isArray(input)) return [...input];
  return Object.entries(input as LegacyTable).map(([name, handler]) => ({
    name,
    scope: Object.hasOwn(METHOD_SCOPES, name) ? METHOD_SCOPES[name] : "operator.admin",
    params: z.looseObject({}),
    run: (call: MethodCall<unknown>) => handler(call as MethodCall),
  }));
}

/** The gateway's methods. */
export const GATEWAY_METHODS: MethodRegistry = new MethodRegistry([
  ...asDefinitions(healthMethods),
  ...asDefinitions(systemMethods),
  ...asDefinitions(configMethods),
  ...asDefinitions(logsMethods),
  ...asDefinitions(secretsMethods),
  ...asDefinitions(modelsMethods),
  ...asDefinitions(sessionsMethods),
  ...asDefinitions(chatMethods),
  ...asDefinitions(agentMethods),
  ...asDefinitions(toolsMethods),
]);
