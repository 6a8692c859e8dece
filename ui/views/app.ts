/**
 * The dashboard shell: header with the connection state, navigation, and the panel of the
 * current hash route. A panel is listed only when the gateway advertises the method it needs
 * (`hello-ok.features.methods`), so an older or smaller gateway shows fewer panels, never
 * broken ones. Until the first `hello-ok` the connection view fills the page; after a drop it
 * stays above the panels while the client reconnects.
 *
 * @module
 */
import { html, type VNode } from "../deps/preact.ts";
import type { GatewayClient } from "../lib/client.ts";
import type { CredentialStore } from "../lib/credentials.ts";
import { ChannelsPanel } from "./channels.ts";
import { ChatPanel } from "./chat.ts";
import { ConfigPanel } from "./config.ts";
import { ConnectView } from "./connect_view.ts";
import { DevicesPanel } from "./devices.ts";
import { useConnection, useRoute } from "./hooks.ts";
import { LogsPanel } from "./logs.ts";
import { OverviewPanel } from "./overview.ts";
import { SessionsPanel } from "./sessions.ts";
import { ToolsPanel } from "./tools.ts";

/** What every panel gets. */
export interface PanelProps {
  client: GatewayClient;
  query: URLSearchParams;
}

interface PanelDef {
  path: string;
  label: string;
  /** The method the panel cannot work without; null = always shown. */
  needs: string | null;
  view: (p: PanelProps) => VNode;
}

/** The panels, in navigation order. */
export const PANELS: readonly PanelDef[] = [
  { path: "/", label: "Overview", needs: null, view: OverviewPanel },
  { path: "/chat", label: "Chat", needs: "chat.send", view: ChatPanel },
  { path: "/sessions", label: "Sessions", needs: "sessions.list", view: SessionsPanel },
  { path: "/config", label: "Config", needs: "config.get", view: ConfigPanel },
  { path: "/logs", label: "Logs", needs: "logs.tail", view: LogsPanel },
  { path: "/channels", label: "Channels", needs: "channels.status", view: ChannelsPanel },
  { path: "/devices", label: "Devices", needs: "device.pair.list", view: DevicesPanel },
  { path: "/tools", label: "Tools & sandbox", needs: "sandbox.explain", view: ToolsPanel },
];

/** The whole page. */
export function App(props: { client: GatewayClient; credentials: CredentialStore }): VNode {
  const { client } = props;
  const state = useConnection(client);
  const route = useRoute();
  const hello = state.hello;
  if (!hello) {
    return html`
      <main class="center">
        <h1 class="brand">OpenClaw Control</h1>
        <${ConnectView} client=${client} credentials=${props.credentials} state=${state} />
      </main>
    `;
  }
  const available = PANELS.filter((p) => p.needs === null || client.has(p.needs));
  const panel = available.find((p) => p.path === route.path) ?? available[0];
  const connected = state.phase === "connected";
  return html`
    <div class="layout">
      <header class="top">
        <span class="brand">OpenClaw Control</span>
        <span class=${`pill ${connected ? "good" : "bad"}`} data-connection=${state.phase}>
            ${connected ? "connected" : state.phase}</span>
        <span class="muted version">gateway ${hello.server.version}</span>
      </header>
      <nav class="tabs">${available.map((p) =>
        html`<a href=${`#${p.path}`} class=${p === panel ? "active" : ""}>${p.label}</a>`
      )}</nav>
      <main class="panel">
          ${connected
            ? null
            : html`<${ConnectView} client=${client} credentials=${props.credentials} state=${state} compact />`}
          ${connected
            ? html`<${panel.view} key=${panel.path} client=${client} query=${route.query} />`
            : null}
        </main>
    </div>
  `;
}
