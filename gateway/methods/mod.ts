/**
 * Every RPC method the gateway implements, in one registry. `hello-ok.features.methods` is
 * exactly its list, so clients never see a method advertised that does not exist. To add a
 * method, define it with `defineMethod` in the file of its area and list that file's array here.
 *
 * @module
 */
import { agentMethods } from "./agent.ts";
import { browserMethods } from "./browser.ts";
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
import { wizardMethods } from "./wizard.ts";
import { stockAgentsMethods } from "./stock_agents.ts";
import { stockChatMethods } from "./stock_chat.ts";
import { stockSessionsMethods } from "./stock_sessions.ts";
import { stockSystemMethods } from "./stock_system.ts";
import { stockUnavailableMethods } from "./stock_unavailable.ts";
import { stockUsageMethods } from "./stock_usage.ts";
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
  ...browserMethods,
  ...wizardMethods,
  // Stock clients' methods (issue 15 item 6): real where the data exists, else empty/UNAVAILABLE.
  ...stockSessionsMethods,
  ...stockChatMethods,
  ...stockAgentsMethods,
  ...stockUsageMethods,
  ...stockSystemMethods,
  ...stockUnavailableMethods,
]);
