/**
 * Every RPC method the gateway implements. `hello-ok.features.methods` is exactly this list, so
 * clients never see a method advertised that does not exist.
 *
 * @module
 */
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
import type { MethodTable } from "./types.ts";

/** Method name → handler. */
export const GATEWAY_METHODS: MethodTable = {
  ...healthMethods,
  ...systemMethods,
  ...configMethods,
  ...logsMethods,
  ...secretsMethods,
  ...modelsMethods,
  ...sessionsMethods,
  ...chatMethods,
  ...agentMethods,
  ...toolsMethods,
};
