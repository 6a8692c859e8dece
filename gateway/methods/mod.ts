/**
 * Every RPC method the gateway implements, in one registry. `hello-ok.features.methods` is
 * exactly its list, so clients never see a method advertised that does not exist. To add a
 * method, define it with `defineMethod` in the file of its area and list that file's array here.
 *
 * @module
 */
import { agentMethods } from "./agent.ts";
import { channelsMethods } from "./channels.ts";
import { chatMethods } from "./chat.ts";
import { configMethods } from "./config.ts";
import { cronMethods } from "./cron.ts";
import { devicesMethods } from "./devices.ts";
import { healthMethods } from "./health.ts";
import { heartbeatMethods } from "./heartbeat.ts";
import { logsMethods } from "./logs.ts";
import { modelsMethods } from "./models.ts";
import { pairingMethods } from "./pairing.ts";
import { secretsMethods } from "./secrets.ts";
import { sessionsMethods } from "./sessions.ts";
import { systemMethods } from "./system.ts";
import { toolsMethods } from "./tools.ts";
import { MethodRegistry } from "./registry.ts";

/** The gateway's methods. */
export const GATEWAY_METHODS: MethodRegistry = new MethodRegistry([
  ...healthMethods,
  ...systemMethods,
  ...heartbeatMethods,
  ...configMethods,
  ...logsMethods,
  ...secretsMethods,
  ...modelsMethods,
  ...sessionsMethods,
  ...chatMethods,
  ...agentMethods,
  ...toolsMethods,
  ...cronMethods,
  ...devicesMethods,
  ...channelsMethods,
  ...pairingMethods,
]);
