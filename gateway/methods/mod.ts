/**
 * Every RPC method the gateway implements, in one registry. `hello-ok.features.methods` is
 * exactly its list, so clients never see a method advertised that does not exist. To add a
 * method, define it with `defineMethod` in the file of its area and list its name under that
 * area here (tests/unit/gateway/registry_test.ts fails when a list and its file disagree).
 *
 * Areas load lazily: a handler module (and what it imports: sessions, cron, the agent runtime,
 * the config schema, ...) is imported the first time one of its methods is called, so none of it
 * is on the gateway's start path, and a gateway that only answers `health` never loads the rest.
 *
 * @module
 */
import { LazyMethodRegistry, type MethodArea } from "./lazy_registry.ts";

/** The areas, in `hello-ok.features.methods` order. */
export const METHOD_AREAS: readonly MethodArea[] = [
  {
    module: "health",
    names: ["health", "status"],
    load: async () => (await import("./health.ts")).healthMethods,
  },
  {
    module: "system",
    names: ["system-presence", "system-event", "last-heartbeat"],
    load: async () => (await import("./system.ts")).systemMethods,
  },
  {
    module: "heartbeat",
    names: ["set-heartbeats", "wake"],
    load: async () => (await import("./heartbeat.ts")).heartbeatMethods,
  },
  {
    module: "config",
    names: ["config.get", "config.set", "config.apply", "config.patch", "config.schema"],
    load: async () => (await import("./config.ts")).configMethods,
  },
  {
    module: "logs",
    names: ["logs.tail"],
    load: async () => (await import("./logs.ts")).logsMethods,
  },
  {
    module: "secrets",
    names: ["secrets.reload"],
    load: async () => (await import("./secrets.ts")).secretsMethods,
  },
  {
    module: "models",
    names: ["models.list"],
    load: async () => (await import("./models.ts")).modelsMethods,
  },
  {
    module: "sessions",
    names: ["sessions.list", "sessions.preview", "sessions.reset", "sessions.delete"],
    load: async () => (await import("./sessions.ts")).sessionsMethods,
  },
  {
    module: "chat",
    names: ["chat.send", "chat.abort", "chat.history"],
    load: async () => (await import("./chat.ts")).chatMethods,
  },
  {
    module: "agent",
    names: ["agent", "agent.wait"],
    load: async () => (await import("./agent.ts")).agentMethods,
  },
  {
    module: "tools",
    names: ["tools.invoke"],
    load: async () => (await import("./tools.ts")).toolsMethods,
  },
  {
    module: "cron",
    names: [
      "cron.status",
      "cron.list",
      "cron.get",
      "cron.add",
      "cron.update",
      "cron.remove",
      "cron.run",
      "cron.runs",
    ],
    load: async () => (await import("./cron.ts")).cronMethods,
  },
  {
    module: "devices",
    names: [
      "device.pair.list",
      "device.pair.approve",
      "device.pair.reject",
      "device.pair.remove",
      "device.pair.rename",
      "device.token.rotate",
      "device.token.revoke",
      "device.bootstrap.issue",
    ],
    load: async () => (await import("./devices.ts")).devicesMethods,
  },
  {
    module: "channels",
    names: [
      "channels.status",
      "channels.logout",
      "web.login.start",
      "web.login.wait",
      "channels.failed.list",
      "channels.failed.resend",
      "channels.failed.drop",
    ],
    load: async () => (await import("./channels.ts")).channelsMethods,
  },
  {
    module: "pairing",
    names: ["channels.pairing.list", "channels.pairing.approve", "channels.pairing.dismiss"],
    load: async () => (await import("./pairing.ts")).pairingMethods,
  },
  {
    module: "browser",
    names: ["browser.request"],
    load: async () => (await import("./browser.ts")).browserMethods,
  },
  {
    module: "wizard",
    names: ["wizard.start", "wizard.next", "wizard.cancel", "wizard.status"],
    load: async () => (await import("./wizard.ts")).wizardMethods,
  },
  {
    module: "stock_sessions",
    names: [
      "sessions.subscribe",
      "sessions.unsubscribe",
      "sessions.messages.subscribe",
      "sessions.messages.unsubscribe",
      "sessions.observer.visibility",
      "sessions.patch",
      "sessions.create",
      "sessions.compact",
    ],
    load: async () => (await import("./stock_sessions.ts")).stockSessionsMethods,
  },
  {
    module: "stock_chat",
    names: ["chat.startup", "chat.message.get", "chat.inject"],
    load: async () => (await import("./stock_chat.ts")).stockChatMethods,
  },
  {
    module: "stock_agents",
    names: [
      "agents.list",
      "agents.create",
      "agents.update",
      "agents.delete",
      "agent.identity.get",
      "agents.files.list",
      "agents.files.get",
      "agents.files.set",
      "models.authStatus",
    ],
    load: async () => (await import("./stock_agents.ts")).stockAgentsMethods,
  },
  {
    module: "stock_usage",
    names: [
      "usage.status",
      "usage.cost",
      "sessions.usage",
      "sessions.usage.timeseries",
      "sessions.usage.logs",
    ],
    load: async () => (await import("./stock_usage.ts")).stockUsageMethods,
  },
  {
    module: "stock_system",
    names: ["system.info", "config.schema.lookup", "diagnostics.stability", "update.status"],
    load: async () => (await import("./stock_system.ts")).stockSystemMethods,
  },
  {
    module: "stock_unavailable",
    names: [
      "update.run",
      "node.list",
      "node.pair.list",
      "node.describe",
      "node.rename",
      "node.invoke",
      "node.pair.request",
      "node.pair.approve",
      "node.pair.reject",
      "node.pair.remove",
      "node.pair.verify",
      "exec.approvals.get",
      "exec.approvals.set",
      "exec.approval.list",
      "exec.approval.get",
      "exec.approval.resolve",
      "exec.approval.waitDecision",
      "exec.approval.request",
      "plugin.approval.list",
      "plugin.approval.resolve",
      "plugin.approval.waitDecision",
      "plugin.approval.request",
      "openclaw.approval.list",
      "approval.history",
      "question.list",
      "skills.status",
      "skills.search",
      "skills.install",
      "skills.update",
      "plugins.list",
      "plugins.search",
      "plugins.inspect",
      "plugins.install",
      "plugins.uninstall",
      "plugins.setEnabled",
      "plugins.refresh",
      "plugins.reload",
      "push.web.vapidPublicKey",
      "push.web.subscribe",
      "push.web.unsubscribe",
      "push.web.test",
    ],
    load: async () => (await import("./stock_unavailable.ts")).stockUnavailableMethods,
  },
];

/** The gateway's methods. */
export const GATEWAY_METHODS: LazyMethodRegistry = new LazyMethodRegistry(METHOD_AREAS);
