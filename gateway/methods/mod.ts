/**
 * Every RPC method the gateway implements. `hello-ok.features.methods` is exactly this list, so
 * clients never see a method advertised that does not exist.
 *
 * @module
 */
import { configMethods } from "./config.ts";
import { healthMethods } from "./health.ts";
import { logsMethods } from "./logs.ts";
import { secretsMethods } from "./secrets.ts";
import { systemMethods } from "./system.ts";
import type { MethodTable } from "./types.ts";

/** Method name → handler. */
export const GATEWAY_METHODS: MethodTable = {
  ...healthMethods,
  ...systemMethods,
  ...configMethods,
  ...logsMethods,
  ...secretsMethods,
};
