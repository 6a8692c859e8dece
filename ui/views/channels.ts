/**
 * Channels: each channel's accounts from `channels.status` (with a probe on demand), and the DM
 * pairing requests waiting for the owner (`channels.pairing.list`), approved or dismissed from
 * here. The gateway sends no event for a new DM pairing request, so the list is polled while the
 * panel is open and the page visible. A gateway without the pairing methods shows the status
 * alone.
 *
 * @module
 */
import { html, useState, type VNode } from "../deps/preact.ts";
import type { PanelProps } from "./app.ts";
import { useInterval, useRpc } from "./hooks.ts";
import { Badge, Card, ErrorBox, formatAgo } from "./widgets.ts";

type Rec = Record<string, unknown>;
/** How often the pairing requests are re-read while the panel is open. */
const PAIRING_POLL_MS = 5_000;
const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? v as Rec : {});

function accountStatus(a: Rec): string {
  if (a.enabled === false) return "off";
  if (a.connected === true) return "connected";
  if (a.running === true) return "running";
  if (a.lastError) return "error";
  return a.configured === false ? "not configured" : "stopped";
}

function PairingRequests(props: { client: PanelProps["client"] }): VNode {
  const { client } = props;
  const list = useRpc<{ requests?: Rec[] }>(client, "channels.pairing.list");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useInterval(() => document.visibilityState === "visible" && list.reload(), PAIRING_POLL_MS);
  const act = async (method: string, r: Rec) => {
    setError(undefined);
    setNotice(undefined);
    const approve = method.endsWith("approve");
    try {
      const res = await client.request<Rec>(method, {
        channel: r.channel,
        accountId: r.accountId,
        requestId: r.requestId,
        ...(approve ? { notify: true } : {}),
      });
      const who = String(r.senderLabel ?? r.senderId);
      setNotice(
        approve
          ? `Approved ${who}.${res?.notification === "sent" ? " They were told." : ""}`
          : `Rejected ${who}.`,
      );
    } catch (err) {
      setError((err as Error).message);
    }
    list.reload();
  };
  const requests = list.data?.requests ?? [];
  return html`<${Card} wide title=${`DM pairing requests (${requests.length})`} actions=${html`<button class="small" onClick=${list.reload}>Refresh</button>`}>
    <${ErrorBox} error=${error ?? list.error} />
    ${notice ? html`<div class="notice">${notice}</div>` : null}
    ${
    requests.length === 0
      ? html`<p class="muted">No pending requests.</p>`
      : html`<ul class="rows">${
        requests.map((r) =>
          html`<li key=${String(r.requestId)} data-request=${String(r.requestId)}>
          <strong>${String(r.senderLabel ?? r.senderId)}</strong>
          <span class="muted"> on ${String(r.channelLabel ?? r.channel)}/${String(r.accountId)} ${
            formatAgo(r.lastSeenAt ?? r.createdAt)
          }</span>
          <span class="row-actions">
            <button class="small" onClick=${() =>
            act("channels.pairing.approve", r)}>Approve</button>
            ${
            client.has("channels.pairing.dismiss")
              ? html`<button class="small secondary" onClick=${() =>
                act("channels.pairing.dismiss", r)}>Reject</button>`
              : null
          }
          </span></li>`
        )
      }</ul>`
  }
  </${Card}>`;
}

/** The channels panel. */
export function ChannelsPanel({ client }: PanelProps): VNode {
  const [probe, setProbe] = useState(false);
  const status = useRpc<Rec>(client, "channels.status", { probe }, String(probe));
  const s = rec(status.data);
  const order = Array.isArray(s.channelOrder)
    ? s.channelOrder as string[]
    : Object.keys(rec(s.channels));
  const labels = rec(s.channelLabels);
  const accounts = rec(s.channelAccounts);
  return html`
    <div class="cards">
      <${Card} wide title="Channels" actions=${html`
        <button class="small" disabled=${status.loading}
          onClick=${() => (probe ? status.reload() : setProbe(true))}>Probe</button>
      `}>
          <${ErrorBox} error=${status.error} />
          ${order.length === 0 && !status.loading
            ? html`<p class="muted">No channels configured.</p>`
            : null}
          <table class="grid" hidden=${order.length ===
            0}><thead><tr><th>Channel</th><th>Account</th><th>Status</th><th>Detail</th></tr></thead>
          <tbody>${order.flatMap((id) => {
            const rows = Array.isArray(accounts[id])
              ? accounts[id] as Rec[]
              : [rec(rec(s.channels)[id])];
            return rows.map((a) =>
              html`
                <tr>
                  <td>${String(labels[id] ?? id)}</td>
                  <td>${String(a.accountId ?? "default")}</td>
                  <td>
                    <${Badge} status=${accountStatus(a)} />
                  </td>
                  <td class="muted">${a.lastError
                    ? String(a.lastError)
                    : a.probe
                    ? JSON.stringify(a.probe)
                    : ""}</td>
                </tr>
              `
            );
          })}</tbody></table>
        </${Card}>
        ${client.has("channels.pairing.list")
          ? html`<${PairingRequests} client=${client} />`
          : null}
      </div>
  `;
}
