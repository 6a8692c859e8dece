/**
 * Overview: the gateway (version, uptime, bind, auth, process), its subsystems, channels,
 * heartbeat, agents and connected clients. `health` (and `status` where allowed) is read once,
 * then kept live by the `health`, `presence` and `heartbeat` events.
 *
 * @module
 */
import { html, useState, type VNode } from "../deps/preact.ts";
import type { PanelProps } from "./app.ts";
import { useEvent, useRpc } from "./hooks.ts";
import {
  Badge,
  Card,
  ErrorBox,
  Facts,
  formatAgo,
  formatBytes,
  formatDuration,
  formatTime,
} from "./widgets.ts";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? v as Rec : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

function Subsystems(props: { subsystems: Rec }): VNode {
  const rows = Object.entries(props.subsystems);
  return html`<${Card} title="Subsystems">
    ${
    rows.length === 0 ? html`<p class="muted">none reported</p>` : html`
      <table class="grid">
        <thead>
          <tr>
            <th>Subsystem</th>
            <th>Status</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>${rows.map(([id, v]) => {
          const s = rec(v);
          return html`
            <tr>
              <td>${id}</td>
              <td>
                <${Badge} status=${s.status} />
              </td>
              <td class="muted">${String(
                s.error ?? s.reason ?? (s.required ? "required" : ""),
              )}</td>
            </tr>
          `;
        })}</tbody>
      </table>
    `
  }
  </${Card}>`;
}

function Channels(props: { health: Rec }): VNode {
  const channels = rec(props.health.channels);
  const order = Array.isArray(props.health.channelOrder)
    ? props.health.channelOrder as string[]
    : Object.keys(channels);
  const labels = rec(props.health.channelLabels);
  return html`<${Card} title="Channels">
    ${
    order.length === 0
      ? html`<p class="muted">No channels configured.</p>`
      : html`<ul class="rows">${
        order.map((id) => {
          const c = rec(channels[id]);
          const status = c.running ? "running" : c.enabled === false ? "off" : "stopped";
          return html`<li><strong>${String(labels[id] ?? id)}</strong> <${Badge} status=${status} />
          ${c.lastError ? html`<span class="muted"> ${String(c.lastError)}</span>` : null}</li>`;
        })
      }</ul>`
  }
  </${Card}>`;
}

function Heartbeat(props: { health: Rec; last: Rec | null }): VNode {
  const agents = list(props.health.agents);
  const hb = rec(props.health.heartbeat);
  const last = props.last ?? rec(hb.last);
  return html`<${Card} title="Heartbeat">
    <${Facts} rows=${[
    [
      "Every",
      props.health.heartbeatSeconds
        ? formatDuration(Number(props.health.heartbeatSeconds) * 1000)
        : "off",
    ],
    [
      "Switch",
      hb.enabled === false ? html`<${Badge} status="off" />` : html`<${Badge} status="on" />`,
    ],
    [
      "Last",
      last.ts
        ? html`<span><${Badge} status=${last.status} /> ${formatAgo(last.ts)}</span>`
        : "never",
    ],
    ["Last reason", last.reason ?? last.preview],
  ]} />
    ${
    agents.length > 1
      ? html`<ul class="rows">${
        agents.map((a) => {
          const h = rec(a.heartbeat);
          return html`<li>${String(a.agentId)}: ${h.enabled ? String(h.every ?? "") : "off"}</li>`;
        })
      }</ul>`
      : null
  }
  </${Card}>`;
}

function Presence(props: { presence: Rec[] }): VNode {
  return html`
    <${Card} title=${`Clients (${props.presence.length})`}>
      <ul class="rows">${props.presence.slice(0, 50).map((p) =>
        html`<li><strong>${String(p.clientId ?? p.host ?? "client")}</strong>
        <span class="muted"> ${String(p.mode ?? "")} ${String(p.ip ?? "")} ${
          String(p.version ?? "")
        }</span></li>`
      )}</ul>
      </${Card}>
  `;
}

/** The overview panel. */
export function OverviewPanel({ client }: PanelProps): VNode {
  const hello = client.state.hello!;
  const snapshot = hello.snapshot;
  const [health, setHealth] = useState<Rec>(rec(snapshot.health));
  const [presence, setPresence] = useState<Rec[]>(list(snapshot.presence));
  const [heartbeat, setHeartbeat] = useState<Rec | null>(null);
  const fresh = useRpc<Rec>(client, "health");
  const status = useRpc<Rec>(client, client.has("status") ? "status" : null);
  useEvent(client, "health", (p) => setHealth(rec(p)));
  useEvent(client, "presence", (p) => setPresence(list(rec(p).presence)));
  useEvent(client, "heartbeat", (p) => setHeartbeat(rec(p)));
  const h = fresh.data && rec(fresh.data).ts !== undefined &&
      Number(rec(fresh.data).ts) > Number(health.ts ?? 0)
    ? rec(fresh.data)
    : health;
  const s = rec(status.data);
  const gw = rec(s.gateway);
  const proc = rec(s.process);
  return html`
    <div class="cards">
      <${ErrorBox} error=${fresh.error} />
      <${Card} title="Gateway" actions=${html`<button class="small" onClick=${() => {
        fresh.reload();
        status.reload();
      }}>Refresh</button>`}>
        <${Facts} rows=${[
          ["Status", html`<${Badge} status=${h.ok === false ? "degraded" : "running"} />`],
          ["Version", hello.server.version],
          ["Uptime", formatDuration(s.uptimeMs ?? snapshot.uptimeMs)],
          ["Started", formatTime(s.startedAt)],
          ["Address", gw.url],
          ["Bind", gw.bind],
          ["Auth", gw.authMode ?? snapshot.authMode],
          ["Connections", s.connections],
          ["Config", s.configPath ?? snapshot.configPath],
          ["Log file", s.logFile],
          [
            "Process",
            proc.rssBytes
              ? `pid ${s.pid}, ${formatBytes(proc.rssBytes)} RSS, ${proc.platform}/${proc.arch}`
              : undefined,
          ],
        ]} />
        </${Card}>
        <${Subsystems} subsystems=${rec(s.subsystems ?? h.subsystems)} />
        <${Channels} health=${h} />
        <${Heartbeat} health=${h} last=${heartbeat} />
        <${Card} title="Agents">
          <ul class="rows">${list(h.agents).map((a) =>
            html`<li><a href=${`#/chat?agent=${encodeURIComponent(String(a.agentId))}`}>${
              String(a.name ?? a.agentId)
            }</a>
          ${
              a.isDefault
                ? html`
                  <span class="badge neutral">default</span>
                `
                : null
            }
          <span class="muted"> ${String(rec(a.sessions).count ?? 0)} sessions</span></li>`
          )}</ul>
          </${Card}>
          <${Presence} presence=${presence} />
          </div>
  `;
}
